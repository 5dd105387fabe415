import { decodeChunk, type StoredChunk } from '../chunk/index.js';
import type { ChunkRef, IndexStore } from '../index/index.js';
import { labelsToString } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Nanos } from '../model/time.js';
import type { ObjectStore } from '../storage/index.js';
import type { StoreSeriesReader } from './querier.js';
import type { ChunkHandle, SeriesSource } from './sources.js';

/** A stored chunk, fetched and decoded on first read. */
class StoredChunkHandle implements ChunkHandle {
  private chunk: Promise<StoredChunk> | undefined;

  constructor(private readonly ref: ChunkRef, private readonly objects: ObjectStore) {}

  get minTs(): Nanos { return this.ref.from; }
  get maxTs(): Nanos { return this.ref.through; }

  async batches(from: Nanos, through: Nanos) {
    this.chunk ??= this.objects.get(this.ref.key).then(decodeChunk);
    return (await this.chunk).batches(from, through);
  }
}

/** Series and their chunks from the index and the object store. */
export class StoreReader implements StoreSeriesReader {
  constructor(private readonly index: IndexStore, private readonly objects: ObjectStore) {}

  async series(tenant: string, from: Nanos, through: Nanos, matchers: readonly LabelMatcher[]): Promise<SeriesSource[]> {
    // The index takes inclusive bounds; queries are [from, through).
    const refs = await this.index.chunkRefs(tenant, from, through - 1n, matchers);
    const byKey = new Map<string, SeriesSource & { chunks: ChunkHandle[] }>();
    const seenKeys = new Set<string>();
    for (const ref of refs) {
      if (seenKeys.has(ref.key)) continue; // the same chunk listed by two index files
      seenKeys.add(ref.key);
      const key = labelsToString(ref.labels);
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { labels: ref.labels, key, chunks: [] }));
      s.chunks.push(new StoredChunkHandle(ref, this.objects));
    }
    return [...byKey.values()];
  }
}
