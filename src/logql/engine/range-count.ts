/**
 * count_over_time, rate (without unwrap), bytes_over_time, bytes_rate and absent_over_time only need
 * how many samples (and bytes) each window holds. Each sample adds 1 to a contiguous run of steps,
 * so streams are read one after the other and every series keeps difference arrays over steps:
 * memory is series × steps, independent of the number of lines and of the range.
 */
import type { ColumnBatch } from '../../chunk/batch.js';
import { BlockView } from '../../chunk/block.js';
import { EMPTY_LABELS, type Label, type Labels } from '../../model/labels.js';
import { workerPrescan } from './worker-prescan.js';
import { foundSamples } from '../../querier/scan-pool/prescan.js';
import { chunkGroups, forEachGroup, Pacer, readColumns, readSegment, type ChunkGroup, type ReadStats } from '../../querier/series-plan.js';
import type { SeriesSource } from '../../querier/sources.js';
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

async function countSamples(
  agg: RangeAggregation, grouping: Grouping | undefined, withBytes: boolean, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<Counted> {
  const frame = rangeFrame(agg, steps);
  const router = new SeriesRouter<CountSeries>(grouping, (labels, key, failing) => ({ labels, key, failing, lo: 0, counts: null, bytes: null }));
  if (frame.count === 0) return { frame, series: router.all };
  const sources = await ctx.selectSeries(agg.range.selector.matchers, frame.from, frame.through);
  const extractor = ctx.compileExtractor({ ...agg, grouping });
  const out = newSampleOutput();
  const add = (s: CountSeries, kf: number, kl: number, n: number, bytes: number): void => {
    ensureSpan(s, kf, kl + 1, frame.count, withBytes);
    s.counts![kf - s.lo] += n;
    s.counts![kl + 1 - s.lo] -= n;
    if (withBytes) {
      s.bytes![kf - s.lo] += bytes;
      s.bytes![kl + 1 - s.lo] -= bytes;
    }
  };
  // Without a pipeline a sample's labels depend only on the stream and the entry's structured
  // metadata: entries without metadata are counted in runs, never one by one.
  const bare = agg.range.selector.pipeline.length === 0 && agg.range.unwrap === undefined;
  // `sum(...)` drops every label: a whole segment inside one set of windows counts from its statistics.
  const fromStats = bare && isSingleton(grouping);
  const reader = new BatchReader(frame, agg);
  const harmless = new HarmlessMetadata(grouping);
  const pacer = new Pacer(ctx.signal);
  const run = { kf: 0, kl: 0 };
  const work: { src: SeriesSource; group: ChunkGroup }[] = [];
  for (const src of sources) for (const group of chunkGroups(src, frame.from, frame.through)) work.push({ src, group });
  // A pipeline to run over every entry: the scan workers run it ahead, and hand back the samples.
  const prescan = bare ? undefined : workerPrescan({ ...agg, grouping }, frame, ctx, work);
  try {
  let current: SeriesSource | undefined;
  let ext = extractor.forStream(EMPTY_LABELS);
  let plain: CountSeries | null | undefined;
  /** The series of the stream's entries without metadata (bare pipelines). */
  const plainSeries = (ts: bigint, line: Buffer): CountSeries | null => {
    if (plain === undefined) plain = ext.process(ts, line, EMPTY_LABELS, out) ? router.route(out.labels) : null;
    return plain;
  };
  await forEachGroup(work.map((w) => w.group), PREFETCH, async (group, gi) => {
    const src = work[gi].src;
    if (src !== current) {
      if (current !== undefined) router.forgetStreams();
      current = src;
      ext = extractor.forStream(src.labels);
      plain = undefined;
    }
    await pacer.tick();
    prescan?.advance(group);
    const segments = await group.segments(frame.from, frame.through, stats, () => pacer.tick());
    const found = await prescan?.take(group);
    for (const seg of segments) {
      if (seg.maxTs < frame.from || seg.minTs >= frame.through) continue;
      await pacer.tick();
      const f = found?.get(seg);
      if (f !== undefined && f.kept !== null) {
        const k = foundSamples(seg, f, stats);
        for (let c = 0; c < k.rel.length; c++) {
          const r = k.rel[c];
          const kf = firstStep(frame, r);
          if (kf >= frame.count) break;
          const kl = lastStep(frame, r);
          if (kf <= kl) add(router.route(k.labels[k.series[c]]), kf, kl, 1, k.value[c]);
        }
        continue;
      }
      if (fromStats && seg.exact && seg.minTs >= frame.from && seg.maxTs < frame.through) {
        const r0 = reader.relOf(seg.minTs);
        const r1 = reader.relOf(seg.maxTs);
        const kf = firstStep(frame, r0);
        const kl = lastStep(frame, r0);
        if (kf === firstStep(frame, r1) && kl === lastStep(frame, r1)) {
          stats.decompressedLines += seg.entries;
          stats.decompressedBytes += seg.lineBytes;
          if (kf > kl) continue;
          const s = plainSeries(seg.minTs, EMPTY_LINE);
          if (s !== null) add(s, kf, kl, seg.entries, seg.lineBytes);
          continue;
        }
      }
      if (bare) {
        // Timestamps, line lengths and metadata decide everything: the lines are not even decompressed.
        for (const b of readColumns(seg, frame.from, frame.through, stats)) {
          if (b.count === 0) continue;
          const rel = reader.fillRel(b);
          const md = harmless.whole(b) ? null : b.metadata;
          // Runs of entries whose metadata cannot change their series are counted together.
          for (let i = 0; i < b.count;) {
            let end = b.count;
            if (md !== null) {
              end = i;
              while (end < b.count && harmless.test(md[end])) end++;
              if (end === i) {
                // This entry's metadata may decide its series: through the extractor.
                const kf = firstStep(frame, rel[i]);
                if (kf >= frame.count) break;
                const kl = lastStep(frame, rel[i]);
                // Without stages the line cannot change the labels; its value is its length.
                if (kf <= kl && ext.process(b.ts[i], EMPTY_LINE, md[i], out)) add(router.route(out.labels), kf, kl, 1, b.lineStart[i + 1] - b.lineStart[i]);
                i++;
                continue;
              }
            }
            const j = windowRun(frame, rel, i, end, run);
            if (j < 0) break;
            if (run.kf <= run.kl) {
              const s = plainSeries(b.ts[i], EMPTY_LINE);
              if (s !== null) add(s, run.kf, run.kl, j - i, b.lineStart[j] - b.lineStart[i]);
            }
            i = j;
          }
        }
        continue;
      }
      for (const b of readSegment(seg, frame.from, frame.through, stats, reader.need())) {
        if (b.count === 0) continue;
        const rel = reader.fillRel(b);
        const md = b.metadata;
        const { idx, n } = reader.candidates(b);
        for (let c = 0; c < n; c++) {
          const i = idx === undefined ? c : idx[c];
          const r = rel[i];
          const kf = firstStep(frame, r);
          if (kf >= frame.count) break;
          const kl = lastStep(frame, r);
          if (kf > kl) continue;
          if (!ext.process(b.ts[i], b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]), md === null ? EMPTY_LABELS : md[i], out)) continue;
          add(router.route(out.labels), kf, kl, 1, out.value);
        }
      }
    }
  });
  } finally {
    prescan?.close();
  }
  return { frame, series: router.all };
}

const EMPTY_LINE = Buffer.alloc(0);

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

  /**
   * Whether no entry of the batch can have harmful metadata, judged from the block's symbol
   * table when the batch is a block view: then its metadata need not be decoded at all.
   */
  whole(b: ColumnBatch): boolean {
    if (!(b instanceof BlockView)) return false;
    const strings = b.metadataStrings();
    if (strings === null) return true;
    const names = this.names;
    if (names === undefined) return false;
    for (const s of strings) if (names.has(s) || s === ERROR_LABEL || s === ERROR_DETAILS_LABEL) return false;
    return true;
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
/** Chunk groups fetched ahead of the one being counted. */
const PREFETCH = 4;

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
