import { chunkRefFor, type ChunkRef, type IndexStore } from '../index/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ObjectStore } from '../storage/index.js';
import type { ChunkFlusher, FlushItem } from './ingester.js';

const CONCURRENT_PUTS = 16;

/**
 * Flushes closed chunks: encodes each, writes it to the object store, then writes one index file
 * per tenant and period for the whole batch. A chunk is only reported flushed once its index
 * entry is stored, so a crash in between leaves the chunk in the WAL to be flushed again.
 */
export class StoreFlusher implements ChunkFlusher {
  constructor(
    private readonly objects: ObjectStore,
    private readonly index: IndexStore,
    private readonly metrics: Metrics,
    private readonly concurrency = CONCURRENT_PUTS,
  ) {}

  async flush(items: readonly FlushItem[]): Promise<void> {
    const refsByTenant = new Map<string, ChunkRef[]>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const item = items[next++];
        const encoded = item.chunk.encode();
        const ref = chunkRefFor(item.tenant, item.chunk, encoded);
        await this.objects.put(ref.key, encoded);
        // Stored: the serialized copy is not needed any more (a retry encodes it again).
        item.chunk.releaseEncoded();
        this.metrics.ingesterChunkSizeBytes.observe(encoded.length);
        this.metrics.ingesterChunkStoredBytes.inc({ tenant: item.tenant }, encoded.length);
        this.metrics.ingesterChunkUtilization.observe(Math.min(1, encoded.length / item.chunk.targetSize));
        let refs = refsByTenant.get(item.tenant);
        if (!refs) refsByTenant.set(item.tenant, (refs = []));
        refs.push(ref);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, worker));
    for (const [tenant, refs] of refsByTenant) await this.index.writeIndex(tenant, refs);
  }
}
