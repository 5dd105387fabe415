import { EMPTY_BATCH, sliceBatchByTime, type EntryBatch } from '../chunk/index.js';
import { HI, LO } from '../model/entry.js';
import { EMPTY_LABELS, type Labels } from '../model/labels.js';
import { ClientClosedError } from '../util/errors.js';
import type { ChunkBlocks, ChunkHandle, ChunkLocation, Segment, SeriesSource } from './sources.js';

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
export function countRead(stats: ReadStats, batches: readonly EntryBatch[]): void {
  for (const b of batches) {
    stats.decompressedLines += b.count;
    stats.decompressedBytes += b.lineStart[b.count] - b.lineStart[0];
  }
}

/**
 * Time-overlapping chunks of one stream (usually a single chunk). Groups of a stream are
 * disjoint in time, so reading them one after the other gives the stream in order.
 */
export interface ChunkGroup {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  /** Entries and line bytes of the group, when known without reading (a lone chunk's index entry). */
  readonly counts: { readonly entries: number; readonly lineBytes: number } | undefined;
  /** Where a read worker can fetch the group's chunk itself (a lone chunk stored as a file). */
  readonly location: ChunkLocation | undefined;
  /** Starts fetching the group's chunk now (reads overlap with work on other groups). */
  prefetch(): void;
  /**
   * The group's segments for a read of [from, through): a lone chunk's own segments when it has
   * them, else one segment holding the group's entries merged and de-duplicated (read here).
   */
  segments(from: bigint, through: bigint, stats: ReadStats): Promise<readonly Segment[]>;
  /** segments(), plus the serialized chunk when the group is one stored chunk (workers read those). */
  blocks(from: bigint, through: bigint, stats: ReadStats): Promise<ChunkBlocks>;
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
  return {
    minTs,
    maxTs,
    counts: only?.counts,
    location: only?.location,
    prefetch() {
      if (only?.open === undefined || pending !== undefined) return;
      pending = only.open();
      // Awaited by segments(); a group never read must not leave an unhandled rejection.
      pending.catch(() => undefined);
    },
    async segments(from, through, stats) {
      return (await this.blocks(from, through, stats)).segments;
    },
    async blocks(from, through, stats) {
      if (only?.open !== undefined) {
        stats.chunksRead++;
        const p = pending ?? only.open();
        pending = undefined;
        return p;
      }
      const batches: EntryBatch[][] = [];
      for (const c of chunks) {
        stats.chunksRead++;
        batches.push([...(await c.batches(from, through))]);
      }
      const merged = chunks.length === 1 ? concatBatches(batches[0]) : mergeDedupe(batches, stats);
      return { segments: merged.count === 0 ? [] : [loadedSegment(merged)] };
    },
  };
}

/**
 * Runs jobs 0..n-1: start(i) is called up to `ahead` jobs before finish(i) (I/O and worker tasks
 * overlap), finish(i) strictly in order. start may answer undefined to stop starting jobs
 * (no later job is wanted); finish then stops after the last started one.
 */
export async function orderedJobs<T>(
  n: number, ahead: number, start: (i: number) => Promise<T> | undefined, finish: (i: number, result: T) => Promise<void> | void,
): Promise<void> {
  const started: Promise<T>[] = [];
  let stopped = false;
  const top = (upTo: number): void => {
    while (!stopped && started.length < Math.min(n, upTo)) {
      const p = start(started.length);
      if (p === undefined) {
        stopped = true;
        return;
      }
      // Awaited in turn below; a job never awaited (query failed first) must not leave an unhandled rejection.
      p.catch(() => undefined);
      started.push(p);
    }
  };
  for (let i = 0; i < n; i++) {
    top(i + 1 + ahead);
    if (i >= started.length) return;
    const r = await started[i];
    // Let go of the result as soon as it is used.
    delete started[i];
    await finish(i, r);
  }
}

/**
 * Calls fn on every group in order, fetching `ahead` groups in advance; groups for which
 * `needsRead` says no (answered from statistics) are not fetched.
 */
export async function forEachGroup(
  groups: readonly ChunkGroup[], ahead: number, fn: (g: ChunkGroup, i: number) => Promise<boolean | void>,
  needsRead: (g: ChunkGroup) => boolean = () => true,
): Promise<void> {
  let next = 0;
  let inFlight = 0;
  const fetched: boolean[] = [];
  for (let i = 0; i < groups.length; i++) {
    if (fetched[i]) inFlight--;
    if (next <= i) next = i + 1;
    while (next < groups.length && inFlight < ahead) {
      if (needsRead(groups[next])) {
        groups[next].prefetch();
        fetched[next] = true;
        inFlight++;
      }
      next++;
    }
    if ((await fn(groups[i], i)) === false) return;
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
  let n = 0;
  for (const b of bs) n += b.count;
  const src = new Uint32Array(n);
  const idx = new Uint32Array(n);
  let k = 0;
  for (let s = 0; s < bs.length; s++) {
    for (let i = 0; i < bs[s].count; i++, k++) {
      src[k] = s;
      idx[k] = i;
    }
  }
  return gather(bs, src, idx, n);
}

/** Copies entries (srcs[src[k]], idx[k]) for k < n, in that order, into one batch. */
function gather(srcs: readonly EntryBatch[], src: Uint32Array, idx: Uint32Array, n: number): EntryBatch {
  let bytes = 0;
  let anyMeta = false;
  for (const b of srcs) if (b.metadata !== null) anyMeta = true;
  for (let k = 0; k < n; k++) {
    const b = srcs[src[k]];
    bytes += b.lineStart[idx[k] + 1] - b.lineStart[idx[k]];
  }
  const ts = new BigInt64Array(n);
  const lines = Buffer.allocUnsafe(bytes);
  const lineStart = new Uint32Array(n + 1);
  const metadata: Labels[] | null = anyMeta ? new Array<Labels>(n) : null;
  let off = 0;
  for (let k = 0; k < n; k++) {
    const b = srcs[src[k]];
    const i = idx[k];
    ts[k] = b.ts[i];
    off += b.lines.copy(lines, off, b.lineStart[i], b.lineStart[i + 1]);
    lineStart[k + 1] = off;
    if (metadata !== null) metadata[k] = b.metadata === null ? EMPTY_LABELS : b.metadata[i];
  }
  return { count: n, ts, lines, lineStart, metadata };
}

/**
 * Entries of overlapping chunks as one sorted batch: merged by timestamp (equal ones keep chunk
 * order, then push order, as a stable sort would), dropping entries whose timestamp and line
 * repeat an earlier one. Timestamps are compared as int64 halves: no bigint per entry.
 */
function mergeDedupe(perChunk: readonly EntryBatch[][], stats: ReadStats): EntryBatch {
  const srcs = perChunk.map(concatBatches).filter((b) => b.count > 0);
  if (srcs.length === 0) return EMPTY_BATCH;
  let total = 0;
  for (const b of srcs) total += b.count;
  const his = srcs.map((b) => new Int32Array(b.ts.buffer, b.ts.byteOffset, b.count * 2));
  const los = srcs.map((b) => new Uint32Array(b.ts.buffer, b.ts.byteOffset, b.count * 2));
  const pos = new Uint32Array(srcs.length);
  const outSrc = new Uint32Array(total);
  const outIdx = new Uint32Array(total);
  let n = 0;
  let runStart = 0;
  for (;;) {
    // The source whose next entry comes first (lowest time, then lowest source).
    let best = -1;
    let bh = 0;
    let bl = 0;
    for (let s = 0; s < srcs.length; s++) {
      const i = pos[s];
      if (i >= srcs[s].count) continue;
      const h = his[s][2 * i + HI];
      const l = los[s][2 * i + LO];
      if (best < 0 || h < bh || (h === bh && l < bl)) {
        best = s;
        bh = h;
        bl = l;
      }
    }
    if (best < 0) break;
    const i = pos[best]++;
    const b = srcs[best];
    if (n > 0) {
      const ps = outSrc[n - 1];
      const pi = outIdx[n - 1];
      if (his[ps][2 * pi + HI] !== bh || los[ps][2 * pi + LO] !== bl) runStart = n;
    }
    let dup = false;
    for (let j = runStart; j < n; j++) {
      const o = srcs[outSrc[j]];
      const oi = outIdx[j];
      if (o.lines.compare(b.lines, b.lineStart[i], b.lineStart[i + 1], o.lineStart[oi], o.lineStart[oi + 1]) === 0) {
        dup = true;
        break;
      }
    }
    if (dup) {
      stats.duplicates++;
      continue;
    }
    outSrc[n] = best;
    outIdx[n] = i;
    n++;
  }
  return gather(srcs, outSrc, outIdx, n);
}

/** Yields to the event loop every few milliseconds of work and stops when the query is cancelled. */
export class Pacer {
  private last = performance.now();

  constructor(private readonly signal: AbortSignal | undefined, private readonly sliceMs = 4) {}

  async tick(): Promise<void> {
    if (this.signal?.aborted) throw new ClientClosedError();
    if (performance.now() - this.last < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
    if (this.signal?.aborted) throw new ClientClosedError();
  }
}
