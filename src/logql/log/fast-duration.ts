/**
 * time.ParseDuration for the common case, in float64 nanoseconds with Go's arithmetic:
 * undefined whenever the exact path (syntax's parseGoDuration) is needed — errors,
 * overflow, more than 15 fraction digits or results beyond 2^53.
 */

/** Nanoseconds of the unit s[a, b) (ns us µs μs ms s m h), or 0 for anything else. */
function unitOf(s: string, a: number, b: number): number {
  const c = s.charCodeAt(a);
  if (b - a === 1) return c === 0x73 ? 1e9 : c === 0x6d ? 60e9 : c === 0x68 ? 3600e9 : 0;
  if (b - a !== 2 || s.charCodeAt(a + 1) !== 0x73) return 0;
  switch (c) {
    case 0x6e: return 1;
    case 0x75: case 0xb5: case 0x3bc: return 1e3;
    case 0x6d: return 1e6;
    default: return 0;
  }
}

const LIMIT = 2 ** 53;

export function fastDuration(s: string): number | undefined {
  let i = 0;
  const n = s.length;
  let neg = false;
  if (n > 0 && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    i = 1;
  }
  if (s.slice(i) === '0') return 0;
  if (i >= n) return undefined;
  let total = 0;
  while (i < n) {
    let v = 0;
    let digits = 0;
    let c = s.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits++;
      c = s.charCodeAt(++i);
    }
    let f = 0;
    let scale = 1;
    let fd = 0;
    if (c === 46) {
      c = s.charCodeAt(++i);
      while (c >= 48 && c <= 57) {
        f = f * 10 + (c - 48);
        scale *= 10;
        fd++;
        c = s.charCodeAt(++i);
      }
    }
    if ((digits === 0 && fd === 0) || fd > 15 || v >= LIMIT) return undefined;
    const us = i;
    while (i < n) {
      c = s.charCodeAt(i);
      if (c === 46 || (c >= 48 && c <= 57)) break;
      i++;
    }
    const unit = unitOf(s, us, i);
    if (unit === 0) return undefined;
    let x = v * unit;
    if (x >= LIMIT) return undefined;
    if (f > 0) x += Math.trunc(f * (unit / scale));
    total += x;
    if (total >= LIMIT) return undefined;
  }
  return neg ? -total : total;
}

/** fastDuration of the ASCII bytes [s, e) of d: the same result without making a string. */
export function fastDurationBytes(d: Uint8Array, s: number, e: number): number | undefined {
  let i = s;
  let neg = false;
  if (i < e && (d[i] === 0x2d || d[i] === 0x2b)) {
    neg = d[i] === 0x2d;
    i++;
  }
  if (e - i === 1 && d[i] === 0x30) return 0;
  if (i >= e) return undefined;
  let total = 0;
  while (i < e) {
    let v = 0;
    let digits = 0;
    let c = d[i];
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits++;
      c = ++i < e ? d[i] : -1;
    }
    let f = 0;
    let scale = 1;
    let fd = 0;
    if (c === 46) {
      c = ++i < e ? d[i] : -1;
      while (c >= 48 && c <= 57) {
        f = f * 10 + (c - 48);
        scale *= 10;
        fd++;
        c = ++i < e ? d[i] : -1;
      }
    }
    if ((digits === 0 && fd === 0) || fd > 15 || v >= LIMIT) return undefined;
    const us = i;
    while (i < e) {
      c = d[i];
      if (c === 46 || (c >= 48 && c <= 57)) break;
      i++;
    }
    let unit = 0;
    const c0 = us < e ? d[us] : -1;
    if (i - us === 1) unit = c0 === 0x73 ? 1e9 : c0 === 0x6d ? 60e9 : c0 === 0x68 ? 3600e9 : 0;
    else if (i - us === 2 && d[us + 1] === 0x73) unit = c0 === 0x6e ? 1 : c0 === 0x75 ? 1e3 : c0 === 0x6d ? 1e6 : 0;
    if (unit === 0) return undefined;
    let x = v * unit;
    if (x >= LIMIT) return undefined;
    if (f > 0) x += Math.trunc(f * (unit / scale));
    total += x;
    if (total >= LIMIT) return undefined;
  }
  return neg ? -total : total;
}

/**
 * Go's strconv.ParseFloat of ASCII bytes [s, e) when they are a plain decimal integer short
 * enough to be exact ([-]digits, at most 15): undefined for everything else.
 */
export function simpleIntBytes(d: Uint8Array, s: number, e: number): number | undefined {
  let i = s;
  const neg = i < e && d[i] === 0x2d;
  if (neg) i++;
  if (i >= e || e - i > 15) return undefined;
  let v = 0;
  for (; i < e; i++) {
    const c = d[i];
    if (c < 48 || c > 57) return undefined;
    v = v * 10 + (c - 48);
  }
  return neg ? -v : v;
}
