/**
 * The primitives of github.com/buger/jsonparser that Loki's JSON push decoder is built on,
 * reproduced over byte ranges of one buffer. Loki's accepted inputs and error texts follow
 * from these lenient scanners (not from a JSON grammar), so they are mirrored closely:
 * e.g. ArrayEach never checks for '[', string values are returned still escaped.
 * All offsets are absolute indexes into `b`; `end` is exclusive.
 */

export const NOT_EXIST = 0;
export const STRING = 1;
export const NUMBER = 2;
export const OBJECT = 3;
export const ARRAY = 4;
export const BOOLEAN = 5;
export const NULL = 6;
export const UNKNOWN = 7;
export type ValueType = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const MalformedJsonError = 'Malformed JSON error';
export const MalformedStringError = `Value is string, but can't find closing '"' symbol`;
export const MalformedArrayError = `Value is array, but can't find closing ']' symbol`;
export const MalformedObjectError = `Value looks like object, but can't find closing '}' symbol`;
export const MalformedValueError = `Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol`;
export const OverflowIntegerError = 'Value is number, but overflowed while parsing';
export const MalformedStringEscapeError = 'Encountered an invalid escape sequence in a string';
export const UnknownValueTypeError = 'Unknown value type';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index of the first non-whitespace byte in [i, end), or -1. */
export function nextToken(b: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return -1;
}

/**
 * End of a string whose content starts at `i` (just past the opening quote): the index just
 * past the closing quote, or -1. A quote closes the string when preceded by an even number
 * of backslashes.
 */
export function stringEnd(b: Buffer, i: number, end: number): number {
  for (;;) {
    const q = b.indexOf(QUOTE, i);
    if (q < 0 || q >= end) return -1;
    let j = q - 1;
    while (j >= i && b[j] === BACKSLASH) j--;
    if ((q - 1 - j) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** End (exclusive) of the array or object starting at `i`, or -1. */
export function blockEnd(b: Buffer, i: number, end: number, open: number, close: number): number {
  let level = 0;
  while (i < end) {
    const c = b[i];
    if (c === QUOTE) {
      const se = stringEnd(b, i + 1, end);
      if (se < 0) return -1;
      i = se - 1;
    } else if (c === open) {
      level++;
    } else if (c === close) {
      level--;
      if (level === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

function tokenEnd(b: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x7d || c === 0x5d) return i;
  }
  return end;
}

function isLiteral(b: Buffer, s: number, e: number, lit: string): boolean {
  if (e - s !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (b[s + k] !== lit.charCodeAt(k)) return false;
  return true;
}

/** Result of `get`: the value range (strings without quotes), its type and where it ends. */
export class Value {
  start = 0;
  end = 0;
  type: ValueType = NOT_EXIST;
  /** Index just past the value (past the closing quote for strings). */
  next = 0;
}

/** jsonparser.Get without keys: the value at the first token of [i, end). Returns an error text or undefined. */
export function get(b: Buffer, i: number, end: number, out: Value): string | undefined {
  const o = nextToken(b, i, end);
  if (o < 0) return MalformedJsonError;
  const c = b[o];
  if (c === QUOTE) {
    const se = stringEnd(b, o + 1, end);
    if (se < 0) return MalformedStringError;
    out.type = STRING;
    out.start = o + 1;
    out.end = se - 1;
    out.next = se;
    return undefined;
  }
  if (c === 0x5b || c === 0x7b) {
    const be = blockEnd(b, o, end, c, c + 2);
    if (be < 0) return c === 0x5b ? MalformedArrayError : MalformedObjectError;
    out.type = c === 0x5b ? ARRAY : OBJECT;
    out.start = o;
    out.end = be;
    out.next = be;
    return undefined;
  }
  const te = tokenEnd(b, o, end);
  let type: ValueType;
  if (c === 0x74 || c === 0x66) {
    if (!isLiteral(b, o, te, 'true') && !isLiteral(b, o, te, 'false')) return UnknownValueTypeError;
    type = BOOLEAN;
  } else if (c === 0x75 || c === 0x6e) {
    if (!isLiteral(b, o, te, 'null')) return UnknownValueTypeError;
    type = NULL;
  } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
    type = NUMBER;
  } else {
    return UnknownValueTypeError;
  }
  out.type = type;
  out.start = o;
  out.end = te;
  out.next = te;
  return undefined;
}

/**
 * jsonparser.ArrayEach: calls `cb` for each element. Like the original it skips the first
 * token without checking it is '[' and cannot be stopped by the callback.
 */
export function arrayEach(b: Buffer, start: number, end: number, cb: (v: Value) => void): string | undefined {
  if (start >= end) return MalformedObjectError;
  const nT = nextToken(b, start, end);
  if (nT < 0) return MalformedJsonError;
  let off = nextToken(b, nT + 1, end);
  if (off < 0) return MalformedJsonError;
  if (b[off] === 0x5d) return undefined;
  const v = new Value();
  for (;;) {
    const err = get(b, off, end, v);
    if (err !== undefined) return err;
    cb(v);
    off = nextToken(b, v.next, end);
    if (off < 0) return MalformedArrayError;
    if (b[off] === 0x5d) return undefined;
    if (b[off] !== 0x2c) return MalformedArrayError;
    off++;
  }
}

/**
 * jsonparser.ObjectEach: calls `cb(key, value)` for each member; the key is unescaped.
 * A callback error stops the walk and is returned.
 */
export function objectEach(
  b: Buffer, start: number, end: number, cb: (key: Buffer, v: Value) => string | undefined,
): string | undefined {
  let off = nextToken(b, start, end);
  if (off < 0 || b[off] !== 0x7b) return MalformedObjectError;
  off = nextToken(b, off + 1, end);
  if (off < 0) return MalformedJsonError;
  if (b[off] === 0x7d) return undefined;
  const v = new Value();
  while (off < end) {
    const c = b[off];
    if (c === 0x7d) return undefined;
    if (c !== QUOTE) return MalformedObjectError;
    off++;
    const se = stringEnd(b, off, end);
    if (se < 0) return MalformedJsonError;
    const key = unescape(b, off, se - 1);
    if (key === undefined) return MalformedStringEscapeError;
    off = nextToken(b, se, end);
    if (off < 0 || b[off] !== 0x3a) return MalformedJsonError;
    off++;
    const err = get(b, off, end, v);
    if (err !== undefined) return err;
    const cbErr = cb(key, v);
    if (cbErr !== undefined) return cbErr;
    off = nextToken(b, v.next, end);
    if (off < 0) return MalformedArrayError;
    if (b[off] === 0x7d) return undefined;
    if (b[off] !== 0x2c) return MalformedObjectError;
    off = nextToken(b, off + 1, end);
    if (off < 0) return MalformedArrayError;
  }
  return MalformedObjectError;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function u4(b: Buffer, i: number, end: number): number {
  if (end - i < 6) return -1;
  const h1 = hexVal(b[i + 2]), h2 = hexVal(b[i + 3]), h3 = hexVal(b[i + 4]), h4 = hexVal(b[i + 5]);
  if (h1 < 0 || h2 < 0 || h3 < 0 || h4 < 0) return -1;
  return (h1 << 12) | (h2 << 8) | (h3 << 4) | h4;
}

const ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

/**
 * jsonparser.Unescape of [s, e): the same bytes (a subarray, no copy) when there is no
 * backslash, else a new buffer; undefined on an invalid escape.
 */
export function unescape(b: Buffer, s: number, e: number): Buffer | undefined {
  let bs = b.indexOf(BACKSLASH, s);
  if (bs < 0 || bs >= e) return b.subarray(s, e);
  const out = Buffer.allocUnsafe(e - s);
  let n = b.copy(out, 0, s, bs);
  let i = bs;
  while (i < e) {
    if (b[i] !== BACKSLASH) {
      bs = b.indexOf(BACKSLASH, i);
      const stop = bs < 0 || bs >= e ? e : bs;
      n += b.copy(out, n, i, stop);
      i = stop;
      continue;
    }
    if (e - i < 2) return undefined;
    const esc = b[i + 1];
    const simple = ESCAPES[esc];
    if (simple !== undefined) {
      out[n++] = simple;
      i += 2;
      continue;
    }
    if (esc !== 0x75) return undefined;
    let r = u4(b, i, e);
    if (r < 0) return undefined;
    let used = 6;
    if (r >= 0xd800 && r <= 0xdfff) {
      const r2 = u4(b, i + 6, e);
      if (r2 < 0 || r2 < 0xdc00) return undefined;
      // utf16.DecodeRune: an invalid pair decodes to U+FFFD.
      r = r < 0xdc00 && r2 <= 0xdfff ? 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00) : 0xfffd;
      used = 12;
    }
    n += out.write(String.fromCodePoint(r), n, 'utf8');
    i += used;
  }
  return out.subarray(0, n);
}

/** jsonparser.ParseString: the unescaped bytes, or undefined (MalformedValueError). */
export function parseString(b: Buffer, s: number, e: number): Buffer | undefined {
  return unescape(b, s, e);
}

const INT64_MIN = -(2n ** 63n);

/**
 * jsonparser.ParseInt over raw bytes: optional '-', then digits only. Overflow is detected the
 * way the original does (a wrapped int64 smaller than before), so some overflows wrap silently.
 * Returns a bigint or an error text.
 */
export function parseInt64(b: Buffer, s: number, e: number): bigint | string {
  if (s >= e) return MalformedValueError;
  let neg = false;
  if (b[s] === 0x2d) { neg = true; s++; }
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x39) return MalformedValueError;
  }
  if (e - s <= 18) {
    const v = s === e ? 0n : BigInt(b.toString('latin1', s, e));
    return neg ? -v : v;
  }
  let v = 0n;
  for (let i = s; i < e; i++) {
    const next = BigInt.asIntN(64, 10n * v + BigInt(b[i] - 0x30));
    if (next < v) return OverflowIntegerError;
    v = next;
  }
  if (!neg) return v;
  return v === INT64_MIN ? v : -v;
}
