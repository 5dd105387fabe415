import { decodeChunk, type EntryBatch, type StoredChunk } from '../chunk/index.js';
import { verifyBlock } from '../chunk/stored-chunk.js';
import { hex, type BlockMeta, type ChunkHeader } from '../chunk/chunk-format.js';
import type { ColumnBatch } from '../chunk/batch.js';
import type { ChunkEncoding } from '../config/types.js';
import { CorruptChunkError } from '../chunk/errors.js';
import { chunkId, type ChunkRef, type IndexStore } from '../index/index.js';
import { labelsKey } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Nanos } from '../model/time.js';
import type { ObjectStore } from '../storage/index.js';
import { BlockScratch } from './block-decoder.js';
import { ReadBufferPool } from './read-buffers.js';
import type { StoreSeriesReader } from './querier.js';
import type { ChunkBlocks, ChunkHandle, LoadedChunk, ScanBlock, Segment, SeriesSource } from './sources.js';
import type { Needle } from './needle.js';

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
  const metas = h.blocks.filter((m) => m.entries > 0);
  // Blocks are written in time order; only overlapping ones (out-of-order pushes) are not.
  let sorted = true;
  for (let i = 1; i < metas.length && sorted; i++) sorted = metas[i - 1].minTs <= metas[i].minTs;
  if (!sorted) metas.sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : 0));
  const out: Segment[] = [];
  for (let i = 0; i < metas.length;) {
    let j = i + 1;
    let max = metas[i].maxTs;
    while (j < metas.length && metas[j].minTs <= max) {
      if (metas[j].maxTs > max) max = metas[j].maxTs;
      j++;
    }
    if (j === i + 1) out.push(new StoredBlockSegment(h, bytes, metas[i], scratch));
    else {
      let entries = 0;
      let lineBytes = 0;
      for (let k = i; k < j; k++) {
        entries += metas[k].entries;
        lineBytes += metas[k].linesSize;
      }
      const minTs = metas[i].minTs;
      out.push({
        minTs, maxTs: max, entries, lineBytes, exact: true,
        read: (from: bigint, through: bigint): readonly EntryBatch[] => [...chunk.batches(from > minTs ? from : minTs, through <= max ? through : max + 1n)],
      });
    }
    i = j;
  }
  return out;
}

/** Blocks of cached chunks whose CRC has been checked. */
const verified = new WeakSet<BlockMeta>();

/**
 * A segment of one stored block, and (format 2) the block a scan worker reads: one object with
 * methods rather than closures, since a 2 GB scan makes ~12,000 of them.
 */
class StoredBlockSegment implements Segment, ScanBlock {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  readonly lineBytes: number;
  readonly exact = true;
  readonly encoding: ChunkEncoding;
  readonly data: Buffer;
  readonly rawLength: number;
  readonly linesSize: number;

  constructor(private readonly h: ChunkHeader, bytes: Buffer, private readonly m: BlockMeta, private readonly scratch: BlockScratch) {
    this.minTs = m.minTs;
    this.maxTs = m.maxTs;
    this.entries = m.entries;
    this.lineBytes = m.linesSize;
    this.encoding = h.encoding;
    this.data = bytes.subarray(h.dataOffset + m.offset, h.dataOffset + m.offset + m.length);
    this.rawLength = m.rawLength;
    this.linesSize = m.linesSize;
  }

  get block(): ScanBlock | undefined {
    return this.h.version === 1 ? undefined : this;
  }

  read(from: bigint, through: bigint, stable: boolean, need?: Needle): readonly EntryBatch[] {
    this.verify();
    const b = this.scratch.decodeBlock(this.encoding, this.data, this.m, this.h.version, from, through, stable, need);
    return b.count > 0 ? [b] : [];
  }

  columns(from: bigint, through: bigint): readonly ColumnBatch[] {
    const version = this.h.version;
    // Format 2: the head frame has a CRC of its own, checked by decodeColumns.
    if (version === 1) this.verify();
    const b = this.scratch.decodeColumns(this.encoding, this.data, this.m, version, from, through, version === 1 || verified.has(this.m));
    return b.count > 0 ? [b] : [];
  }

  verified(): boolean {
    return verified.has(this.m);
  }

  check(crc: number): void {
    if (verified.has(this.m)) return;
    // As verifyBlock, from the CRC the worker computed.
    if (crc !== this.m.crc) throw new CorruptChunkError(`block ${this.h.blocks.indexOf(this.m)} checksum mismatch: stored ${hex(this.m.crc)}, computed ${hex(crc)}`);
    verified.add(this.m);
  }

  readLines(from: bigint, through: bigint, lines: Buffer): readonly EntryBatch[] {
    const b = this.scratch.decodeWithLines(this.encoding, this.data, this.m, lines, from, through);
    return b.count > 0 ? [b] : [];
  }

  private verify(): void {
    if (verified.has(this.m)) return;
    verifyBlock(this.m, this.data, this.h.blocks.indexOf(this.m));
    verified.add(this.m);
  }
}

/** A stored chunk, fetched when first read; the handle itself keeps nothing once a read is done. */
class StoredChunkHandle implements ChunkHandle {
  constructor(private readonly ref: ChunkRef, private readonly objects: ObjectStore, private readonly scratch: BlockScratch, private readonly budget: ReadBudget) {}

  get minTs(): Nanos { return this.ref.from; }
  get maxTs(): Nanos { return this.ref.through; }

  async batches(from: Nanos, through: Nanos): Promise<Iterable<EntryBatch>> {
    return (await this.load()).batches(from, through);
  }

  async load(): Promise<LoadedChunk> {
    const { chunk } = await fetchChunk(this.objects, this.ref);
    return { entries: this.ref.entries, batches: (from: Nanos, through: Nanos) => chunk.batches(from, through) };
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
