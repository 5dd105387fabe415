/**
 * Durations as Loki parses and prints them, in int64 nanoseconds (bigint):
 * Prometheus model.ParseDuration / model.Duration.String for ranges,
 * Go time.ParseDuration / time.Duration.String elsewhere.
 */
import { quote } from './go-strconv.js';

export class DurationError extends Error {}

const MAX_INT64 = (1n << 63n) - 1n;
const NS_MS = 1_000_000n;

const PROM_UNITS: ReadonlyMap<string, { mult: bigint; pos: number }> = new Map([
  ['ms', { mult: NS_MS, pos: 7 }],
  ['s', { mult: 1000n * NS_MS, pos: 6 }],
  ['m', { mult: 60_000n * NS_MS, pos: 5 }],
  ['h', { mult: 3_600_000n * NS_MS, pos: 4 }],
  ['d', { mult: 86_400_000n * NS_MS, pos: 3 }],
  ['w', { mult: 604_800_000n * NS_MS, pos: 2 }],
  ['y', { mult: 31_536_000_000n * NS_MS, pos: 1 }],
]);

function isAsciiDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Prometheus model.ParseDuration: `5m`, `1h30m`, `2d`; units in decreasing order, no fractions. */
export function parsePromDuration(s: string): bigint {
  if (s === '0') return 0n;
  if (s === '') throw new DurationError('empty duration string');
  const invalid = () => new DurationError(`not a valid duration string: ${quote(s)}`);
  let rest = s;
  let dur = 0n;
  let lastPos = 0;
  while (rest !== '') {
    if (!isAsciiDigit(rest[0])) throw invalid();
    let i = 0;
    while (i < rest.length && isAsciiDigit(rest[i])) i++;
    const v = BigInt(rest.slice(0, i));
    if (v > 18446744073709551615n) throw invalid();
    rest = rest.slice(i);
    i = 0;
    while (i < rest.length && !isAsciiDigit(rest[i])) i++;
    if (i === 0) throw invalid();
    const u = rest.slice(0, i);
    rest = rest.slice(i);
    const unit = PROM_UNITS.get(u);
    if (!unit) throw new DurationError(`unknown unit ${quote(u)} in duration ${quote(s)}`);
    if (unit.pos <= lastPos) throw invalid();
    lastPos = unit.pos;
    if (v > (1n << 63n) / unit.mult) throw new DurationError('duration out of range');
    dur += v * unit.mult;
    if (dur > MAX_INT64) throw new DurationError('duration out of range');
  }
  return dur;
}

const GO_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n], ['us', 1000n], ['\u00b5s', 1000n], ['\u03bcs', 1000n], ['ms', NS_MS],
  ['s', 1000n * NS_MS], ['m', 60_000n * NS_MS], ['h', 3_600_000n * NS_MS],
]);

/** The quoting of Go's time package: non-ASCII and control bytes as \x escapes. */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x80 || c < 0x20) {
      for (const b of new TextEncoder().encode(ch)) out += '\\x' + b.toString(16).padStart(2, '0');
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return out + '"';
}

/** Go time.ParseDuration: `1.5h`, `300ms`, `-5m`, `10ns`. */
export function parseGoDuration(orig: string): bigint {
  const invalid = () => new DurationError('time: invalid duration ' + timeQuote(orig));
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isAsciiDigit(s[0]))) throw invalid();
    let i = 0;
    while (i < s.length && isAsciiDigit(s[i])) i++;
    const pre = i > 0;
    let v = 0n;
    if (pre) {
      v = BigInt(s.slice(0, i));
      if (v > 1n << 63n) throw invalid();
    }
    s = s.slice(i);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && isAsciiDigit(s[j])) {
        if (!overflow) {
          const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
          if (f > ((1n << 63n) - 1n) / 10n || y > 1n << 63n) overflow = true;
          else { f = y; scale *= 10; }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    i = 0;
    while (i < s.length && !(s[i] === '.' || isAsciiDigit(s[i]))) i++;
    if (i === 0) throw new DurationError('time: missing unit in duration ' + timeQuote(orig));
    const u = s.slice(0, i);
    s = s.slice(i);
    const unit = GO_UNITS.get(u);
    if (unit === undefined) throw new DurationError('time: unknown unit ' + timeQuote(u) + ' in duration ' + timeQuote(orig));
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) throw invalid();
    }
    d += v;
    if (d > 1n << 63n) throw invalid();
  }
  if (neg) return -d;
  if (d > MAX_INT64) throw invalid();
  return d;
}

/** Loki's duration literal: Prometheus syntax first, then Go's (the Go error is reported). */
export function parseDuration(s: string): bigint {
  try {
    return parsePromDuration(s);
  } catch {
    return parseGoDuration(s);
  }
}

/** Prometheus model.Duration.String: `5m`, `1h30m`, `90d`; millisecond precision. */
export function formatPromDuration(ns: bigint): string {
  let ms = ns / NS_MS;
  if (ms === 0n) return '0s';
  let r = '';
  const f = (unit: string, mult: bigint, exact: boolean) => {
    if (exact && ms % mult !== 0n) return;
    const v = ms / mult;
    if (v > 0n) {
      r += v.toString() + unit;
      ms -= v * mult;
    }
  };
  f('y', 31_536_000_000n, true);
  f('w', 604_800_000n, true);
  f('d', 86_400_000n, false);
  f('h', 3_600_000n, false);
  f('m', 60_000n, false);
  f('s', 1000n, false);
  f('ms', 1n, false);
  return r;
}

function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  let u = v;
  for (let i = 0; i < prec; i++) {
    const digit = u % 10n;
    print = print || digit !== 0n;
    if (print) out = digit.toString() + out;
    u /= 10n;
  }
  if (print) out = '.' + out;
  return [out, u];
}

/** Go time.Duration.String: `1h0m0s`, `1m30s`, `250ms`, `1.5µs`, `-5m0s`. */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) { prec = 0; unit = 'ns'; }
    else if (u < NS_MS) { prec = 3; unit = '\u00b5s'; }
    else { prec = 6; unit = 'ms'; }
    const [frac, rest] = fmtFrac(u, prec);
    out = rest.toString() + frac + unit;
  } else {
    const [frac, secs] = fmtFrac(u, 9);
    u = secs;
    out = (u % 60n).toString() + frac + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return neg ? '-' + out : out;
}
