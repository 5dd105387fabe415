/**
 * count_over_time, rate (without unwrap), bytes_over_time, bytes_rate and absent_over_time only need
 * how many samples (and bytes) each window holds. Each sample adds 1 to a contiguous run of steps,
 * so streams are read one after the other and every series keeps difference arrays over steps:
 * memory is series × steps, independent of the number of lines and of the range.
 */
import type { Labels } from '../../model/labels.js';
import { SeriesCursor, type ReadStats } from '../../querier/series-cursor.js';
import type { Grouping, RangeAggregation } from '../syntax/ast.js';
import { pipelineError, throwIfAborted } from './errors.js';
import { BY_NOTHING } from './grouping.js';
import { firstStep, lastStep, newSampleOutput, rangeFrame, SeriesRouter, type RangeFrame, type RoutedSeries } from './range-common.js';
import { goSeconds, type Steps } from './steps.js';
import type { EngineContext } from './types.js';
import { emptySteps, RowTable, type StepVectors } from './vectors.js';

interface CountSeries extends RoutedSeries {
  /** Step index of slot 0 of the difference arrays. */
  lo: number;
  counts: Float64Array | null;
  bytes: Float64Array | null;
}

interface Counted {
  readonly frame: RangeFrame;
  readonly series: CountSeries[];
}

async function countSamples(
  agg: RangeAggregation, grouping: Grouping | undefined, withBytes: boolean, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<Counted> {
  const frame = rangeFrame(agg, steps);
  const router = new SeriesRouter<CountSeries>(grouping, (labels, key, failing) => ({ labels, key, failing, lo: 0, counts: null, bytes: null }));
  if (frame.count === 0) return { frame, series: router.all };
  const sources = await ctx.selectSeries(agg.range.selector.matchers, frame.from, frame.through);
  const extractor = ctx.compileExtractor({ ...agg, grouping });
  const out = newSampleOutput();
  for (const src of sources) {
    throwIfAborted(ctx.signal);
    const cursor = new SeriesCursor(src, frame.from, frame.through, 'forward', stats);
    const ext = extractor.forStream(src.labels);
    while (await cursor.load()) {
      do {
        const e = cursor.current;
        if (!ext.process(e.ts, e.line, e.metadata, out)) continue;
        const r = Number(e.ts - frame.base);
        const kf = firstStep(frame, r);
        const kl = lastStep(frame, r);
        if (kf > kl) continue;
        const s = router.route(out.labels);
        ensureSpan(s, kf, kl + 1, frame.count, withBytes);
        s.counts![kf - s.lo] += 1;
        s.counts![kl + 1 - s.lo] -= 1;
        if (withBytes) {
          s.bytes![kf - s.lo] += out.value;
          s.bytes![kl + 1 - s.lo] -= out.value;
        }
      } while (cursor.advance());
      throwIfAborted(ctx.signal);
    }
    router.forgetStreams();
  }
  return { frame, series: router.all };
}

/** Grows the difference arrays to cover slots a..b (b ≤ count); doubles upwards, as streams move forward. */
function ensureSpan(s: CountSeries, a: number, b: number, count: number, withBytes: boolean): void {
  if (s.counts === null) {
    s.lo = a;
    const size = Math.min(Math.max(b - a + 1, 8), count + 1 - a);
    s.counts = new Float64Array(size);
    if (withBytes) s.bytes = new Float64Array(size);
    return;
  }
  const len = s.counts.length;
  if (a >= s.lo && b < s.lo + len) return;
  const lo = Math.min(s.lo, a);
  const hi = Math.min(Math.max(s.lo + len - 1, b, s.lo + 2 * len), count);
  const grow = (old: Float64Array): Float64Array => {
    const arr = new Float64Array(hi - lo + 1);
    arr.set(old, s.lo - lo);
    return arr;
  };
  s.counts = grow(s.counts);
  if (s.bytes !== null) s.bytes = grow(s.bytes);
  s.lo = lo;
}

/** Fails like Loki on the first step where a series with __error__ is output. */
function checkFailures(series: readonly CountSeries[], count: number): void {
  let worst: CountSeries | undefined;
  let worstStep = Infinity;
  for (const s of series) {
    if (!s.failing || s.counts === null) continue;
    let c = 0;
    for (let i = 0; i < s.counts.length && s.lo + i < count; i++) {
      c += s.counts[i];
      if (c > 0) {
        if (s.lo + i < worstStep) { worstStep = s.lo + i; worst = s; }
        break;
      }
    }
  }
  if (worst !== undefined) throw pipelineError(worst.labels);
}

export async function evalCounting(
  agg: RangeAggregation, grouping: Grouping | undefined, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<StepVectors> {
  const withBytes = agg.op === 'bytes_over_time' || agg.op === 'bytes_rate';
  const { frame, series } = await countSamples(agg, grouping, withBytes, steps, ctx, stats);
  checkFailures(series, frame.count);
  const seconds = goSeconds(agg.range.rangeNs);
  const value = (c: number, b: number): number => {
    switch (agg.op) {
      case 'rate': return c / seconds;
      case 'bytes_over_time': return b;
      case 'bytes_rate': return b / seconds;
      default: return c;
    }
  };
  const table = new RowTable();
  const out = emptySteps(frame.count);
  for (const s of series) {
    if (s.counts === null) continue;
    let row = -1;
    let c = 0;
    let b = 0;
    for (let i = 0; i < s.counts.length && s.lo + i < frame.count; i++) {
      c += s.counts[i];
      if (s.bytes !== null) b += s.bytes[i];
      if (c <= 0) continue;
      if (row < 0) row = table.intern(s.labels, s.key);
      const step = out[s.lo + i];
      step.rows.push(row);
      step.values.push(value(c, b));
    }
  }
  return { table, steps: out };
}

/** 1 at every step whose window has no sample, labelled with the selector's equality matchers. */
export async function evalAbsent(
  agg: RangeAggregation, labels: Labels, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<StepVectors> {
  const { frame, series } = await countSamples(agg, BY_NOTHING, false, steps, ctx, stats);
  const present = new Uint8Array(frame.count);
  for (const s of series) {
    if (s.counts === null) continue;
    let c = 0;
    for (let i = 0; i < s.counts.length && s.lo + i < frame.count; i++) {
      c += s.counts[i];
      if (c > 0) present[s.lo + i] = 1;
    }
  }
  const table = new RowTable();
  const out = emptySteps(frame.count);
  for (let k = 0; k < frame.count; k++) {
    if (present[k]) continue;
    out[k].rows.push(table.intern(labels));
    out[k].values.push(1);
  }
  return { table, steps: out };
}
