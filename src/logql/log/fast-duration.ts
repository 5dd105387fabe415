/**
 * time.ParseDuration for the common case, in float64 nanoseconds with Go's arithmetic:
 * undefined whenever the exact path (syntax's parseGoDuration) is needed — errors,
 * overflow, more than 15 fraction digits or results beyond 2^53.
 */

const UNITS: Record<string, number> = {
  ns: 1, us: 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9,
};

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
    const unit = UNITS[s.slice(us, i)];
    if (unit === undefined) return undefined;
    let x = v * unit;
    if (x >= LIMIT) return undefined;
    if (f > 0) x += Math.trunc(f * (unit / scale));
    total += x;
    if (total >= LIMIT) return undefined;
  }
  return neg ? -total : total;
}
