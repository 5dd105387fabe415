import { CHUNK_VERSION, type BlockMeta, type EntryBatch, type MemChunk } from '../chunk/index.js';
import type { BlockScratch } from './block-decoder.js';
import type { ChunkBlocks, ChunkHandle, Segment } from './sources.js';

interface Group {
  minTs: bigint;
  maxTs: bigint;
  entries: number;
  lineBytes: number;
  /** The group's block when it has only one. */
  only: { meta: BlockMeta; data: Buffer } | null;
}

/**
 * An ingester chunk split at its cut blocks: each group of time-overlapping blocks owns the time
 * from its first timestamp to the next group's, so the segments cover every entry once; the
 * head block (uncompressed, possibly out of order) is read with whichever segments it overlaps.
 * A segment's statistics are exact when the head has nothing in its range; such a segment of one
 * block is decompressed directly through `scratch`, like a stored block (the block's bytes
 * never change; entries appended later are read by the query that comes after).
 */
export function memSegments(chunk: MemChunk, scratch: BlockScratch): Segment[] {
  const n = chunk.entryCount;
  if (n === 0) return [];
  const data = chunk.blockData();
  const blocks = chunk.blockStats().map((meta, i) => ({ meta, data: data[i] }))
    .filter((b) => b.meta.entries > 0)
    .sort((a, b) => (a.meta.minTs < b.meta.minTs ? -1 : a.meta.minTs > b.meta.minTs ? 1 : 0));
  const groups: Group[] = [];
  for (const b of blocks) {
    const g = groups[groups.length - 1];
    const m = b.meta;
    if (g !== undefined && m.minTs <= g.maxTs) {
      if (m.maxTs > g.maxTs) g.maxTs = m.maxTs;
      g.entries += m.entries;
      g.lineBytes += m.linesSize;
      g.only = null;
    } else {
      groups.push({ minTs: m.minTs, maxTs: m.maxTs, entries: m.entries, lineBytes: m.linesSize, only: b });
    }
  }
  const chunkMin = chunk.minTs;
  const chunkEnd = chunk.maxTs + 1n;
  const headCount = chunk.headEntryCount;
  const encoding = chunk.encoding;
  const read = (lo: bigint, hi: bigint) => (from: bigint, through: bigint): readonly EntryBatch[] => {
    const f = from > lo ? from : lo;
    const t = through < hi ? through : hi;
    if (f >= t) return [];
    return [...chunk.batches(f, t)];
  };
  // Cut blocks are always in the current format.
  const readBlock = (b: { meta: BlockMeta; data: Buffer }): Pick<Segment, 'read' | 'columns' | 'block'> => ({
    read(from, through, stable, need) {
      const out = scratch.decodeBlock(encoding, b.data, b.meta, CHUNK_VERSION, from, through, stable, need);
      return out.count > 0 ? [out] : [];
    },
    columns(from, through) {
      const out = scratch.decodeColumns(encoding, b.data, b.meta, CHUNK_VERSION, from, through);
      return out.count > 0 ? [out] : [];
    },
    block: {
      encoding, data: b.data, rawLength: b.meta.rawLength, linesSize: b.meta.linesSize, minTs: b.meta.minTs, maxTs: b.meta.maxTs,
      // Cut blocks live in memory: read() does not verify them either.
      verified: () => true,
      check: () => undefined,
      readLines(from, through, lines) {
        const out = scratch.decodeWithLines(encoding, b.data, b.meta, lines, from, through);
        return out.count > 0 ? [out] : [];
      },
    },
  });
  if (groups.length === 0) return [{ minTs: chunkMin, maxTs: chunkEnd - 1n, entries: n, lineBytes: chunk.rawBytes, exact: false, read: read(chunkMin, chunkEnd) }];
  const out: Segment[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const lo = i === 0 && chunkMin < g.minTs ? chunkMin : g.minTs;
    const hi = i + 1 < groups.length ? groups[i + 1].minTs : chunkEnd > g.maxTs + 1n ? chunkEnd : g.maxTs + 1n;
    // Counting reads only the head: blocks of this group lie inside [lo, hi), others outside.
    const exact = headCount === 0 || chunk.countInRange(lo, hi) === g.entries;
    // The head usually holds the newest entries, after the last block: the group's blocks are
    // then exact up to their maxTs, and the head's entries after it are a segment of their own.
    const split = !exact && g.maxTs + 1n < hi && chunk.countInRange(lo, g.maxTs + 1n) === g.entries;
    const blockEnd = split ? g.maxTs + 1n : hi;
    out.push(exact || split
      ? { minTs: g.minTs, maxTs: g.maxTs, entries: g.entries, lineBytes: g.lineBytes, exact: true, ...(g.only !== null ? readBlock(g.only) : { read: read(lo, blockEnd) }) }
      : { minTs: lo, maxTs: hi - 1n, entries: 0, lineBytes: 0, exact, read: read(lo, hi) });
    if (split) out.push({ minTs: blockEnd, maxTs: hi - 1n, entries: 0, lineBytes: 0, exact: false, read: read(blockEnd, hi) });
  }
  return out;
}

/** `scratch` is the query's: the segments' reads decompress into it. */
export function memHandle(chunk: MemChunk, scratch: BlockScratch): ChunkHandle {
  return {
    minTs: chunk.minTs,
    maxTs: chunk.maxTs,
    batches: (from, through) => Promise.resolve(chunk.batches(from, through)),
    open: (): Promise<ChunkBlocks> => Promise.resolve({ segments: memSegments(chunk, scratch) }),
    load: () => Promise.resolve({ entries: chunk.entryCount, batches: (from: bigint, through: bigint) => chunk.batches(from, through) }),
  };
}
