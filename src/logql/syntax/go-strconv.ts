/**
 * Go's strconv as Loki uses it: quoting and unquoting strings, parsing numbers.
 * Error texts are Go's, since they reach clients inside Loki's messages.
 */

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const HEX = '0123456789abcdef';

/** unicode.IsPrint. */
function isPrint(c: number): boolean {
  if (c < 0x80) return c >= 0x20 && c < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(c));
}

/** strconv.Quote. Lone surrogates (not representable in UTF-8) print as \ufffd. */
export function quote(s: string): string {
  let simple = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) { simple = false; break; }
  }
  if (simple) return '"' + s + '"';
  let out = '"';
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c === 0x22) { out += '\\"'; continue; }
    if (c === 0x5c) { out += '\\\\'; continue; }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (isPrint(c)) { out += String.fromCodePoint(c); continue; }
    switch (c) {
      case 0x07: out += '\\a'; continue;
      case 0x08: out += '\\b'; continue;
      case 0x0c: out += '\\f'; continue;
      case 0x0a: out += '\\n'; continue;
      case 0x0d: out += '\\r'; continue;
      case 0x09: out += '\\t'; continue;
      case 0x0b: out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + HEX[c >> 4] + HEX[c & 15];
    else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += '\\U' + c.toString(16).padStart(8, '0');
  }
  return out + '"';
}

export class SyntaxErr extends Error {}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Prometheus strutil.Unquote: `"..."` with Go escapes, or a raw backtick string.
 * \x and octal escapes are bytes; the result is decoded as UTF-8. Throws SyntaxErr.
 */
export function unquote(s: string): string {
  const n = s.length;
  if (n < 2) throw new SyntaxErr('invalid syntax');
  const q = s.charCodeAt(0);
  if (q !== s.charCodeAt(n - 1)) throw new SyntaxErr('invalid syntax');
  const body = s.slice(1, n - 1);
  if (q === 0x60) {
    if (body.includes('`')) throw new SyntaxErr('invalid syntax');
    return body;
  }
  if (q !== 0x22 && q !== 0x27) throw new SyntaxErr('invalid syntax');
  if (body.includes('\n')) throw new SyntaxErr('invalid syntax');
  if (!body.includes('\\') && !body.includes(String.fromCharCode(q))) return body;
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === q) throw new SyntaxErr('invalid syntax');
    if (c !== 0x5c) {
      const cp = body.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      if (cp < 0x80) bytes.push(cp);
      else for (const b of utf8Encoder.encode(body.slice(i, i + w))) bytes.push(b);
      i += w;
      continue;
    }
    if (i + 1 >= body.length) throw new SyntaxErr('invalid syntax');
    const e = body.charCodeAt(i + 1);
    i += 2;
    switch (e) {
      case 0x61: bytes.push(7); break;
      case 0x62: bytes.push(8); break;
      case 0x66: bytes.push(12); break;
      case 0x6e: bytes.push(10); break;
      case 0x72: bytes.push(13); break;
      case 0x74: bytes.push(9); break;
      case 0x76: bytes.push(11); break;
      case 0x5c: bytes.push(0x5c); break;
      case 0x27: case 0x22:
        if (e !== q) throw new SyntaxErr('invalid syntax');
        bytes.push(e);
        break;
      case 0x78: case 0x75: case 0x55: {
        const len = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
        if (i + len > body.length) throw new SyntaxErr('invalid syntax');
        let v = 0;
        for (let j = 0; j < len; j++) {
          const x = unhex(body.charCodeAt(i + j));
          if (x < 0) throw new SyntaxErr('invalid syntax');
          v = v * 16 + x;
        }
        i += len;
        if (e === 0x78) { bytes.push(v); break; }
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxErr('invalid syntax');
        for (const b of utf8Encoder.encode(String.fromCodePoint(v))) bytes.push(b);
        break;
      }
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: {
        let v = e - 0x30;
        if (i + 2 > body.length) throw new SyntaxErr('invalid syntax');
        for (let j = 0; j < 2; j++) {
          const x = body.charCodeAt(i + j) - 0x30;
          if (x < 0 || x > 7) throw new SyntaxErr('invalid syntax');
          v = (v << 3) | x;
        }
        i += 2;
        if (v > 255) throw new SyntaxErr('invalid syntax');
        bytes.push(v);
        break;
      }
      default:
        throw new SyntaxErr('invalid syntax');
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

/** UTF-8 byte length, as Go's len(string). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const c2 = s.charCodeAt(i + 1);
      if (c2 >= 0xdc00 && c2 <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

export class NumError extends Error {}

function numError(fn: string, s: string, what: string): NumError {
  return new NumError(`strconv.${fn}: parsing ${quote(s)}: ${what}`);
}

function underscoreOK(s0: string): boolean {
  let s = s0;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) { saw = '0'; continue; }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const DEC_FLOAT = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9_]+)$/;

const SIMPLE_DECIMAL = /^[0-9]{1,15}(?:\.[0-9]{0,15})?$/;

/** strconv.ParseFloat(s, 64). Throws NumError with Go's message. */
export function parseFloat64(s: string): number {
  if (SIMPLE_DECIMAL.test(s)) return Number(s);
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (s.includes('_') && !underscoreOK(s)) throw numError('ParseFloat', s, 'invalid syntax');
  const clean = s.includes('_') ? s.replace(/_/g, '') : s;
  let v: number;
  if (DEC_FLOAT.test(s)) {
    if (!/[0-9]/.test(clean.replace(/[eE].*$/, ''))) throw numError('ParseFloat', s, 'invalid syntax');
    v = Number(clean);
  } else {
    const m = HEX_FLOAT.exec(clean);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw numError('ParseFloat', s, 'invalid syntax');
    const digits = m[2] + (m[3] ?? '');
    const mant = digits === '' ? 0n : BigInt('0x' + digits);
    const exp = Number(m[4]) - 4 * (m[3] ?? '').length;
    v = Number(mant) * Math.pow(2, exp);
    if (m[1] === '-') v = -v;
  }
  if (!Number.isFinite(v)) throw Object.assign(numError('ParseFloat', s, 'value out of range'), { value: v });
  return v;
}

/** strconv.Atoi on a 64-bit platform; the result is exact only up to 2^53. */
export function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw numError('Atoi', s, 'invalid syntax');
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) throw numError('Atoi', s, 'value out of range');
  return Number(v);
}
