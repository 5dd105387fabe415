import { chunkRefFor, type ChunkRef, type IndexStore } from '../index/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ObjectStore, PutObject } from '../storage/index.js';
import type { ChunkFlusher, FlushItem } from './ingester.js';

/** Chunks written per object-store batch, and their encoded bytes: bounds the copies held at once. */
const BATCH_CHUNKS = 64;
const BATCH_BYTES = 4 << 20;
/**
 * Main-thread time a flush encodes for before it yields to the event loop (encoding closes and
 * compresses a head: up to ~1 ms each). Longer slices showed as other tenants' push latency.
 */
const ENCODE_SLICE_MS = 1;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Encoded {
  readonly item: FlushItem;
  readonly ref: ChunkRef;
  readonly data: Buffer;
}

/**
 * Flushes closed chunks: encodes them, writes them to the object store in batches (one putMany
 * per batch: the store shares fsyncs and directory work across it), then writes one index file
 * per tenant and period for the whole flush. A chunk is referenced by the index only after its
 * object is stored durably, and reported flushed only once its index entry is stored, so a
 * crash in between leaves the chunk in the WAL to be flushed again.
 */
export class StoreFlusher implements ChunkFlusher {
  constructor(
    private readonly objects: ObjectStore,
    private readonly index: IndexStore,
    private readonly metrics: Metrics,
    private readonly batchChunks = BATCH_CHUNKS,
    private readonly batchBytes = BATCH_BYTES,
  ) {}

  async flush(items: readonly FlushItem[]): Promise<void> {
    const refsByTenant = new Map<string, ChunkRef[]>();
    let next = 0;
    // The next batch is encoded (main thread) while the previous one is written (thread pool).
    let writing: Promise<void> | undefined;
    try {
      while (next < items.length) {
        const batch: Encoded[] = [];
        let bytes = 0;
        let slice = performance.now();
        while (next < items.length && batch.length < this.batchChunks && bytes < this.batchBytes) {
          // Pushes are served between slices: a batch is encoded in several turns of the loop.
          if (performance.now() - slice >= ENCODE_SLICE_MS) {
            await yieldToLoop();
            slice = performance.now();
          }
          const item = items[next++];
          const data = item.chunk.encode();
          batch.push({ item, ref: chunkRefFor(item.tenant, item.chunk, data), data });
          bytes += data.length;
        }
        if (writing) await writing;
        writing = this.store(batch, refsByTenant);
        // Awaited later; handled now, so a failure while the next batch is encoded is not "unhandled".
        writing.catch(() => undefined);
      }
      if (writing) await writing;
    } finally {
      // A failed flush leaves no encoded copies behind (a retry encodes them again).
      if (writing) await writing.catch(() => undefined);
      for (let i = 0; i < next; i++) items[i].chunk.releaseEncoded();
    }
    for (const [tenant, refs] of refsByTenant) await this.index.writeIndex(tenant, refs);
  }

  private async store(batch: readonly Encoded[], refsByTenant: Map<string, ChunkRef[]>): Promise<void> {
    const objects: PutObject[] = batch.map((e) => ({ key: e.ref.key, data: e.data }));
    if (this.objects.putMany) await this.objects.putMany(objects);
    else await Promise.all(objects.map((o) => this.objects.put(o.key, o.data)));
    for (const { item, ref, data } of batch) {
      // Stored: the serialized copy is not needed any more.
      item.chunk.releaseEncoded();
      this.metrics.ingesterChunkSizeBytes.observe(data.length);
      this.metrics.ingesterChunkStoredBytes.inc({ tenant: item.tenant }, data.length);
      this.metrics.ingesterChunkUtilization.observe(Math.min(1, data.length / item.chunk.targetSize));
      let refs = refsByTenant.get(item.tenant);
      if (!refs) refsByTenant.set(item.tenant, (refs = []));
      refs.push(ref);
    }
  }
}
