import type { PeriodConfig } from '../config/types.js';

/**
 * One schema period of the index: from `from` (ns, inclusive) until the next period's start,
 * index files are grouped in tables of `periodMs` named `<prefix><n>`, n = floor(unix ms / periodMs).
 */
export interface IndexPeriod {
  readonly from: bigint;
  readonly prefix: string;
  readonly periodMs: number;
}

export const DAY_MS = 86_400_000;
const NS_PER_MS = 1_000_000n;
const MIN_TS = -(1n << 63n);
const MAX_TS = (1n << 63n) - 1n;

export const DEFAULT_INDEX_PERIODS: readonly IndexPeriod[] = Object.freeze([{ from: MIN_TS, prefix: 'index_', periodMs: DAY_MS }]);

/** Index periods from schema_config.configs (from: YYYY-MM-DD UTC); the first one also covers earlier times. */
export function indexPeriodsFromSchema(configs: readonly PeriodConfig[]): IndexPeriod[] {
  const out = configs
    .map((c) => {
      const ms = Date.parse(c.from + 'T00:00:00Z');
      if (Number.isNaN(ms)) throw new RangeError(`invalid schema period start ${JSON.stringify(c.from)}`);
      if (!(c.index.period > 0)) throw new RangeError(`invalid index period ${c.index.period}`);
      return { from: BigInt(ms) * NS_PER_MS, prefix: c.index.prefix, periodMs: c.index.period };
    })
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  if (out.length === 0) return [...DEFAULT_INDEX_PERIODS];
  out[0] = { ...out[0], from: MIN_TS };
  return out;
}

/** One index table and the time it covers: [start, end) in ns. */
export interface IndexTable {
  readonly name: string;
  readonly prefix: string;
  readonly number: number;
  readonly start: bigint;
  readonly end: bigint;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The tables whose time intersects the inclusive range [from, through], in time order. */
export function tablesForRange(periods: readonly IndexPeriod[], from: bigint, through: bigint): IndexTable[] {
  const out: IndexTable[] = [];
  if (through < from) return out;
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i];
    const pEnd = i + 1 < periods.length ? periods[i + 1].from : MAX_TS;
    const lo = from > p.from ? from : p.from;
    const hi = through < pEnd - 1n ? through : pEnd - 1n;
    if (hi < lo) continue;
    const len = BigInt(p.periodMs) * NS_PER_MS;
    for (let n = floorDiv(lo, len); n <= floorDiv(hi, len); n++) {
      const start = n * len;
      const end = start + len;
      out.push({ name: `${p.prefix}${n}`, prefix: p.prefix, number: Number(n), start: start > p.from ? start : p.from, end: end < pEnd ? end : pEnd });
    }
  }
  return out;
}

/** How many tables tablesForRange would return, without building them. */
export function countTables(periods: readonly IndexPeriod[], from: bigint, through: bigint): number {
  let total = 0;
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i];
    const pEnd = i + 1 < periods.length ? periods[i + 1].from : MAX_TS;
    const lo = from > p.from ? from : p.from;
    const hi = through < pEnd - 1n ? through : pEnd - 1n;
    if (hi < lo) continue;
    const len = BigInt(p.periodMs) * NS_PER_MS;
    total += Number(floorDiv(hi, len) - floorDiv(lo, len) + 1n);
  }
  return total;
}

/** Whether table `<prefix><n>` of some period with that prefix intersects the inclusive range [from, through]. */
export function tableInRange(periods: readonly IndexPeriod[], prefix: string, n: number, from: bigint, through: bigint): boolean {
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i];
    if (p.prefix !== prefix) continue;
    const pEnd = i + 1 < periods.length ? periods[i + 1].from : MAX_TS;
    const len = BigInt(p.periodMs) * NS_PER_MS;
    let lo = BigInt(n) * len;
    let hi = lo + len - 1n;
    if (lo < p.from) lo = p.from;
    if (hi > pEnd - 1n) hi = pEnd - 1n;
    if (lo < from) lo = from;
    if (hi > through) hi = through;
    if (lo <= hi) return true;
  }
  return false;
}
