import { decodeChunk, type EntryBatch, type StoredChunk } from '../chunk/index.js';
import { verifyBlock } from '../chunk/stored-chunk.js';
import { hex, type BlockMeta, type ChunkHeader } from '../chunk/chunk-format.js';
import { CorruptChunkError } from '../chunk/errors.js';
import { chunkId, type ChunkRef, type IndexStore } from '../index/index.js';
import { labelsKey } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Nanos } from '../model/time.js';
import type { ObjectStore } from '../storage/index.js';
import { BlockScratch } from './block-decoder.js';
import { ReadBufferPool } from './read-buffers.js';
import type { StoreSeriesReader } from './querier.js';
import type { ChunkBlocks, ChunkHandle, Segment, SeriesSource } from './sources.js';

/**
 * Recently read chunk objects, bounded in bytes: repeated and overlapping queries (dashboards,
 * several range aggregations over one selector) skip the read. Values are the verified chunks.
 */
class ChunkCache {
  private readonly entries = new Map<string, { chunk: StoredChunk; bytes: Buffer }>();
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): { chunk: StoredChunk; bytes: Buffer } | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    // Re-insert: Map order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  set(key: string, chunk: StoredChunk, bytes: Buffer): void {
    if (bytes.length > this.maxBytes / 4 || this.entries.has(key)) return;
    this.entries.set(key, { chunk, bytes });
    this.size += bytes.length;
    for (const [k, v] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(k);
      this.size -= v.bytes.length;
    }
  }
}

const CHUNK_CACHE_BYTES = 32 << 20;
const cache = new ChunkCache(CHUNK_CACHE_BYTES);
/**
 * The test suite sets SKALD_TEST_RECYCLE=1: every read then goes to a recycled buffer, poisoned
 * when given back, so a reader that keeps using a chunk after releasing it fails its tests.
 */
const TEST_RECYCLE = process.env.SKALD_TEST_RECYCLE === '1';
/**
 * A selection caches the chunks it reads until it has read this much: a scan larger than the
 * cache would only push out what smaller, repeated queries (dashboards) read again, and the rest
 * of its reads go to recycled buffers instead of new ones.
 */
const CACHE_ADMIT_BYTES = TEST_RECYCLE ? 0 : CHUNK_CACHE_BYTES / 2;
/** Recycled chunk read buffers. */
const readBuffers = new ReadBufferPool(32 << 20, TEST_RECYCLE);

/** What one selection (one query's series) has read so far. */
interface ReadBudget {
  cachedBytes: number;
}

interface Fetched {
  readonly chunk: StoredChunk;
  readonly bytes: Buffer;
  /** The recycled buffer under `bytes`, to give back when the reader is done with the chunk. */
  readonly recycled?: Buffer;
}

/**
 * Reads (or takes from the cache) a chunk; its header is verified here, each block when first read.
 * With `budget`, the read is cached while the selection is under CACHE_ADMIT_BYTES, and goes to
 * a recycled buffer once past it.
 */
async function fetchChunk(objects: ObjectStore, ref: ChunkRef, budget?: ReadBudget): Promise<Fetched> {
  const id = chunkId(ref.key, ref.offset);
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const recycle = budget !== undefined && budget.cachedBytes >= CACHE_ADMIT_BYTES;
  const into = recycle ? readBuffers.take(ref.compressedSize) : undefined;
  const bytes = await objects.getRange(ref.key, ref.offset, ref.compressedSize, into);
  if (bytes.length !== ref.compressedSize) throw new CorruptChunkError(`chunk ${id}: object holds ${bytes.length} of its ${ref.compressedSize} bytes`);
  // Block CRCs are checked when a block is first read (see verified below).
  const chunk = decodeChunk(bytes, true);
  if (into !== undefined) return { chunk, bytes, recycled: into };
  cache.set(id, chunk, bytes);
  if (budget !== undefined) budget.cachedBytes += bytes.length;
  return { chunk, bytes };
}

/**
 * A stored chunk's blocks grouped into segments: consecutive blocks that share a timestamp or
 * overlap are one segment (read merged), every other block is one on its own.
 */
function storedSegments(chunk: StoredChunk, bytes: Buffer, scratch: BlockScratch): Segment[] {
  const h = chunk.header;
  const metas = [...h.blocks].filter((m) => m.entries > 0).sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : 0));
  const out: Segment[] = [];
  for (let i = 0; i < metas.length;) {
    let j = i + 1;
    let max = metas[i].maxTs;
    while (j < metas.length && metas[j].minTs <= max) {
      if (metas[j].maxTs > max) max = metas[j].maxTs;
      j++;
    }
    const group = metas.slice(i, j);
    let entries = 0;
    let lineBytes = 0;
    for (const m of group) {
      entries += m.entries;
      lineBytes += m.linesSize;
    }
    const minTs = group[0].minTs;
    const reader = group.length === 1
      ? singleBlockReader(h, bytes, group[0], scratch)
      : { read: (from: bigint, through: bigint): readonly EntryBatch[] => [...chunk.batches(from > minTs ? from : minTs, through <= max ? through : max + 1n)] };
    out.push({ minTs, maxTs: max, entries, lineBytes, exact: true, ...reader });
    i = j;
  }
  return out;
}

/** Blocks of cached chunks whose CRC has been checked. */
const verified = new WeakSet<BlockMeta>();

function singleBlockReader(h: ChunkHeader, bytes: Buffer, m: BlockMeta, scratch: BlockScratch): Pick<Segment, 'read' | 'columns' | 'block'> {
  const data = bytes.subarray(h.dataOffset + m.offset, h.dataOffset + m.offset + m.length);
  const { encoding, version } = h;
  const verify = (): void => {
    if (verified.has(m)) return;
    verifyBlock(m, data, h.blocks.indexOf(m));
    verified.add(m);
  };
  return {
    read(from, through, stable, need) {
      verify();
      const b = scratch.decodeBlock(encoding, data, m, version, from, through, stable, need);
      return b.count > 0 ? [b] : [];
    },
    columns(from, through) {
      // Format 2: the head frame has a CRC of its own, checked by decodeColumns.
      if (version === 1) verify();
      const b = scratch.decodeColumns(encoding, data, m, version, from, through, version === 1 || verified.has(m));
      return b.count > 0 ? [b] : [];
    },
    block: version === 1 ? undefined : {
      encoding, data, rawLength: m.rawLength, linesSize: m.linesSize, minTs: m.minTs, maxTs: m.maxTs,
      verified: () => verified.has(m),
      check(crc) {
        if (verified.has(m)) return;
        // As verifyBlock, from the CRC the worker computed.
        if (crc !== m.crc) throw new CorruptChunkError(`block ${h.blocks.indexOf(m)} checksum mismatch: stored ${hex(m.crc)}, computed ${hex(crc)}`);
        verified.add(m);
      },
      readLines(from, through, lines) {
        const b = scratch.decodeWithLines(encoding, data, m, lines, from, through);
        return b.count > 0 ? [b] : [];
      },
    },
  };
}

/** A stored chunk, fetched when first read; the handle itself keeps nothing once a read is done. */
class StoredChunkHandle implements ChunkHandle {
  constructor(private readonly ref: ChunkRef, private readonly objects: ObjectStore, private readonly scratch: BlockScratch, private readonly budget: ReadBudget) {}

  get minTs(): Nanos { return this.ref.from; }
  get maxTs(): Nanos { return this.ref.through; }

  async batches(from: Nanos, through: Nanos): Promise<Iterable<EntryBatch>> {
    const { chunk } = await fetchChunk(this.objects, this.ref);
    return chunk.batches(from, through);
  }

  async open(): Promise<ChunkBlocks> {
    const { chunk, bytes, recycled } = await fetchChunk(this.objects, this.ref, this.budget);
    const segments = storedSegments(chunk, bytes, this.scratch);
    if (recycled === undefined) return { segments };
    let given = false;
    return {
      segments,
      release() {
        if (given) return;
        given = true;
        readBuffers.give(recycled);
      },
    };
  }
}

/** Series and their chunks from the index and the object store. */
export class StoreReader implements StoreSeriesReader {
  constructor(private readonly index: IndexStore, private readonly objects: ObjectStore) {}

  async series(tenant: string, from: Nanos, through: Nanos, matchers: readonly LabelMatcher[]): Promise<SeriesSource[]> {
    // The index takes inclusive bounds; queries are [from, through).
    const refs = await this.index.chunkRefs(tenant, from, through - 1n, matchers);
    const byKey = new Map<string, SeriesSource & { chunks: ChunkHandle[] }>();
    // One scratch per selection: a query reads its blocks one at a time.
    const scratch = new BlockScratch();
    const budget: ReadBudget = { cachedBytes: 0 };
    // chunkRefs lists each chunk once, sorted by fingerprint: the previous ref's series is usually this one's.
    let prev: (SeriesSource & { chunks: ChunkHandle[] }) | undefined;
    for (const ref of refs) {
      const key = labelsKey(ref.labels);
      let s = prev !== undefined && prev.key === key ? prev : byKey.get(key);
      if (!s) byKey.set(key, (s = { labels: ref.labels, key, chunks: [] }));
      prev = s;
      s.chunks.push(new StoredChunkHandle(ref, this.objects, scratch, budget));
    }
    return [...byKey.values()];
  }
}
