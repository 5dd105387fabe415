import { decodeChunk, type EntryBatch, type StoredChunk } from '../chunk/index.js';
import type { BlockMeta } from '../chunk/chunk-format.js';
import type { ChunkRef, IndexStore } from '../index/index.js';
import { labelsToString } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Nanos } from '../model/time.js';
import { FilesystemObjectStore, type ObjectStore } from '../storage/index.js';
import { BlockScratch } from './block-decoder.js';
import type { StoreSeriesReader } from './querier.js';
import type { ChunkBlocks, ChunkHandle, ChunkLocation, Segment, SeriesSource } from './sources.js';

/** A fetched chunk object; verified and parsed on first use (a read worker may do that instead). */
class FetchedChunk {
  private decoded: StoredChunk | undefined;

  constructor(readonly key: string, readonly bytes: Buffer) {}

  get chunk(): StoredChunk {
    if (this.decoded === undefined) {
      this.decoded = decodeChunk(this.bytes);
      // Cached once read here: a chunk handed to a worker leaves this thread.
      cache.set(this.key, this);
    }
    return this.decoded;
  }
}

/**
 * Recently read chunk objects, bounded in bytes: repeated and overlapping queries (dashboards,
 * several range aggregations over one selector) skip the read.
 */
class ChunkCache {
  private readonly entries = new Map<string, FetchedChunk>();
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): FetchedChunk | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    // Re-insert: Map order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  set(key: string, c: FetchedChunk): void {
    if (c.bytes.length > this.maxBytes / 4 || this.entries.has(key)) return;
    this.entries.set(key, c);
    this.size += c.bytes.length;
    for (const [k, v] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(k);
      this.size -= v.bytes.length;
    }
  }
}

const CHUNK_CACHE_BYTES = 32 << 20;
const cache = new ChunkCache(CHUNK_CACHE_BYTES);

/** Reads (or takes from the cache) a chunk object. */
async function fetchChunk(objects: ObjectStore, key: string): Promise<FetchedChunk> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  return new FetchedChunk(key, await objects.get(key));
}

/**
 * A stored chunk's blocks grouped into segments: consecutive blocks that share a timestamp or
 * overlap are one segment (read merged), every other block is one on its own.
 */
export function storedSegments(chunk: StoredChunk, bytes: Buffer, scratch: BlockScratch): Segment[] {
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
    const read = group.length === 1
      ? singleBlockReader(h.encoding, bytes, h.dataOffset, group[0], scratch)
      : (from: bigint, through: bigint): readonly EntryBatch[] => [...chunk.batches(from > minTs ? from : minTs, through <= max ? through : max + 1n)];
    out.push({ minTs, maxTs: max, entries, lineBytes, exact: true, read });
    i = j;
  }
  return out;
}

function singleBlockReader(encoding: StoredChunk['encoding'], bytes: Buffer, dataOffset: number, m: BlockMeta, scratch: BlockScratch) {
  const data = bytes.subarray(dataOffset + m.offset, dataOffset + m.offset + m.length);
  return (from: bigint, through: bigint, stable: boolean): readonly EntryBatch[] => {
    const b = scratch.decodeBlock(encoding, data, m, from, through, stable);
    return b.count > 0 ? [b] : [];
  };
}

/** A stored chunk, fetched when first read; the handle itself keeps nothing once a read is done. */
class StoredChunkHandle implements ChunkHandle {
  readonly location: ChunkLocation | undefined;

  constructor(private readonly ref: ChunkRef, private readonly objects: ObjectStore, private readonly scratch: BlockScratch) {
    if (objects instanceof FilesystemObjectStore) this.location = { root: objects.root, key: ref.key };
  }

  get minTs(): Nanos { return this.ref.from; }
  get maxTs(): Nanos { return this.ref.through; }
  get counts(): { entries: number; lineBytes: number } { return { entries: this.ref.entries, lineBytes: this.ref.rawSize }; }

  async batches(from: Nanos, through: Nanos): Promise<Iterable<EntryBatch>> {
    return (await fetchChunk(this.objects, this.ref.key)).chunk.batches(from, through);
  }

  async open(): Promise<ChunkBlocks> {
    const c = await fetchChunk(this.objects, this.ref.key);
    const scratch = this.scratch;
    let segments: Segment[] | undefined;
    return {
      get segments() {
        segments ??= storedSegments(c.chunk, c.bytes, scratch);
        return segments;
      },
      serialized: c.bytes,
    };
  }
}

/** A handle on one stored chunk (what series() returns for each index entry). */
export function storedChunkHandle(ref: ChunkRef, objects: ObjectStore, scratch = new BlockScratch()): ChunkHandle {
  return new StoredChunkHandle(ref, objects, scratch);
}

/** Series and their chunks from the index and the object store. */
export class StoreReader implements StoreSeriesReader {
  constructor(private readonly index: IndexStore, private readonly objects: ObjectStore) {}

  async series(tenant: string, from: Nanos, through: Nanos, matchers: readonly LabelMatcher[]): Promise<SeriesSource[]> {
    // The index takes inclusive bounds; queries are [from, through).
    const refs = await this.index.chunkRefs(tenant, from, through - 1n, matchers);
    const byKey = new Map<string, SeriesSource & { chunks: ChunkHandle[] }>();
    const seenKeys = new Set<string>();
    // One scratch per selection: a query reads its blocks one at a time.
    const scratch = new BlockScratch();
    for (const ref of refs) {
      if (seenKeys.has(ref.key)) continue; // the same chunk listed by two index files
      seenKeys.add(ref.key);
      const key = labelsToString(ref.labels);
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { labels: ref.labels, key, chunks: [] }));
      s.chunks.push(new StoredChunkHandle(ref, this.objects, scratch));
    }
    return [...byKey.values()];
  }
}
