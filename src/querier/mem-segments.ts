import type { EntryBatch, MemChunk } from '../chunk/index.js';
import type { ChunkBlocks, ChunkHandle, Segment } from './sources.js';

/**
 * An ingester chunk split at its cut blocks: each group of time-overlapping blocks owns the time
 * from its first timestamp to the next group's, so the segments cover every entry once; the
 * head block (uncompressed, possibly out of order) is read with whichever segments it overlaps.
 * A segment's statistics are exact when the head has nothing in its range.
 */
export function memSegments(chunk: MemChunk): Segment[] {
  const n = chunk.entryCount;
  if (n === 0) return [];
  const blocks = [...chunk.blockStats()].filter((b) => b.entries > 0).sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : 0));
  const groups: { minTs: bigint; maxTs: bigint; entries: number; lineBytes: number }[] = [];
  for (const b of blocks) {
    const g = groups[groups.length - 1];
    if (g !== undefined && b.minTs <= g.maxTs) {
      if (b.maxTs > g.maxTs) g.maxTs = b.maxTs;
      g.entries += b.entries;
      g.lineBytes += b.linesSize;
    } else {
      groups.push({ minTs: b.minTs, maxTs: b.maxTs, entries: b.entries, lineBytes: b.linesSize });
    }
  }
  const chunkMin = chunk.minTs;
  const chunkEnd = chunk.maxTs + 1n;
  const headCount = chunk.headEntryCount;
  const read = (lo: bigint, hi: bigint) => (from: bigint, through: bigint): readonly EntryBatch[] => {
    const f = from > lo ? from : lo;
    const t = through < hi ? through : hi;
    if (f >= t) return [];
    return [...chunk.batches(f, t)];
  };
  if (groups.length === 0) return [{ minTs: chunkMin, maxTs: chunkEnd - 1n, entries: n, lineBytes: chunk.rawBytes, exact: false, read: read(chunkMin, chunkEnd) }];
  const out: Segment[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const lo = i === 0 && chunkMin < g.minTs ? chunkMin : g.minTs;
    const hi = i + 1 < groups.length ? groups[i + 1].minTs : chunkEnd > g.maxTs + 1n ? chunkEnd : g.maxTs + 1n;
    // Counting reads only the head: blocks of this group lie inside [lo, hi), others outside.
    const exact = headCount === 0 || chunk.countInRange(lo, hi) === g.entries;
    out.push(exact
      ? { minTs: g.minTs, maxTs: g.maxTs, entries: g.entries, lineBytes: g.lineBytes, exact, read: read(lo, hi) }
      : { minTs: lo, maxTs: hi - 1n, entries: 0, lineBytes: 0, exact, read: read(lo, hi) });
  }
  return out;
}

export function memHandle(chunk: MemChunk): ChunkHandle {
  return {
    minTs: chunk.minTs,
    maxTs: chunk.maxTs,
    batches: (from, through) => Promise.resolve(chunk.batches(from, through)),
    open: (): Promise<ChunkBlocks> => Promise.resolve({ segments: memSegments(chunk) }),
  };
}
