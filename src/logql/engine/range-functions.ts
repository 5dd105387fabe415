/**
 * The range functions over unwrapped samples, as Loki's streaming aggregators
 * (pkg/logql/range_vector.go): same formulas and order of operations, so results match to the bit
 * when the samples arrive in the same order.
 */
import type { RangeAggregation } from '../syntax/ast.js';
import { goSeconds } from './steps.js';

/** One window's aggregate; `t` is the sample time in ns relative to any fixed origin. */
export interface RangeAcc {
  reset(): void;
  add(t: number, v: number): void;
  /** add() for samples [from, to) of parallel arrays, in order; a tight loop for whole windows. */
  addMany(ts: Float64Array, vs: Float64Array, from: number, to: number): void;
  value(): number;
}

abstract class Acc implements RangeAcc {
  abstract reset(): void;
  abstract add(t: number, v: number): void;
  abstract value(): number;
  addMany(ts: Float64Array, vs: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.add(ts[i], vs[i]);
  }
}

class Sum extends Acc {
  private s = 0;
  constructor(private readonly divisor = 1) { super(); }
  reset(): void { this.s = 0; }
  add(_t: number, v: number): void { this.s += v; }
  override addMany(_ts: Float64Array, vs: Float64Array, from: number, to: number): void {
    let s = this.s;
    for (let i = from; i < to; i++) s += vs[i];
    this.s = s;
  }
  value(): number { return this.divisor === 1 ? this.s : this.s / this.divisor; }
}

class Avg extends Acc {
  private mean = 0;
  private count = 0;
  reset(): void { this.mean = 0; this.count = 0; }
  add(_t: number, v: number): void {
    this.count++;
    if (this.mean === Infinity || this.mean === -Infinity) {
      // Inf + finite stays Inf; the update below would turn it into NaN.
      if ((v === Infinity || v === -Infinity) && this.mean > 0 === v > 0) return;
      if (Number.isFinite(v)) return;
    }
    this.mean += v / this.count - this.mean / this.count;
  }
  value(): number { return this.mean; }
}

class Max extends Acc {
  private m = NaN;
  reset(): void { this.m = NaN; }
  add(_t: number, v: number): void { if (v > this.m || Number.isNaN(this.m)) this.m = v; }
  value(): number { return this.m; }
}

class Min extends Acc {
  private m = NaN;
  reset(): void { this.m = NaN; }
  add(_t: number, v: number): void { if (v < this.m || Number.isNaN(this.m)) this.m = v; }
  value(): number { return this.m; }
}

/** Welford's algorithm, population variance. */
class Variance extends Acc {
  private count = 0;
  private mean = 0;
  private aux = 0;
  constructor(private readonly sqrt: boolean) { super(); }
  reset(): void { this.count = 0; this.mean = 0; this.aux = 0; }
  add(_t: number, v: number): void {
    this.count++;
    const delta = v - this.mean;
    this.mean += delta / this.count;
    this.aux += delta * (v - this.mean);
  }
  value(): number { return this.sqrt ? Math.sqrt(this.aux / this.count) : this.aux / this.count; }
}

/** A reusable Float64Array with a length: refilling it per step costs no allocation. */
class Floats {
  data = new Float64Array(16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = v;
  }

  pushMany(src: Float64Array, from: number, to: number): void {
    this.reserve(this.length + to - from);
    this.data.set(src.subarray(from, to), this.length);
    this.length += to - from;
  }

  private reserve(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < n) cap *= 2;
    const bigger = new Float64Array(cap);
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }
}

class Quantile extends Acc {
  private readonly values = new Floats();
  constructor(private readonly q: number) { super(); }
  reset(): void { this.values.length = 0; }
  add(_t: number, v: number): void { this.values.push(v); }
  override addMany(_ts: Float64Array, vs: Float64Array, from: number, to: number): void { this.values.pushMany(vs, from, to); }
  value(): number { return quantile(this.q, this.values.data, this.values.length); }
}

class First extends Acc {
  private v = NaN;
  private has = false;
  reset(): void { this.has = false; this.v = NaN; }
  add(_t: number, v: number): void { if (!this.has) { this.v = v; this.has = true; } }
  value(): number { return this.v; }
}

class Last extends Acc {
  private v = NaN;
  reset(): void { this.v = NaN; }
  add(_t: number, v: number): void { this.v = v; }
  value(): number { return this.v; }
}

class RateCounter extends Acc {
  private readonly ts = new Floats();
  private readonly vs = new Floats();
  constructor(private readonly rangeNs: bigint) { super(); }
  reset(): void { this.ts.length = 0; this.vs.length = 0; }
  add(t: number, v: number): void { this.ts.push(t); this.vs.push(v); }
  override addMany(ts: Float64Array, vs: Float64Array, from: number, to: number): void {
    this.ts.pushMany(ts, from, to);
    this.vs.pushMany(vs, from, to);
  }
  value(): number { return extrapolatedRate(this.ts.data.subarray(0, this.ts.length), this.vs.data.subarray(0, this.vs.length), this.rangeNs); }
}

/** A factory of accumulators for the unwrapped range functions; undefined for the counting ones. */
export function rangeAccFactory(agg: RangeAggregation): (() => RangeAcc) | undefined {
  const rangeNs = agg.range.rangeNs;
  switch (agg.op) {
    case 'rate': return agg.range.unwrap ? () => new Sum(goSeconds(rangeNs)) : undefined;
    case 'sum_over_time': return () => new Sum();
    case 'avg_over_time': return () => new Avg();
    case 'max_over_time': return () => new Max();
    case 'min_over_time': return () => new Min();
    case 'stddev_over_time': return () => new Variance(true);
    case 'stdvar_over_time': return () => new Variance(false);
    case 'quantile_over_time': { const q = agg.param ?? NaN; return () => new Quantile(q); }
    case 'first_over_time': return () => new First();
    case 'last_over_time': return () => new Last();
    case 'rate_counter': return () => new RateCounter(rangeNs);
    default: return undefined;
  }
}

/** Moves the k-th smallest of a[lo..hi] to a[k], smaller ones before it, larger after (Hoare's selection). */
function select(a: Float64Array | number[], k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot keeps sorted input linear.
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array | number[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Prometheus' quantile with linear interpolation between the two nearest ranks, as Loki computes it
 * over values sorted ascending with NaN first; selection instead of a full sort. Reorders the first
 * `n` values.
 */
export function quantile(q: number, values: Float64Array | number[], n = values.length): number {
  if (n === 0) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  // NaNs come first: move them to the front, then select among the numbers.
  let nan = 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) swap(values, i, nan++);
  if (lower < nan) return NaN;
  select(values, lower, nan, n - 1);
  const lo = values[lower];
  let hi = lo;
  if (upper !== lower) {
    hi = values[upper];
    for (let i = upper + 1; i < n; i++) if (values[i] < hi) hi = values[i];
  }
  return lo * (1 - weight) + hi * weight;
}

/**
 * Loki's copy of Prometheus' extrapolatedRate for rate_counter. Loki feeds it nanosecond
 * timestamps while the code expects milliseconds, so the window start sits `range` milliseconds
 * (not the range) before the first sample and the end is always the last sample; we keep that
 * arithmetic to give the same numbers.
 */
export function extrapolatedRate(ts: ArrayLike<number>, vs: ArrayLike<number>, rangeNs: bigint): number {
  const n = ts.length;
  if (n < 2) return 0;
  let result = vs[n - 1] - vs[0];
  let lastValue = 0;
  for (let i = 0; i < n; i++) {
    if (vs[i] < lastValue) result += lastValue;
    lastValue = vs[i];
  }
  const rangeMs = Number(rangeNs / 1_000_000n);
  let durationToStart = rangeMs / 1000;
  const durationToEnd = 0;
  const sampledInterval = (ts[n - 1] - ts[0]) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  if (result > 0 && vs[0] >= 0) {
    const durationToZero = sampledInterval * (vs[0] / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
  result = result * (extrapolateToInterval / sampledInterval);
  return result / goSeconds(rangeNs);
}
