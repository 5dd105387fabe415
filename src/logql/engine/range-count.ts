/**
 * count_over_time, rate (without unwrap), bytes_over_time, bytes_rate and absent_over_time only need
 * how many samples (and bytes) each window holds. Each sample adds 1 to a contiguous run of steps,
 * so streams are read one after the other and every series keeps difference arrays over steps:
 * memory is series × steps, independent of the number of lines and of the range.
 */
import { EMPTY_LABELS, type Label, type Labels } from '../../model/labels.js';
import type { EntryBatch } from '../../chunk/index.js';
import type { ReadPool } from '../../querier/read-pool.js';
import { addStats, taskSource, type CountTask } from '../../querier/read-tasks.js';
import { chunkGroups, countRead, orderedJobs, Pacer, type ChunkGroup, type ReadStats } from '../../querier/series-plan.js';
import type { ChunkBlocks, Segment, SeriesSource } from '../../querier/sources.js';
import type { SampleExtractor, StreamSampleExtractor } from '../log/types.js';
import { exprToString } from '../syntax/index.js';
import type { Grouping, RangeAggregation } from '../syntax/ast.js';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, pipelineError } from './errors.js';
import { BY_NOTHING, isSingleton } from './grouping.js';
import { firstStep, lastStep, newSampleOutput, rangeFrame, SeriesRouter, type RangeFrame, type RoutedSeries } from './range-common.js';
import { BatchReader, windowRun } from './read.js';
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

/** One series' counts as a read worker hands them back. */
export interface CountedSeries {
  readonly labels: Labels;
  readonly key: string;
  readonly lo: number;
  readonly counts: Float64Array;
  readonly bytes: Float64Array | null;
}

/**
 * Counts samples per series and window into difference arrays. Used on the main thread and in
 * read workers (which send their series back to be merged).
 */
export class Counter {
  readonly router: SeriesRouter<CountSeries>;
  private readonly out = newSampleOutput();
  /** No pipeline: a sample's labels depend only on the stream and the entry's structured metadata. */
  private readonly bare: boolean;
  /** `sum(...)` without a pipeline drops every label: whole stretches count from statistics. */
  readonly fromStats: boolean;
  private readonly reader: BatchReader;
  private readonly harmless: HarmlessMetadata;
  private readonly run = { kf: 0, kl: 0 };
  private ext: StreamSampleExtractor;
  private streamLabels: Labels | undefined;
  private plain: CountSeries | null | undefined;

  constructor(
    readonly frame: RangeFrame, agg: RangeAggregation, grouping: Grouping | undefined, private readonly withBytes: boolean,
    private readonly extractor: SampleExtractor,
  ) {
    this.router = new SeriesRouter<CountSeries>(grouping, (labels, key, failing) => ({ labels, key, failing, lo: 0, counts: null, bytes: null }));
    this.bare = agg.range.selector.pipeline.length === 0 && agg.range.unwrap === undefined;
    this.fromStats = this.bare && isSingleton(grouping);
    this.reader = new BatchReader(frame, agg);
    this.harmless = new HarmlessMetadata(grouping);
    this.ext = extractor.forStream(EMPTY_LABELS);
  }

  /** Entries that follow belong to this stream. */
  stream(labels: Labels): void {
    if (labels === this.streamLabels) return;
    if (this.streamLabels !== undefined) this.router.forgetStreams();
    this.streamLabels = labels;
    this.ext = this.extractor.forStream(labels);
    this.plain = undefined;
  }

  /** Whether entries in [minTs, maxTs] can be counted from statistics: all in the range and in the same windows. */
  inOneWindowSet(minTs: bigint, maxTs: bigint): boolean {
    const f = this.frame;
    if (!this.fromStats || minTs < f.from || maxTs >= f.through) return false;
    const r0 = this.reader.relOf(minTs);
    const r1 = this.reader.relOf(maxTs);
    return firstStep(f, r0) === firstStep(f, r1) && lastStep(f, r0) === lastStep(f, r1);
  }

  /** Counts a stretch of entries from statistics if inOneWindowSet; false if it must be read. */
  countStats(minTs: bigint, maxTs: bigint, entries: number, lineBytes: number, stats: ReadStats): boolean {
    if (!this.inOneWindowSet(minTs, maxTs)) return false;
    stats.decompressedLines += entries;
    stats.decompressedBytes += lineBytes;
    const r0 = this.reader.relOf(minTs);
    const kf = firstStep(this.frame, r0);
    const kl = lastStep(this.frame, r0);
    if (kf > kl) return true;
    const s = this.plainSeries(minTs, EMPTY_LINE);
    if (s !== null) this.add(s, kf, kl, entries, lineBytes);
    return true;
  }

  /** Counts one segment of the current stream. */
  countSegment(seg: Segment, stats: ReadStats): void {
    const frame = this.frame;
    if (seg.maxTs < frame.from || seg.minTs >= frame.through) return;
    if (seg.exact && this.countStats(seg.minTs, seg.maxTs, seg.entries, seg.lineBytes, stats)) return;
    const batches = seg.read(frame.from, frame.through, false);
    countRead(stats, batches);
    for (const b of batches) if (b.count > 0) this.countBatch(b);
  }

  private countBatch(b: EntryBatch): void {
    const frame = this.frame;
    const rel = this.reader.fillRel(b);
    const md = b.metadata;
    const out = this.out;
    if (this.bare) {
      // Runs of entries whose metadata cannot change their series are counted together.
      const run = this.run;
      for (let i = 0; i < b.count;) {
        let end = b.count;
        if (md !== null) {
          end = i;
          while (end < b.count && this.harmless.test(md[end])) end++;
          if (end === i) {
            // This entry's metadata may decide its series: through the extractor.
            const kf = firstStep(frame, rel[i]);
            if (kf >= frame.count) break;
            const kl = lastStep(frame, rel[i]);
            if (kf <= kl && this.ext.process(b.ts[i], b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]), md[i], out)) {
              this.add(this.router.route(out.labels), kf, kl, 1, out.value);
            }
            i++;
            continue;
          }
        }
        const j = windowRun(frame, rel, i, end, run);
        if (j < 0) break;
        if (run.kf <= run.kl) {
          const s = this.plainSeries(b.ts[i], b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]));
          if (s !== null) this.add(s, run.kf, run.kl, j - i, b.lineStart[j] - b.lineStart[i]);
        }
        i = j;
      }
      return;
    }
    const { idx, n } = this.reader.candidates(b);
    for (let c = 0; c < n; c++) {
      const i = idx === undefined ? c : idx[c];
      const r = rel[i];
      const kf = firstStep(frame, r);
      if (kf >= frame.count) break;
      const kl = lastStep(frame, r);
      if (kf > kl) continue;
      if (!this.ext.process(b.ts[i], b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]), md === null ? EMPTY_LABELS : md[i], out)) continue;
      this.add(this.router.route(out.labels), kf, kl, 1, out.value);
    }
  }

  /** The series of the stream's entries without metadata (bare pipelines). */
  private plainSeries(ts: bigint, line: Buffer): CountSeries | null {
    if (this.plain === undefined) this.plain = this.ext.process(ts, line, EMPTY_LABELS, this.out) ? this.router.route(this.out.labels) : null;
    return this.plain;
  }

  private add(s: CountSeries, kf: number, kl: number, n: number, bytes: number): void {
    ensureSpan(s, kf, kl + 1, this.frame.count, this.withBytes);
    s.counts![kf - s.lo] += n;
    s.counts![kl + 1 - s.lo] -= n;
    if (this.withBytes) {
      s.bytes![kf - s.lo] += bytes;
      s.bytes![kl + 1 - s.lo] -= bytes;
    }
  }

  /** The series counted so far, for a worker to send back. */
  export(): CountedSeries[] {
    const out: CountedSeries[] = [];
    for (const s of this.router.all) if (s.counts !== null) out.push({ labels: s.labels, key: s.key, lo: s.lo, counts: s.counts, bytes: s.bytes });
    return out;
  }

  /** Adds series a worker counted, in its order (which is the order they were first met). */
  merge(series: readonly CountedSeries[]): void {
    for (const w of series) {
      // Grouping is idempotent: routing grouped labels again finds the same series.
      const s = this.router.route({ all: w.labels, key: w.key, stream: w.labels, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS });
      const hi = w.lo + w.counts.length - 1;
      ensureSpan(s, w.lo, Math.min(hi, this.frame.count), this.frame.count, this.withBytes);
      for (let i = 0; i < w.counts.length && w.lo + i - s.lo < s.counts!.length; i++) {
        s.counts![w.lo + i - s.lo] += w.counts[i];
        if (w.bytes !== null) s.bytes![w.lo + i - s.lo] += w.bytes[i];
      }
    }
    this.router.forgetStreams();
  }
}

async function countSamples(
  agg: RangeAggregation, grouping: Grouping | undefined, withBytes: boolean, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<Counted> {
  const frame = rangeFrame(agg, steps);
  const extractor = ctx.compileExtractor({ ...agg, grouping });
  const counter = new Counter(frame, agg, grouping, withBytes, extractor);
  if (frame.count === 0) return { frame, series: counter.router.all };
  const sources = await ctx.selectSeries(agg.range.selector.matchers, frame.from, frame.through);
  const pacer = new Pacer(ctx.signal);
  const pool = ctx.readPool;
  const query = pool !== undefined ? exprToString(agg) : '';
  const work: { src: SeriesSource; group: ChunkGroup }[] = [];
  for (const src of sources) for (const group of chunkGroups(src, frame.from, frame.through)) work.push({ src, group });
  type Job = { blocks: ChunkBlocks } | { counted: CountedSeries[] } | null;
  await orderedJobs<Job>(work.length, pool !== undefined ? pool.capacity : PREFETCH, (i) => {
    const { src, group } = work[i];
    // A whole chunk in one set of windows is counted from the index, not even read.
    if (group.counts !== undefined && counter.inOneWindowSet(group.minTs, group.maxTs)) return Promise.resolve(null);
    if (pool === undefined) return group.blocks(frame.from, frame.through, stats).then((blocks): Job => ({ blocks }));
    return taskSource(group, frame.from, frame.through, stats).then((t): Promise<Job> | Job => {
      if ('local' in t) return { blocks: t.local };
      return runCount(pool, { kind: 'count', query, grouping, frame, withBytes, labels: src.labels, chunk: t.source }, t.transfer, stats);
    });
  }, async (i, job) => {
    const { src, group } = work[i];
    await pacer.tick();
    if (job === null) {
      counter.stream(src.labels);
      counter.countStats(group.minTs, group.maxTs, group.counts!.entries, group.counts!.lineBytes, stats);
    } else if ('counted' in job) {
      counter.merge(job.counted);
    } else {
      counter.stream(src.labels);
      for (const seg of job.blocks.segments) {
        await pacer.tick();
        counter.countSegment(seg, stats);
      }
    }
  });
  return { frame, series: counter.router.all };
}

async function runCount(pool: ReadPool, task: CountTask, transfer: ArrayBuffer[], stats: ReadStats): Promise<{ counted: CountedSeries[] }> {
  const r = await pool.run(task, transfer);
  if (r.kind !== 'count') throw new Error('read worker answered a count task with ' + r.kind);
  addStats(stats, r.stats);
  return { counted: r.series };
}

const EMPTY_LINE = Buffer.alloc(0);
/** Chunk groups fetched ahead of the one being counted. */
const PREFETCH = 4;

/**
 * Whether an entry's structured metadata leaves its series as if it had none: under `by (…)`,
 * metadata counts only through the grouped names (a name clashing with a stream label becomes
 * name_extracted) and through __error__ / __error_details__. Label objects repeat within a block,
 * so the last verdict is kept.
 */
class HarmlessMetadata {
  private readonly names: ReadonlySet<string> | undefined;
  private last: Label | undefined;
  private lastOk = false;

  constructor(grouping: Grouping | undefined) {
    if (grouping === undefined || grouping.without) return;
    this.names = new Set([...grouping.labels, ...grouping.labels.map((n) => n + '_extracted')]);
  }

  test(md: Labels): boolean {
    if (md.length === 0) return true;
    const names = this.names;
    if (names === undefined) return false;
    for (let k = 0; k < md.length; k++) {
      const l = md[k];
      if (l === this.last) {
        if (!this.lastOk) return false;
        continue;
      }
      const ok = !names.has(l.name) && l.name !== ERROR_LABEL && l.name !== ERROR_DETAILS_LABEL;
      this.last = l;
      this.lastOk = ok;
      if (!ok) return false;
    }
    return true;
  }
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
