/**
 * The unwrapped range functions (sum/avg/min/max/stddev/stdvar/quantile/first/last_over_time, rate
 * and rate_counter over unwrap). Their results depend on sample order: streams that may feed the same
 * series are merged in time order with a heap, as Loki's sample iterator does; other streams are
 * read one at a time. When windows overlap (range ≥ step) each series keeps the samples of its
 * sliding window; otherwise, and for instant queries, a streaming accumulator per series is enough.
 */
import { EMPTY_LABELS } from '../../model/labels.js';
import { foundSamples, type Prescan, type PrescanItem } from '../../querier/scan-pool/prescan.js';
import { workerPrescan } from './worker-prescan.js';
import { chunkGroups, Pacer, readSegment, type ChunkGroup, type ReadStats } from '../../querier/series-plan.js';
import type { SeriesSource } from '../../querier/sources.js';
import { Heap } from '../../util/heap.js';
import type { SampleExtractor, SampleOutput, StreamSampleExtractor } from '../log/types.js';
import type { Grouping, RangeAggregation } from '../syntax/ast.js';
import { pipelineError } from './errors.js';
import { firstStep, lastStep, newSampleOutput, rangeFrame, SeriesRouter, type RangeFrame, type RoutedSeries } from './range-common.js';
import type { RangeAcc } from './range-functions.js';
import { BatchReader } from './read.js';
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

/** One stream's samples, extracted a chunk group at a time, in time order. */
interface Source {
  readonly idx: number;
  readonly src: SeriesSource;
  readonly ext: StreamSampleExtractor;
  readonly groups: ChunkGroup[];
  group: number;
  /** Samples of the loaded group: relative time, value, series. */
  rel: Float64Array;
  val: Float64Array;
  series: WindowSeries[];
  n: number;
  pos: number;
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
  const extracted: RangeAggregation = { ...agg, grouping };
  const extractor = ctx.compileExtractor(extracted);
  const merge = streamsMayMerge(agg, grouping, selected);
  const groups = new Map(selected.map((src) => [src, chunkGroups(src, frame.from, frame.through)]));
  const prescan = workerPrescan(extracted, frame, ctx, planOrder(groups, merge));
  const run: Run = { agg, frame, grouping, makeAcc, extractor, ctx, stats, table, out, groups, prescan };
  try {
    if (merge) await aggregate(run, selected);
    else for (const s of selected) await aggregate(run, [s]);
  } finally {
    prescan?.close();
  }
  return { table, steps: out };
}

/**
 * The order aggregate() reads chunk groups in: merged streams load their first groups in stream
 * order, then the next group of whichever stream runs out first, which time order predicts.
 */
function planOrder(groups: ReadonlyMap<SeriesSource, ChunkGroup[]>, merge: boolean): PrescanItem[] {
  const perStream = [...groups].map(([src, gs]) => gs.map((group): PrescanItem => ({ group, src })));
  if (!merge) return perStream.flat();
  const rest = perStream.flatMap((gs) => gs.slice(1));
  rest.sort((a, b) => (a.group.minTs < b.group.minTs ? -1 : a.group.minTs > b.group.minTs ? 1 : 0));
  return [...perStream.flatMap((gs) => gs.slice(0, 1)), ...rest];
}

interface Run {
  readonly agg: RangeAggregation;
  readonly frame: RangeFrame;
  readonly grouping: Grouping | undefined;
  readonly makeAcc: () => RangeAcc;
  readonly extractor: SampleExtractor;
  readonly ctx: EngineContext;
  readonly stats: ReadStats;
  readonly table: RowTable;
  readonly out: StepVector[];
  /** Each stream's chunk groups: the same objects the prescan was planned with. */
  readonly groups: ReadonlyMap<SeriesSource, ChunkGroup[]>;
  readonly prescan: Prescan | undefined;
}

/**
 * Fills a source with the samples of its next chunk group that has any; false when the stream is
 * done. Only entries inside some step's window become samples: the others never reach a window.
 */
async function loadSource(run: Run, router: SeriesRouter<WindowSeries>, reader: BatchReader, s: Source, sample: SampleOutput, pacer: Pacer): Promise<boolean> {
  const { frame } = run;
  s.n = 0;
  s.pos = 0;
  while (s.group < s.groups.length) {
    const g = s.groups[s.group++];
    // The stream's next group is what it will need when these samples run out.
    s.groups[s.group]?.prefetch();
    run.prescan?.advance(g);
    const segments = await g.segments(frame.from, frame.through, run.stats, () => pacer.tick());
    const found = await run.prescan?.take(g);
    for (const seg of segments) {
      if (seg.maxTs < frame.from || seg.minTs >= frame.through) continue;
      const f = found?.get(seg);
      if (f !== undefined && f.kept !== null) {
        // The worker ran the extractor: its samples, in time order, still go through the window check.
        const k = foundSamples(seg, f, run.stats);
        for (let c = 0; c < k.rel.length; c++) {
          const r = k.rel[c];
          const kf = firstStep(frame, r);
          if (kf >= frame.count) break;
          if (kf > lastStep(frame, r)) continue;
          if (s.n === s.rel.length) growSource(s);
          s.rel[s.n] = r;
          s.val[s.n] = k.value[c];
          s.series[s.n] = router.route(k.labels[k.series[c]]);
          s.n++;
        }
        continue;
      }
      const batches = readSegment(seg, frame.from, frame.through, run.stats, reader.need());
      for (const b of batches) {
        const rel = reader.fillRel(b);
        const { idx, n } = reader.candidates(b);
        const md = b.metadata;
        for (let c = 0; c < n; c++) {
          const i = idx === undefined ? c : idx[c];
          const r = rel[i];
          const kf = firstStep(frame, r);
          if (kf >= frame.count) break;
          if (kf > lastStep(frame, r)) continue;
          if (!s.ext.process(b.ts[i], b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]), md === null ? EMPTY_LABELS : md[i], sample)) continue;
          if (s.n === s.rel.length) growSource(s);
          s.rel[s.n] = r;
          s.val[s.n] = sample.value;
          s.series[s.n] = router.route(sample.labels);
          s.n++;
        }
      }
    }
    // The samples are copies: the group's buffers may serve the next reads.
    g.release();
    if (s.n > 0) return true;
  }
  return false;
}

function growSource(s: Source): void {
  const cap = Math.max(64, s.rel.length * 2);
  const rel = new Float64Array(cap);
  rel.set(s.rel);
  const val = new Float64Array(cap);
  val.set(s.val);
  s.rel = rel;
  s.val = val;
}

/** Merges the streams in time order and evaluates every step over their samples. */
async function aggregate(run: Run, streams: readonly SeriesSource[]): Promise<void> {
  const { frame, makeAcc, table, out } = run;
  const pacer = new Pacer(run.ctx.signal);
  const reader = new BatchReader(frame, run.agg);
  const router = new SeriesRouter<WindowSeries>(run.grouping, (labels, key, failing) => ({ labels, key, failing, row: -1, window: null, acc: null, stamp: -1 }));
  const sample = newSampleOutput();
  const sources: Source[] = streams.map((src, idx) => ({
    idx, src, ext: run.extractor.forStream(src.labels), groups: run.groups.get(src) ?? chunkGroups(src, frame.from, frame.through), group: 0,
    rel: EMPTY_F64, val: EMPTY_F64, series: [], n: 0, pos: 0,
  }));
  const heap = new Heap<Source>((a, b) => {
    const x = a.rel[a.pos], y = b.rel[b.pos];
    return x < y || (x === y && a.idx < b.idx);
  });
  for (let i = 0; i < sources.length; i++) {
    for (let j = i + 1; j < Math.min(sources.length, i + 1 + PREFETCH); j++) sources[j].groups[0]?.prefetch();
    await pacer.tick();
    if (await loadSource(run, router, reader, sources[i], sample, pacer)) heap.push(sources[i]);
  }
  if (heap.size === 0) return;

  const overlap = frame.range >= frame.step && frame.count > 1;
  const shared = makeAcc();
  let active: WindowSeries[] = [];

  const emit = (s: WindowSeries, step: StepVector, value: number): void => {
    if (s.failing) throw pipelineError(s.labels);
    if (s.row < 0) s.row = table.intern(s.labels, s.key);
    step.rows.push(s.row);
    step.values.push(value);
  };

  for (let k = 0; k < frame.count;) {
    await pacer.tick();
    if (active.length === 0) {
      // Nothing pending: go straight to the first step that can see the next sample.
      if (heap.size === 0) break;
      const top = heap.peek()!;
      k = Math.max(k, firstStep(frame, top.rel[top.pos]));
      if (k >= frame.count) break;
    }
    const upper = frame.range + k * frame.step;
    while (heap.size > 0) {
      const src = heap.peek()!;
      // A source's samples are consumed in runs while it stays ahead of every other source.
      let p = src.pos;
      const r = src.rel[p];
      if (r > upper) break;
      const s = src.series[p];
      const v = src.val[p];
      if (overlap) {
        if (s.window === null) s.window = new SampleWindow();
        if (s.window.length === 0) active.push(s);
        s.window.push(r, v);
      } else {
        if (s.stamp !== k) {
          s.stamp = k;
          active.push(s);
          (s.acc ??= makeAcc()).reset();
        }
        s.acc!.add(r, v);
      }
      p++;
      src.pos = p;
      if (p < src.n) heap.replaceTop(src);
      else {
        heap.pop();
        if (await loadSource(run, router, reader, src, sample, pacer)) heap.push(src);
      }
    }
    const step = out[k];
    if (overlap) {
      const lower = k * frame.step;
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

const EMPTY_F64 = new Float64Array(0);
/** Streams whose first chunk group is fetched ahead while the first groups load. */
const PREFETCH = 4;
