import { randomBytes } from 'node:crypto';
import { ByteWriter } from '../chunk/bytes.js';
import { chunkRefAt, packKey, type ChunkRef, type IndexStore } from '../index/index.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ObjectStore } from '../storage/index.js';
import type { ChunkFlusher, FlushItem } from './ingester.js';

/**
 * A pack is closed once it holds this many bytes. Packs keep the object count low (a memory
 * flush of 1,000 streams writes a few objects instead of a thousand small files: file creation
 * was a sixth of ingest CPU) while each stays small enough to read back in ranges and to write
 * without holding the disk long (other tenants' WAL syncs wait behind it).
 */
export const PACK_TARGET_BYTES = 4 << 20;

interface Pack {
  readonly key: string;
  /** A view of the pack writer's buffer: valid until the next pack is encoded. */
  readonly data: Buffer;
  /** The refs of the pack's chunks, in the order of the items they came from. */
  readonly refs: ChunkRef[];
}

/**
 * Flushes closed chunks: encodes them into packs (one tenant's chunks back to back, see
 * docs/formats.md), writes each pack to the object store, then one index file per tenant and
 * period for the tenant's whole batch. A chunk is only reported flushed once its index entry is
 * stored, so a crash in between leaves it in the WAL to be flushed again.
 */
export class StoreFlusher implements ChunkFlusher {
  constructor(
    private readonly objects: ObjectStore,
    private readonly index: IndexStore,
    private readonly metrics: Metrics,
    private readonly packTargetBytes = PACK_TARGET_BYTES,
  ) {}

  /**
   * Chunks are encoded straight into this buffer, reused pack after pack (put does not keep it):
   * no per-chunk or per-pack allocation, which V8 would count towards its next full collection.
   */
  private writer: ByteWriter | undefined;

  async flush(items: readonly FlushItem[], stored?: (items: readonly FlushItem[]) => void): Promise<void> {
    const byTenant = new Map<string, FlushItem[]>();
    for (const it of items) {
      let list = byTenant.get(it.tenant);
      if (!list) byTenant.set(it.tenant, (list = []));
      list.push(it);
    }
    // Sweeps do not overlap, but a second concurrent flush must not share the writer.
    const writer = this.writer ?? new ByteWriter(this.packTargetBytes + (this.packTargetBytes >> 2));
    this.writer = undefined;
    try {
      for (const [tenant, list] of byTenant) await this.flushTenant(tenant, list, writer, stored);
    } finally {
      this.writer = writer;
    }
  }

  /**
   * Stores one tenant's chunks and index, then reports them stored: a failure later in the flush
   * (another tenant's) does not make the ingester flush them again, into new packs, as duplicates.
   */
  private async flushTenant(tenant: string, list: readonly FlushItem[], writer: ByteWriter, stored?: (items: readonly FlushItem[]) => void): Promise<void> {
    const refs: ChunkRef[] = [];
    for (let i = 0; i < list.length;) {
      const pack = this.encodePack(tenant, list, i, writer);
      // One pack at a time: the next is encoded once this one is stored, so a flush never
      // queues more than one pack's writes in front of the WAL's.
      await this.objects.put(pack.key, pack.data);
      this.metrics.ingesterChunkStoredBytes.inc({ tenant }, pack.data.length);
      refs.push(...pack.refs);
      i += pack.refs.length;
    }
    await this.index.writeIndex(tenant, refs);
    stored?.(list);
  }

  /** Encodes items[start..] into `w` as one pack of at least one chunk and at most ~packTargetBytes. */
  private encodePack(tenant: string, items: readonly FlushItem[], start: number, w: ByteWriter): Pack {
    w.reset();
    // Where each chunk starts; the last entry is where the pack ends.
    const offsets = [0];
    let from = 0n;
    let through = 0n;
    let end = start;
    while (end < items.length && (end === start || w.length < this.packTargetBytes)) {
      const { chunk } = items[end];
      const length = chunk.encodeInto(w);
      offsets.push(w.length);
      if (end === start || chunk.minTs < from) from = chunk.minTs;
      if (end === start || chunk.maxTs > through) through = chunk.maxTs;
      this.metrics.ingesterChunkSizeBytes.observe(length);
      this.metrics.ingesterChunkUtilization.observe(Math.min(1, length / chunk.targetSize));
      end++;
    }
    // Random, not a checksum of the bytes: a pack is never written twice with the same content.
    const key = packKey(tenant, from, through, randomBytes(4).readUInt32LE(0));
    const refs = items.slice(start, end).map((it, j) => chunkRefAt(it.chunk, key, offsets[j], offsets[j + 1] - offsets[j]));
    return { key, data: w.finish(), refs };
  }
}
