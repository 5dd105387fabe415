/**
 * The primitives of github.com/buger/jsonparser that Loki's JSON push decoder is built on,
 * reproduced over byte ranges of one buffer. Loki's accepted inputs and error texts follow
 * from these lenient scanners (not from a JSON grammar), so they are mirrored closely:
 * e.g. ArrayEach (written out as loops in v1.ts) never checks for '[', and string values are
 * returned still escaped.
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

/**
 * Value ends already found by a strict pass over the same bytes (the jsoniter skip that
 * precedes jsonparser in Loki's decoder). For well-formed JSON they are the ends jsonparser
 * would find, so lookups save rescanning long, escaped lines; anything else is computed.
 * Keys: index of '['/'{' → index past its closing bracket; index after an opening quote of a
 * string with escapes → index past its closing quote.
 */
export class Memo {
  readonly blocks = new Map<number, number>();
  readonly strings = new Map<number, number>();
  /** Escaped strings already unescaped (by content start), as jsonparser would unescape them. */
  readonly unescaped = new Map<number, Buffer>();
  /**
   * Unescaped strings are written to chunks of this arena rather than one buffer each; a line
   * keeps only its chunk alive.
   */
  arena: Buffer | undefined;
  arenaUsed = 0;
  constructor(readonly buf: Buffer) {}

  /** The arena chunk, with at least `min` free bytes from arenaUsed on (the caller advances it). */
  reserve(min: number): Buffer {
    if (this.arena === undefined || this.arena.length - this.arenaUsed < min) {
      this.arena = Buffer.allocUnsafeSlow(Math.max(ARENA_CHUNK, min));
      this.arenaUsed = 0;
    }
    return this.arena;
  }
}

const ARENA_CHUNK = 64 * 1024;

/** The memo in use while decoding one body; decoding is synchronous, see withMemo. */
let active: Memo | undefined;

export function withMemo<T>(memo: Memo, fn: () => T): T {
  const prev = active;
  active = memo;
  try {
    return fn();
  } finally {
    active = prev;
  }
}

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
  if (active !== undefined && active.buf === b) {
    const e = active.strings.get(i);
    if (e !== undefined && e <= end) return e;
  }
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
  if (active !== undefined && active.buf === b) {
    const e = active.blocks.get(i);
    if (e !== undefined && e <= end) return e;
  }
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

/** Two-character escapes by their second byte; 0 when not one. */
export const SIMPLE_ESCAPES = new Uint8Array(128);
const ESCAPES = SIMPLE_ESCAPES;
ESCAPES[0x22] = 0x22; ESCAPES[0x5c] = 0x5c; ESCAPES[0x2f] = 0x2f; ESCAPES[0x62] = 0x08;
ESCAPES[0x66] = 0x0c; ESCAPES[0x6e] = 0x0a; ESCAPES[0x72] = 0x0d; ESCAPES[0x74] = 0x09;

/**
 * jsonparser.Unescape of [s, e): the same bytes (a subarray, no copy) when there is no
 * backslash, else a new buffer; undefined on an invalid escape.
 */
export function unescape(b: Buffer, s: number, e: number): Buffer | undefined {
  const bs = b.indexOf(BACKSLASH, s);
  if (bs < 0 || bs >= e) return b.subarray(s, e);
  const memo = active !== undefined && active.buf === b ? active : undefined;
  if (memo !== undefined && memo.strings.get(s) === e + 1) {
    const done = memo.unescaped.get(s);
    if (done !== undefined) return done;
  }
  const out = memo !== undefined ? memo.reserve(e - s) : Buffer.allocUnsafe(e - s);
  const first = memo !== undefined ? memo.arenaUsed : 0;
  // Byte loop rather than Buffer.copy per segment: escaped lines have many short segments.
  let n = first;
  for (let k = s; k < bs; k++) out[n++] = b[k];
  let i = bs;
  while (i < e) {
    const c = b[i];
    if (c !== BACKSLASH) {
      out[n++] = c;
      i++;
      continue;
    }
    if (e - i < 2) return undefined;
    const esc = b[i + 1];
    const simple = esc < 0x80 ? ESCAPES[esc] : 0;
    if (simple !== 0) {
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
    n = writeUtf8(out, n, r);
    i += used;
  }
  if (memo !== undefined) memo.arenaUsed = n;
  return out.subarray(first, n);
}

function writeUtf8(out: Buffer, n: number, r: number): number {
  if (r < 0x80) {
    out[n++] = r;
  } else if (r < 0x800) {
    out[n++] = 0xc0 | (r >> 6);
    out[n++] = 0x80 | (r & 0x3f);
  } else if (r < 0x10000) {
    out[n++] = 0xe0 | (r >> 12);
    out[n++] = 0x80 | ((r >> 6) & 0x3f);
    out[n++] = 0x80 | (r & 0x3f);
  } else {
    out[n++] = 0xf0 | (r >> 18);
    out[n++] = 0x80 | ((r >> 12) & 0x3f);
    out[n++] = 0x80 | ((r >> 6) & 0x3f);
    out[n++] = 0x80 | (r & 0x3f);
  }
  return n;
}

/** jsonparser.ParseString: the unescaped bytes, or undefined (MalformedValueError). */
export function parseString(b: Buffer, s: number, e: number): Buffer | undefined {
  return unescape(b, s, e);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * jsonparser.ParseInt over raw bytes: optional '-', then digits only. Overflow is detected the
 * way the original does (a wrapped int64 smaller than before), so some overflows wrap silently.
 * Returns a bigint or an error text.
 */
export function parseInt64(b: Buffer, s: number, e: number): bigint | string {
  if (s >= e) return MalformedValueError;
  let neg = false;
  if (b[s] === 0x2d) { neg = true; s++; }
  if (e - s <= 19) {
    // Two exact halves, no string made; values past int64 go to the exact emulation below.
    let hi = 0;
    let lo = 0;
    const split = Math.max(s, e - 9);
    for (let i = s; i < split; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) return MalformedValueError;
      hi = hi * 10 + d;
    }
    for (let i = split; i < e; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) return MalformedValueError;
      lo = lo * 10 + d;
    }
    const v = hi === 0 ? BigInt(lo) : BigInt(hi) * 1_000_000_000n + BigInt(lo);
    if (v <= INT64_MAX) return neg ? -v : v;
  }
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x39) return MalformedValueError;
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
