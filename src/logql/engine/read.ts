/**
 * What the range aggregations share when reading entries: times relative to the frame as
 * numbers, the line-filter pre-scan, and window arithmetic over sorted runs.
 */
import type { EntryBatch } from '../../chunk/index.js';
import type { ColumnBatch } from '../../chunk/batch.js';
import { LiteralScan, requiredLiterals, type Needle } from '../../querier/line-prefilter.js';
import { RelTime } from '../../querier/rel-time.js';
import type { RangeAggregation } from '../syntax/ast.js';
import { firstStep, lastStep, type RangeFrame } from './range-common.js';

/** Per-query scratch for reading batches: relative times and candidate indices. */
export class BatchReader {
  private readonly time: RelTime;
  /** Relative times are exact (the frame spans less than 2^53 ns). */
  private readonly exact: boolean;
  private readonly scan: LiteralScan | undefined;
  rel = new Float64Array(1024);
  private cand = new Uint32Array(1024);

  constructor(private readonly frame: RangeFrame, agg: RangeAggregation) {
    this.time = new RelTime(frame.base);
    this.exact = RelTime.fits(frame.base, frame.through);
    const literals = requiredLiterals(agg.range.selector.pipeline);
    this.scan = literals.length > 0 ? new LiteralScan(literals) : undefined;
  }

  /** Time of ts relative to the frame's base, as the engine has always computed it. */
  relOf(ts: bigint): number {
    return Number(ts - this.frame.base);
  }

  /** Fills `rel` with the batch's relative times. */
  fillRel(b: ColumnBatch): Float64Array {
    if (this.rel.length < b.count) this.rel = new Float64Array(Math.max(b.count, 2 * this.rel.length));
    if (this.exact) this.time.fill(this.time.view(b), b.count, this.rel);
    else for (let i = 0; i < b.count; i++) this.rel[i] = Number(b.ts[i] - this.frame.base);
    return this.rel;
  }

  /** Bytes every line the pipeline keeps contains (see Segment.read), if its line filters say. */
  need(): Needle | undefined {
    return this.scan?.blockLiteral();
  }

  /**
   * Indices of the entries the pipeline may keep: all of them, or those holding the literal its
   * line filters require. Valid until the next call.
   */
  candidates(b: EntryBatch): { idx: Uint32Array | undefined; n: number } {
    if (this.scan === undefined) return { idx: undefined, n: b.count };
    if (this.cand.length < b.count) this.cand = new Uint32Array(Math.max(b.count, 2 * this.cand.length));
    return { idx: this.cand, n: this.scan.candidates(b, this.cand) };
  }
}

/**
 * For a run of ascending relative times starting at rel[i]: the windows [kf, kl] holding rel[i]
 * (kf > kl: none) and the end j of the run of entries sharing them. Returns -1 once past the last window.
 */
export function windowRun(f: RangeFrame, rel: Float64Array, i: number, n: number, out: { kf: number; kl: number }): number {
  const r = rel[i];
  const kf = firstStep(f, r);
  if (kf >= f.count) return -1;
  const kl = lastStep(f, r);
  // The first window stays kf while r <= R + kf·S; the last stays kl while r <= (kl+1)·S.
  let bound = f.range + kf * f.step;
  if (kl < f.count - 1) {
    const b2 = (kl + 1) * f.step;
    if (b2 < bound) bound = b2;
  }
  let lo = i + 1;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rel[mid] <= bound) lo = mid + 1;
    else hi = mid;
  }
  out.kf = kf;
  out.kl = kl;
  return lo;
}
