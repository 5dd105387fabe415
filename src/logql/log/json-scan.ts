/**
 * The lenient JSON scanner Loki's json/unpack stages use (github.com/grafana/jsonparser),
 * on Buffer windows [start, end) without copying. Error texts are the library's, since
 * they become `__error_details__`. It validates only what it walks through: numbers are any
 * token starting with a digit or '-', nested values are skipped by bracket counting.
 */

/** Value types (jsonparser.ValueType); plain constants so every build inlines them. */
export const JT = { NotExist: 0, String: 1, Number: 2, Object: 3, Array: 4, Boolean: 5, Null: 6, Unknown: 7 } as const;
export type JsonType = (typeof JT)[keyof typeof JT];
const T_STRING = 1;
const T_NUMBER = 2;
const T_OBJECT = 3;
const T_ARRAY = 4;
const T_BOOLEAN = 5;
const T_NULL = 6;

export const UNKNOWN_VALUE_TYPE = 'Unknown value type';
export const MALFORMED_JSON = 'Malformed JSON error';
export const MALFORMED_STRING = 'Value is string, but can\'t find closing \'"\' symbol';
export const MALFORMED_ARRAY = 'Value is array, but can\'t find closing \']\' symbol';
export const MALFORMED_OBJECT = 'Value looks like object, but can\'t find closing \'}\' symbol';
export const MALFORMED_STRING_ESCAPE = 'Encountered an invalid escape sequence in a string';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** First non-whitespace index in [i, end), or -1. */
export function nextToken(d: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) if (!isWs(d[i])) return i;
  return -1;
}

/** Set by stringEnd: whether the string had a backslash (a field, not a rebindable export). */
export const scan = { escaped: false };

/**
 * End of a string whose body starts at i: the index after the closing quote, or -1.
 * A quote preceded by an odd run of backslashes is escaped.
 */
export function stringEnd(d: Uint8Array, i: number, end: number): number {
  let escaped = false;
  for (let k = i; k < end; k++) {
    const c = d[k];
    if (c === QUOTE) {
      if (!escaped) {
        scan.escaped = false;
        return k + 1;
      }
      let j = k - 1;
      let even = false;
      for (;;) {
        if (j < i || d[j] !== BACKSLASH) {
          even = true;
          break;
        }
        j--;
        if (j < i || d[j] !== BACKSLASH) break;
        j--;
      }
      if (even) {
        scan.escaped = true;
        return k + 1;
      }
    } else if (c === BACKSLASH) {
      escaped = true;
    }
  }
  scan.escaped = escaped;
  return -1;
}

/** End (exclusive) of the block opening at i, skipping strings; -1 if unclosed. */
export function blockEnd(d: Uint8Array, i: number, end: number, open: number, close: number): number {
  let level = 0;
  while (i < end) {
    const c = d[i];
    if (c === QUOTE) {
      const se = stringEnd(d, i + 1, end);
      if (se === -1) return -1;
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

function tokenEnd(d: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = d[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x7d || c === 0x5d) return i;
  }
  return end;
}

function bytesAre(d: Uint8Array, s: number, e: number, lit: string): boolean {
  if (e - s !== lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (d[s + k] !== lit.charCodeAt(k)) return false;
  return true;
}

/** Result of getValue: the value bytes (quotes stripped for strings) and where it ends. */
export interface Value {
  type: JsonType;
  start: number;
  end: number;
  /** Index after the value in the data. */
  next: number;
  /** Strings only: whether a backslash occurs. */
  escaped: boolean;
}

/**
 * jsonparser.Get without keys: the value starting at the first token in [i, end).
 * Returns an error text, or undefined with `out` filled.
 */
export function getValue(d: Uint8Array, i: number, end: number, out: Value): string | undefined {
  const o = nextToken(d, i, end);
  if (o === -1) return MALFORMED_JSON;
  const c = d[o];
  out.escaped = false;
  if (c === QUOTE) {
    const se = stringEnd(d, o + 1, end);
    if (se === -1) return MALFORMED_STRING;
    out.type = T_STRING;
    out.start = o + 1;
    out.end = se - 1;
    out.next = se;
    out.escaped = scan.escaped;
    return undefined;
  }
  if (c === 0x5b || c === 0x7b) {
    const be = blockEnd(d, o, end, c, c + 2);
    if (be === -1) return c === 0x5b ? MALFORMED_ARRAY : MALFORMED_OBJECT;
    out.type = c === 0x5b ? T_ARRAY : T_OBJECT;
    out.start = o;
    out.end = be;
    out.next = be;
    return undefined;
  }
  const te = tokenEnd(d, o, end);
  switch (c) {
    case 0x74: case 0x66:
      if (!bytesAre(d, o, te, 'true') && !bytesAre(d, o, te, 'false')) return UNKNOWN_VALUE_TYPE;
      out.type = T_BOOLEAN;
      break;
    case 0x75: case 0x6e:
      if (!bytesAre(d, o, te, 'null')) return UNKNOWN_VALUE_TYPE;
      out.type = T_NULL;
      break;
    default:
      if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return UNKNOWN_VALUE_TYPE;
      out.type = T_NUMBER;
  }
  out.start = o;
  out.end = te;
  out.next = te;
  return undefined;
}

/** Called for each member: key bytes [ks, ke) (escaped flag), and the value. Returns an error to stop. */
export type MemberFn = (ks: number, ke: number, keyEscaped: boolean, v: Value) => string | undefined;

/** jsonparser.ObjectEach over the object at the first token of [start, end). */
export function objectEach(d: Uint8Array, start: number, end: number, fn: MemberFn): string | undefined {
  let off = nextToken(d, start, end);
  if (off === -1 || d[off] !== 0x7b) return MALFORMED_OBJECT;
  off++;
  let t = nextToken(d, off, end);
  if (t === -1) return MALFORMED_JSON;
  off = t;
  if (d[off] === 0x7d) return undefined;
  let lastComma = -1;
  const v: Value = { type: 0, start: 0, end: 0, next: 0, escaped: false };
  while (off < end) {
    const c = d[off];
    if (c === 0x7d) return lastComma !== -1 && lastComma + 1 === off ? MALFORMED_OBJECT : undefined;
    if (c !== QUOTE) return MALFORMED_OBJECT;
    off++;
    const se = stringEnd(d, off, end);
    if (se === -1) return MALFORMED_JSON;
    const ks = off;
    const ke = se - 1;
    const keyEscaped = scan.escaped;
    off = se;
    if (keyEscaped && unescape(d, ks, ke) === undefined) return MALFORMED_STRING_ESCAPE;
    t = nextToken(d, off, end);
    if (t === -1 || d[t] !== 0x3a) return MALFORMED_JSON;
    off = t + 1;
    const err = getValue(d, off, end, v);
    if (err !== undefined) return err;
    const cbErr = fn(ks, ke, keyEscaped, v);
    if (cbErr !== undefined) return cbErr;
    off = v.next;
    t = nextToken(d, off, end);
    if (t === -1) return MALFORMED_ARRAY;
    off = t;
    if (d[off] === 0x7d) return undefined;
    if (d[off] !== 0x2c) return MALFORMED_OBJECT;
    lastComma = off;
    off++;
    t = nextToken(d, off, end);
    if (t === -1) return MALFORMED_ARRAY;
    if (t - off > 0) lastComma += t - off - 1;
    off = t;
  }
  return MALFORMED_OBJECT;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** \uXXXX at i (only the 4 hex digits are checked, as the library does), or -1. */
function u4(d: Uint8Array, i: number, end: number): number {
  if (end - i < 6) return -1;
  const a = hex(d[i + 2]);
  const b = hex(d[i + 3]);
  const c = hex(d[i + 4]);
  const e = hex(d[i + 5]);
  if (a < 0 || b < 0 || c < 0 || e < 0) return -1;
  return (a << 12) | (b << 8) | (c << 4) | e;
}

function pushUtf8(out: number[], r: number): void {
  if (r < 0x80) out.push(r);
  else if (r < 0x800) out.push(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  else if (r >= 0xd800 && r <= 0xdfff) out.push(0xef, 0xbf, 0xbd);
  else if (r < 0x10000) out.push(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  else if (r <= 0x10ffff) out.push(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  else out.push(0xef, 0xbf, 0xbd);
}

const SIMPLE_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };

/** jsonparser.Unescape of [start, end): the unescaped bytes, or undefined on a bad escape. */
export function unescape(d: Uint8Array, start: number, end: number): Buffer | undefined {
  const out: number[] = [];
  let i = start;
  while (i < end) {
    const c = d[i];
    if (c !== BACKSLASH) {
      out.push(c);
      i++;
      continue;
    }
    if (end - i < 2) return undefined;
    const e = d[i + 1];
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out.push(simple);
      i += 2;
      continue;
    }
    if (e !== 0x75) return undefined;
    const r = u4(d, i, end);
    if (r < 0) return undefined;
    if (r <= 0xffff && !(r >= 0xd800 && r <= 0xdfff)) {
      pushUtf8(out, r);
      i += 6;
      continue;
    }
    const r2 = u4(d, i + 6, end);
    if (r2 < 0 || r2 < 0xdc00) return undefined;
    pushUtf8(out, 0x10000 + (r - 0xd800) * 1024 + (r2 - 0xdc00));
    i += 12;
  }
  return Buffer.from(out);
}

/** Loki's unescapeJSONString: "" on a bad escape, U+FFFD (invalid UTF-8 included) becomes a space. */
export function jsonString(d: Buffer, start: number, end: number, escaped: boolean): string {
  let s: string;
  if (escaped) {
    const u = unescape(d, start, end);
    if (u === undefined) return '';
    s = u.toString('utf8');
  } else {
    s = d.toString('utf8', start, end);
  }
  return s.includes('\ufffd') ? s.replace(/\ufffd/g, ' ') : s;
}

/** The receiver of objectEachVisit: one method, so the call stays monomorphic. */
export interface MemberVisitor {
  /** kh: hashBytes of the key's bytes, when not escaped. */
  member(ks: number, ke: number, keyEscaped: boolean, v: Value, kh: number): string | undefined;
}

/**
 * objectEach with nextToken/getValue/stringEnd's common case written out, for the json
 * stage's hot loop: the same steps, results and error texts. `v` is the caller's slot
 * (one per nesting level).
 */
export function objectEachVisit(d: Uint8Array, start: number, end: number, visitor: MemberVisitor, v: Value): string | undefined {
  let off = start;
  while (off < end && isWs(d[off])) off++;
  if (off >= end || d[off] !== 0x7b) return MALFORMED_OBJECT;
  off++;
  while (off < end && isWs(d[off])) off++;
  if (off >= end) return MALFORMED_JSON;
  if (d[off] === 0x7d) return undefined;
  let lastComma = -1;
  while (off < end) {
    let c = d[off];
    if (c === 0x7d) return lastComma !== -1 && lastComma + 1 === off ? MALFORMED_OBJECT : undefined;
    if (c !== QUOTE) return MALFORMED_OBJECT;
    off++;
    // Key: up to the first quote, hashed on the way; a backslash first leaves it to stringEnd.
    let k = off;
    let kh = 0x811c9dc5 | 0;
    while (k < end && (c = d[k]) !== QUOTE && c !== BACKSLASH) {
      kh = Math.imul(kh ^ c, 0x01000193);
      k++;
    }
    let se: number;
    let keyEscaped = false;
    if (k < end && c === QUOTE) {
      se = k + 1;
    } else {
      se = stringEnd(d, off, end);
      if (se === -1) return MALFORMED_JSON;
      keyEscaped = scan.escaped;
    }
    const ks = off;
    const ke = se - 1;
    off = se;
    if (keyEscaped && unescape(d, ks, ke) === undefined) return MALFORMED_STRING_ESCAPE;
    while (off < end && isWs(d[off])) off++;
    if (off >= end || d[off] !== 0x3a) return MALFORMED_JSON;
    off++;
    // getValue
    while (off < end && isWs(d[off])) off++;
    if (off >= end) return MALFORMED_JSON;
    c = d[off];
    v.escaped = false;
    if (c === QUOTE) {
      const s0 = off + 1;
      k = s0;
      while (k < end && (c = d[k]) !== QUOTE && c !== BACKSLASH) k++;
      if (k < end && c === QUOTE) {
        se = k + 1;
      } else {
        se = stringEnd(d, s0, end);
        if (se === -1) return MALFORMED_STRING;
        v.escaped = scan.escaped;
      }
      v.type = T_STRING;
      v.start = s0;
      v.end = se - 1;
      v.next = se;
    } else if (c === 0x5b || c === 0x7b) {
      const be = blockEnd(d, off, end, c, c + 2);
      if (be === -1) return c === 0x5b ? MALFORMED_ARRAY : MALFORMED_OBJECT;
      v.type = c === 0x5b ? T_ARRAY : T_OBJECT;
      v.start = off;
      v.end = be;
      v.next = be;
    } else {
      const te = tokenEnd(d, off, end);
      switch (c) {
        case 0x74: case 0x66:
          if (!bytesAre(d, off, te, 'true') && !bytesAre(d, off, te, 'false')) return UNKNOWN_VALUE_TYPE;
          v.type = T_BOOLEAN;
          break;
        case 0x75: case 0x6e:
          if (!bytesAre(d, off, te, 'null')) return UNKNOWN_VALUE_TYPE;
          v.type = T_NULL;
          break;
        default:
          if (!((c >= 0x30 && c <= 0x39) || c === 0x2d)) return UNKNOWN_VALUE_TYPE;
          v.type = T_NUMBER;
      }
      v.start = off;
      v.end = te;
      v.next = te;
    }
    const cbErr = visitor.member(ks, ke, keyEscaped, v, kh);
    if (cbErr !== undefined) return cbErr;
    off = v.next;
    while (off < end && isWs(d[off])) off++;
    if (off >= end) return MALFORMED_ARRAY;
    if (d[off] === 0x7d) return undefined;
    if (d[off] !== 0x2c) return MALFORMED_OBJECT;
    lastComma = off;
    off++;
    let t = off;
    while (t < end && isWs(d[t])) t++;
    if (t >= end) return MALFORMED_ARRAY;
    if (t - off > 0) lastComma += t - off - 1;
    off = t;
  }
  return MALFORMED_OBJECT;
}
