/** The parts of Go's strconv the template engine needs beyond the syntax package's. */

const MAX_I64 = (1n << 63n) - 1n;
const MIN_I64 = -(1n << 63n);
const MAX_U64 = (1n << 64n) - 1n;

/** Digits with a base prefix, underscores only between digits after a prefix (base 0 rules). */
function parseMagnitude(s0: string, base0: number): bigint | undefined {
  let s = s0;
  let base = base0;
  let prefixed = false;
  if (s === '') return undefined;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      if (s.length >= 3 && (s[1] === 'x' || s[1] === 'X')) { base = 16; s = s.slice(2); prefixed = true; }
      else if (s.length >= 3 && (s[1] === 'o' || s[1] === 'O')) { base = 8; s = s.slice(2); prefixed = true; }
      else if (s.length >= 3 && (s[1] === 'b' || s[1] === 'B')) { base = 2; s = s.slice(2); prefixed = true; }
      else { base = 8; s = s.slice(1); prefixed = true; if (s === '') return 0n; }
    }
  }
  if (s.includes('_')) {
    if (base0 !== 0 || !/^_?[0-9a-zA-Z]+(_[0-9a-zA-Z]+)*$/.test(s) || (!prefixed && s.startsWith('_'))) return undefined;
    s = s.replace(/_/g, '');
  }
  if (s === '') return undefined;
  let v = 0n;
  const b = BigInt(base);
  for (const ch of s) {
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    v = v * b + BigInt(d);
    if (v > MAX_U64 + 1n) return undefined;
  }
  return v;
}

/** strconv.ParseUint(s, base, 64); undefined on any error. */
export function parseUint(s: string, base: number): bigint | undefined {
  const v = parseMagnitude(s, base);
  return v === undefined || v > MAX_U64 ? undefined : v;
}

/** strconv.ParseInt(s, base, 64); undefined on any error. */
export function parseInt64(s: string, base: number): bigint | undefined {
  let neg = false;
  let body = s;
  if (body.startsWith('+') || body.startsWith('-')) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  const v = parseMagnitude(body, base);
  if (v === undefined) return undefined;
  const r = neg ? -v : v;
  return r > MAX_I64 || r < MIN_I64 ? undefined : r;
}

/** strconv.UnquoteChar for a character constant 'x' (text with quotes): the rune, or undefined. */
export function charConstant(text: string): number | undefined {
  const body = text.slice(1, -1);
  if (body === '') return undefined;
  if (body[0] !== '\\') {
    const cp = body.codePointAt(0)!;
    return String.fromCodePoint(cp).length === body.length ? cp : undefined;
  }
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39 };
  const e = body[1];
  if (simple[e] !== undefined) return body.length === 2 ? simple[e] : undefined;
  const m = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3}))$/.exec(body);
  if (!m) return undefined;
  if (m[1] !== undefined) return parseInt(m[1], 16);
  if (m[4] !== undefined) return parseInt(m[4], 8);
  const v = parseInt(m[2] ?? m[3], 16);
  return v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? undefined : v;
}
