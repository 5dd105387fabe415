/**
 * Timestamps are int64 nanoseconds since the Unix epoch, held as bigint: they exceed
 * Number.MAX_SAFE_INTEGER, and Loki's API is exact to the nanosecond.
 */
export type Nanos = bigint;

export const NS_PER_MS = 1_000_000n;
export const NS_PER_SECOND = 1_000_000_000n;

export function nowNanos(): Nanos {
  return BigInt(Date.now()) * NS_PER_MS;
}

export function msToNanos(ms: number): Nanos {
  return BigInt(Math.trunc(ms)) * NS_PER_MS;
}

export function nanosToMs(ns: Nanos): number {
  return Number(ns / NS_PER_MS);
}

export function minNanos(a: Nanos, b: Nanos): Nanos {
  return a < b ? a : b;
}

export function maxNanos(a: Nanos, b: Nanos): Nanos {
  return a > b ? a : b;
}

/** RFC3339 with nanoseconds, UTC, trailing zeros trimmed (Go's time.RFC3339Nano). */
export function formatRFC3339Nano(ns: Nanos): string {
  let sec = ns / NS_PER_SECOND;
  let frac = ns % NS_PER_SECOND;
  if (frac < 0n) { frac += NS_PER_SECOND; sec -= 1n; }
  const iso = new Date(Number(sec) * 1000).toISOString().replace('.000Z', '');
  if (frac === 0n) return iso + 'Z';
  return iso + '.' + frac.toString().padStart(9, '0').replace(/0+$/, '') + 'Z';
}
