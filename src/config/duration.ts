/**
 * Durations as Loki reads and prints them. Loki mixes two types: Go's time.Duration
 * (`1h30m`, `1.5h`, `300ms`, `-1ns`) and Prometheus' model.Duration (`1d`, `1w`, `30d1h`).
 * Both syntaxes are accepted everywhere; values are milliseconds, fractional below 1ms.
 */
import { ValueError } from './errors.js';

export type DurationStyle = 'go' | 'prom';

const NS_PER_MS = 1_000_000n;

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC greek mu
  ms: NS_PER_MS,
  s: 1_000n * NS_PER_MS,
  m: 60_000n * NS_PER_MS,
  h: 3_600_000n * NS_PER_MS,
};

const PROM_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

function nsToMs(ns: bigint): number {
  return ns % NS_PER_MS === 0n ? Number(ns / NS_PER_MS) : Number(ns) / 1e6;
}

function msToNs(ms: number): bigint {
  const whole = Math.trunc(ms);
  return BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
}

function parseProm(s: string): number | undefined {
  const m = PROM_RE.exec(s);
  if (!m || s === '') return undefined;
  let ms = 0;
  for (let i = 0; i < PROM_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * PROM_MS[i];
  }
  return ms;
}

/** Go's time.ParseDuration, exact to the nanosecond. */
function parseGo(input: string): bigint | undefined {
  let s = input;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/.exec(s);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = GO_UNITS[m[3]];
    if (unit === undefined) return undefined;
    const whole = BigInt(m[1] === '' ? '0' : m[1]);
    const frac = m[2] ?? '';
    let part = whole * unit;
    if (frac !== '') part += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += part;
    s = s.slice(m[0].length);
  }
  return neg ? -total : total;
}

/** Parses `1h30m`, `1.5h`, `300ms`, `-1ns`, `1d`, `1w`, `0`; the result is in milliseconds. */
export function parseDuration(input: string): number {
  const s = input.trim();
  const prom = parseProm(s);
  if (prom !== undefined) return prom;
  const ns = parseGo(s);
  if (ns === undefined) throw new ValueError(`invalid duration "${input}"`);
  return nsToMs(ns);
}

function fmtFrac(v: bigint, unit: bigint): string {
  const whole = v / unit;
  const rest = v % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go's time.Duration.String(): `1h0m0s`, `30m0s`, `1.5s`, `300ms`, `-1ns`, `0s`. */
export function formatGoDuration(ms: number): string {
  let ns = msToNs(ms);
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < 1_000n) return `${sign}${ns}ns`;
  if (ns < NS_PER_MS) return `${sign}${fmtFrac(ns, 1_000n)}µs`;
  if (ns < 1_000n * NS_PER_MS) return `${sign}${fmtFrac(ns, NS_PER_MS)}ms`;
  const hourNs = 3_600_000n * NS_PER_MS;
  const minNs = 60_000n * NS_PER_MS;
  const h = ns / hourNs;
  const m = (ns % hourNs) / minNs;
  const secNs = ns % minNs;
  const sec = `${fmtFrac(secNs, 1_000n * NS_PER_MS)}s`;
  if (h > 0n) return `${sign}${h}h${m}m${sec}`;
  if (m > 0n) return `${sign}${m}m${sec}`;
  return `${sign}${sec}`;
}

/** Prometheus model.Duration.String(): `1w`, `30d1h`, `1h`, `0s` (millisecond resolution). */
export function formatPromDuration(ms: number): string {
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  const sign = rest < 0 ? '-' : '';
  rest = Math.abs(rest);
  const units: Array<[string, number, boolean]> = [
    ['y', PROM_MS[0], true], ['w', PROM_MS[1], true], ['d', PROM_MS[2], false],
    ['h', PROM_MS[3], false], ['m', PROM_MS[4], false], ['s', PROM_MS[5], false], ['ms', 1, false],
  ];
  let out = '';
  for (const [unit, mult, exact] of units) {
    // Years and weeks only when exact: 90d reads better than 12w6d.
    if (exact && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) { out += `${v}${unit}`; rest -= v * mult; }
  }
  return sign + out;
}

export function formatDuration(ms: number, style: DurationStyle): string {
  return style === 'go' ? formatGoDuration(ms) : formatPromDuration(ms);
}
