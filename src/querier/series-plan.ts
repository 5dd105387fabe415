import { EMPTY_BATCH, sliceBatchByTime, type EntryBatch } from '../chunk/index.js';
import { gatherBatch, type ColumnBatch } from '../chunk/batch.js';
import type { Needle } from './line-prefilter.js';
import { mergeOverlapping, mergeOverlappingNow } from './merge-overlapping.js';
import { ClientClosedError } from '../util/errors.js';
import type { ChunkBlocks, ChunkHandle, LoadedChunk, Segment, SeriesSource } from './sources.js';

export interface ReadStats {
  chunksRead: number;
  decompressedLines: number;
  decompressedBytes: number;
  duplicates: number;
}

export function newReadStats(): ReadStats {
  return { chunksRead: 0, decompressedLines: 0, decompressedBytes: 0, duplicates: 0 };
}

/** Counts what a read handed out. */
export function countRead(stats: ReadStats, batches: readonly ColumnBatch[]): void {
  for (const b of batches) {
    stats.decompressedLines += b.count;
    stats.decompressedBytes += b.lineStart[b.count] - b.lineStart[0];
  }
}

/**
 * A segment's entries in [from, through), for a reader whose kept lines all contain `need` when
 * it is given: a segment wholly inside the range with exact statistics may then skip blocks that
 * lack it, and is counted in `stats` from its statistics, as if it had been read whole.
 */
export function readSegment(seg: Segment, from: bigint, through: bigint, stats: ReadStats, need?: Needle): readonly EntryBatch[] {
  const whole = need !== undefined && seg.exact && seg.minTs >= from && seg.maxTs < through;
  const batches = seg.read(from, through, false, whole ? need : undefined);
  if (whole) {
    stats.decompressedLines += seg.entries;
    stats.decompressedBytes += seg.lineBytes;
  } else {
    countRead(stats, batches);
  }
  return batches;
}

/** A segment's entries in [from, through) without their lines where that saves work, counted in `stats`. */
export function readColumns(seg: Segment, from: bigint, through: bigint, stats: ReadStats): readonly ColumnBatch[] {
  const batches = seg.columns !== undefined ? seg.columns(from, through) : seg.read(from, through, false);
  countRead(stats, batches);
  return batches;
}

/**
 * Time-overlapping chunks of one stream (usually a single chunk). Groups of a stream are
 * disjoint in time, so reading them one after the other gives the stream in order.
 */
export interface ChunkGroup {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  /** Starts fetching the group's chunk now (reads overlap with work on other groups). */
  prefetch(): void;
  /**
   * A lone chunk's segments, fetched now (as prefetch) and counted nowhere: the same segment
   * objects segments() returns next. Undefined for groups that segments() reads merged.
   */
  peek(): Promise<readonly Segment[]> | undefined;
  /**
   * The group's segments for a read of [from, through): a lone chunk's own segments when it has
   * them, else segments holding the group's entries merged and de-duplicated (read here, awaiting
   * `pace` between slices of the work).
   */
  segments(from: bigint, through: bigint, stats: ReadStats, pace?: () => Promise<void>): Promise<readonly Segment[]>;
  /** The reader is done with what segments() gave (ChunkBlocks.release): its buffers may be reused. */
  release(): void;
}

/** The groups of a stream's chunks that may hold entries in [from, through), ascending. */
export function chunkGroups(src: SeriesSource, from: bigint, through: bigint): ChunkGroup[] {
  const chunks = src.chunks.filter((c) => c.minTs < through && c.maxTs >= from);
  // Stable: chunks with equal minTs keep their order (memory before store), which decides duplicates.
  chunks.sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : 0));
  const out: ChunkGroup[] = [];
  let cur: ChunkHandle[] = [];
  let curMin = 0n;
  let curMax = 0n;
  const flush = (): void => {
    if (cur.length > 0) out.push(group(cur, curMin, curMax));
  };
  for (const c of chunks) {
    if (cur.length > 0 && c.minTs <= curMax) {
      cur.push(c);
      if (c.maxTs > curMax) curMax = c.maxTs;
    } else {
      flush();
      cur = [c];
      curMin = c.minTs;
      curMax = c.maxTs;
    }
  }
  flush();
  return out;
}

function group(chunks: ChunkHandle[], minTs: bigint, maxTs: bigint): ChunkGroup {
  const only = chunks.length === 1 ? chunks[0] : undefined;
  let pending: Promise<ChunkBlocks> | undefined;
  let opened: ChunkBlocks | undefined;
  return {
    minTs,
    maxTs,
    prefetch() {
      if (only?.open === undefined || pending !== undefined) return;
      pending = only.open();
      // Awaited by segments(); a group never read must not leave an unhandled rejection.
      pending.catch(() => undefined);
    },
    peek() {
      if (only?.open === undefined) return undefined;
      this.prefetch();
      return pending?.then((b) => b.segments);
    },
    async segments(from, through, stats, pace) {
      if (only?.open !== undefined) {
        stats.chunksRead++;
        const p = pending ?? only.open();
        pending = undefined;
        // A second read of the group leaves the first one's buffer to the garbage collector.
        opened = await p;
        return opened.segments;
      }
      if (chunks.length > 1 && chunks.every((c) => c.load !== undefined)) return windows(chunks, minTs, maxTs, from, through, stats, pace);
      const batches: EntryBatch[][] = [];
      for (const c of chunks) {
        if (batches.length > 0) await pace?.();
        stats.chunksRead++;
        batches.push([...(await c.batches(from, through))]);
      }
      if (chunks.length === 1) {
        const all = concatBatches(batches[0]);
        return all.count === 0 ? [] : [loadedSegment(all)];
      }
      return (await mergeOverlapping(batches, () => stats.duplicates++, pace)).map(loadedSegment);
    },
    release() {
      opened?.release?.();
      opened = undefined;
    },
  };
}

/** Entries a window of overlapping chunks holds, about: what one merge handles. */
const WINDOW_ENTRIES = 8192;
/** Windows per group at most: each reads the blocks at its edges again. */
const MAX_WINDOWS = 256;

/**
 * Overlapping chunks (a group's, spanning [minTs, maxTs]) read as consecutive time windows, each
 * merged (and de-duplicated) only when read: a reader that needs a group's newest entries (a backward log query, after a restart put
 * flushed entries back into memory) merges the last window, not the group. Windows split time
 * evenly, one per ~WINDOW_ENTRIES entries; equal timestamps, hence duplicates, share a window.
 */
async function windows(
  chunks: readonly ChunkHandle[], minTs: bigint, maxTs: bigint, from: bigint, through: bigint, stats: ReadStats, pace?: () => Promise<void>,
): Promise<Segment[]> {
  const lo = from > minTs ? from : minTs;
  const hi = through <= maxTs ? through : maxTs + 1n;
  if (lo >= hi) return [];
  const loaded: LoadedChunk[] = [];
  let entries = 0;
  for (const c of chunks) {
    if (loaded.length > 0) await pace?.();
    stats.chunksRead++;
    const l = await c.load!();
    loaded.push(l);
    entries += l.entries;
  }
  const n = BigInt(Math.min(MAX_WINDOWS, Math.max(1, Math.ceil(entries / WINDOW_ENTRIES))));
  const span = hi - lo;
  const out: Segment[] = [];
  for (let k = 0n; k < n; k++) {
    const a = lo + (span * k) / n;
    const b = k + 1n === n ? hi : lo + (span * (k + 1n)) / n;
    if (a < b) out.push(windowSegment(loaded, a, b, stats));
  }
  return out;
}

/** The entries of the chunks in [a, b), merged when read. */
function windowSegment(loaded: readonly LoadedChunk[], a: bigint, b: bigint, stats: ReadStats): Segment {
  return {
    minTs: a,
    maxTs: b - 1n,
    entries: 0,
    lineBytes: 0,
    exact: false,
    read(from, through) {
      const f = from > a ? from : a;
      const t = through < b ? through : b;
      if (f >= t) return [];
      return mergeOverlappingNow(loaded.map((c) => [...c.batches(f, t)]), () => stats.duplicates++);
    },
  };
}

/** Calls fn on every group of the streams in order, fetching a few groups ahead; releases each group after fn. */
export async function forEachGroup(
  groups: readonly ChunkGroup[], ahead: number, fn: (g: ChunkGroup, i: number) => Promise<boolean | void>,
): Promise<void> {
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < Math.min(groups.length, i + 1 + ahead); j++) groups[j].prefetch();
    const more = await fn(groups[i], i);
    // fn is done with the group: its buffers may serve the next reads.
    groups[i].release();
    if (more === false) return;
  }
}

/** A segment over entries already in memory. */
function loadedSegment(b: EntryBatch): Segment {
  return {
    minTs: b.ts[0],
    maxTs: b.ts[b.count - 1],
    entries: b.count,
    lineBytes: b.lineStart[b.count] - b.lineStart[0],
    exact: true,
    read: (from, through) => {
      const s = sliceBatchByTime(b, from, through);
      return s.count > 0 ? [s] : [];
    },
  };
}

/** Ascending, time-disjoint batches as one. */
function concatBatches(batches: readonly EntryBatch[]): EntryBatch {
  const bs = batches.filter((b) => b.count > 0);
  if (bs.length === 0) return EMPTY_BATCH;
  if (bs.length === 1) return bs[0];
  const order: { b: EntryBatch; i: number }[] = [];
  for (const b of bs) for (let i = 0; i < b.count; i++) order.push({ b, i });
  return gather(order);
}

/** Copies the given entries, in that order, into one batch. */
function gather(entries: readonly { b: EntryBatch; i: number }[]): EntryBatch {
  return gatherBatch(entries.map((e) => e.b), entries.map((e) => e.i), entries.length, (k) => k);
}

/** How a Pacer yields: resolves when its query may run again; `sliceMs` overrides the slice length. */
export type PaceYield = (() => Promise<void>) & { readonly sliceMs?: number };

const yieldToLoop: PaceYield = () => new Promise<void>((resolve) => setImmediate(resolve));
let paceYieldFor: ((signal: AbortSignal | undefined) => PaceYield | undefined) | undefined;

/**
 * Lets the server yield a query's slices through its fair scheduler (src/server/fair-scheduler.ts)
 * instead of one plain event-loop turn, keyed by the query's signal.
 */
export function setPaceYield(factory: ((signal: AbortSignal | undefined) => PaceYield | undefined) | undefined): void {
  paceYieldFor = factory;
}

/** Yields to the event loop every few milliseconds of work and stops when the query is cancelled. */
export class Pacer {
  private last = performance.now();
  private readonly yieldNow: PaceYield;
  private readonly sliceMs: number;

  constructor(private readonly signal: AbortSignal | undefined, sliceMs = 4) {
    this.yieldNow = paceYieldFor?.(signal) ?? yieldToLoop;
    this.sliceMs = this.yieldNow.sliceMs ?? sliceMs;
  }

  async tick(): Promise<void> {
    if (this.signal?.aborted) throw new ClientClosedError();
    if (performance.now() - this.last < this.sliceMs) return;
    await this.yieldNow();
    this.last = performance.now();
    if (this.signal?.aborted) throw new ClientClosedError();
  }
}
