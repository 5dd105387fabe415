/**
 * The unwrapped range functions (sum/avg/min/max/stddev/stdvar/quantile/first/last_over_time, rate
 * and rate_counter over unwrap). Their results depend on sample order: streams that may feed the same
 * series are merged in time order with a heap, as Loki's sample iterator does; other streams are
 * read one at a time. When windows overlap (range ≥ step) each series keeps the samples of its
 * sliding window; otherwise, and for instant queries, a streaming accumulator per series is enough.
 */
import type { Entry } from '../../model/entry.js';
import { SeriesCursor, type ReadStats } from '../../querier/series-cursor.js';
import type { SeriesSource } from '../../querier/sources.js';
import { Heap } from '../../util/heap.js';
import type { SampleExtractor, StreamSampleExtractor } from '../log/types.js';
import type { Grouping, RangeAggregation } from '../syntax/ast.js';
import { pipelineError, throwIfAborted } from './errors.js';
import { firstStep, newSampleOutput, rangeFrame, SeriesRouter, type RangeFrame, type RoutedSeries } from './range-common.js';
import type { RangeAcc } from './range-functions.js';
import type { Steps } from './steps.js';
import type { EngineContext } from './types.js';
import { emptySteps, RowTable, type StepVector, type StepVectors } from './vectors.js';
import { SampleWindow } from './window.js';

interface WindowSeries extends RoutedSeries {
  row: number;
  window: SampleWindow | null;
  acc: RangeAcc | null;
  /** Last step this series received a sample in (streaming mode). */
  stamp: number;
}

interface Source {
  readonly idx: number;
  readonly cursor: SeriesCursor;
  readonly ext: StreamSampleExtractor;
  /** Time of the current entry relative to the frame's base. */
  rel: number;
}

/**
 * Whether two streams may produce samples with the same labels, so that they must be merged in time
 * order. Otherwise each stream is aggregated on its own and only one is held in memory at a time.
 */
export function streamsMayMerge(agg: RangeAggregation, grouping: Grouping | undefined, streams: readonly SeriesSource[]): boolean {
  if (grouping !== undefined && (!grouping.without || grouping.labels.length > 0)) return true;
  if (agg.range.selector.pipeline.some((st) => st.kind === 'Drop' || st.kind === 'Keep' || st.kind === 'LabelFormat')) return true;
  // The unwrapped label leaves the result: if it was a stream label, streams collapse.
  const unwrapped = agg.range.unwrap?.label;
  return unwrapped !== undefined && streams.some((s) => s.labels.some((l) => l.name === unwrapped));
}

export async function evalWindowed(
  agg: RangeAggregation, grouping: Grouping | undefined, makeAcc: () => RangeAcc, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<StepVectors> {
  const frame = rangeFrame(agg, steps);
  const table = new RowTable();
  const out = emptySteps(frame.count);
  if (frame.count === 0) return { table, steps: out };
  const selected = await ctx.selectSeries(agg.range.selector.matchers, frame.from, frame.through);
  const extractor = ctx.compileExtractor({ ...agg, grouping });
  const run: Run = { frame, grouping, makeAcc, extractor, ctx, stats, table, out };
  if (streamsMayMerge(agg, grouping, selected)) await aggregate(run, selected);
  else for (const s of selected) await aggregate(run, [s]);
  return { table, steps: out };
}

interface Run {
  readonly frame: RangeFrame;
  readonly grouping: Grouping | undefined;
  readonly makeAcc: () => RangeAcc;
  readonly extractor: SampleExtractor;
  readonly ctx: EngineContext;
  readonly stats: ReadStats;
  readonly table: RowTable;
  readonly out: StepVector[];
}

/** Merges the streams in time order and evaluates every step over their samples. */
async function aggregate(run: Run, streams: readonly SeriesSource[]): Promise<void> {
  const { frame, makeAcc, table, out, ctx } = run;
  const relOf = (e: Entry): number => Number(e.ts - frame.base);
  const sources: Source[] = streams.map((s, idx) => ({
    idx, cursor: new SeriesCursor(s, frame.from, frame.through, 'forward', run.stats), ext: run.extractor.forStream(s.labels), rel: 0,
  }));
  const heap = new Heap<Source>((a, b) => a.rel < b.rel || (a.rel === b.rel && a.idx < b.idx));
  await Promise.all(sources.map(async (s) => {
    if (await s.cursor.load()) { s.rel = relOf(s.cursor.current); heap.push(s); }
  }));
  if (heap.size === 0) return;

  const router = new SeriesRouter<WindowSeries>(run.grouping, (labels, key, failing) => ({ labels, key, failing, row: -1, window: null, acc: null, stamp: -1 }));
  const overlap = frame.range >= frame.step && frame.count > 1;
  const shared = makeAcc();
  let active: WindowSeries[] = [];
  const sample = newSampleOutput();

  const emit = (s: WindowSeries, step: StepVector, value: number): void => {
    if (s.failing) throw pipelineError(s.labels);
    if (s.row < 0) s.row = table.intern(s.labels, s.key);
    step.rows.push(s.row);
    step.values.push(value);
  };

  for (let k = 0; k < frame.count;) {
    throwIfAborted(ctx.signal);
    if (active.length === 0) {
      // Nothing pending: go straight to the first step that can see the next sample.
      if (heap.size === 0) break;
      k = Math.max(k, firstStep(frame, heap.peek()!.rel));
      if (k >= frame.count) break;
    }
    const lower = k * frame.step;
    const upper = frame.range + lower;
    while (heap.size > 0) {
      const src = heap.peek()!;
      if (src.rel > upper) break;
      const e = src.cursor.current;
      if (src.rel > lower && src.ext.process(e.ts, e.line, e.metadata, sample)) {
        const s = router.route(sample.labels);
        if (overlap) {
          if (s.window === null) s.window = new SampleWindow();
          if (s.window.length === 0) active.push(s);
          s.window.push(src.rel, sample.value);
        } else {
          if (s.stamp !== k) {
            s.stamp = k;
            active.push(s);
            (s.acc ??= makeAcc()).reset();
          }
          s.acc!.add(src.rel, sample.value);
        }
      }
      if (src.cursor.advance()) {
        src.rel = relOf(src.cursor.current);
        heap.replaceTop(src);
      } else {
        heap.pop();
        if (await src.cursor.load()) {
          src.rel = relOf(src.cursor.current);
          heap.push(src);
        }
      }
    }
    const step = out[k];
    if (overlap) {
      let w = 0;
      for (const s of active) {
        s.window!.evictUpTo(lower);
        if (s.window!.length === 0) continue;
        active[w++] = s;
        emit(s, step, s.window!.aggregate(shared));
      }
      active.length = w;
    } else {
      for (const s of active) emit(s, step, s.acc!.value());
      active = [];
    }
    k++;
  }
}
