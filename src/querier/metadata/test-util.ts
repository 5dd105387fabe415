import { chunkRefFor, IndexStore } from '../../index/index.js';
import type { Stream, StreamSettings } from '../../ingester/stream.js';
import { TenantStreams } from '../../ingester/tenant.js';
import { EMPTY_LABELS, labelsFromRecord, labelsToString, type Labels } from '../../model/labels.js';
import type { LabelMatcher } from '../../model/matcher.js';
import { MemoryObjectStore } from '../../storage/memory.js';
import type { MetadataIngester, MetadataSources } from './sources.js';

const SETTINGS: StreamSettings = {
  encoding: 'none', blockSize: 256 * 1024, targetSize: 1536 * 1024, maxChunkAgeMs: 2 * 3_600_000,
  unorderedWrites: true, perStreamRateLimit: 1e12, perStreamRateBurst: 1e12,
};

export const S = 1_000_000_000n;

/** In-memory streams per tenant, shaped like the ingester's read side. */
export class FakeIngester implements MetadataIngester {
  private readonly tenants = new Map<string, TenantStreams>();
  private nextId = 1;

  stream(tenant: string, labels: Record<string, string>): Stream {
    let t = this.tenants.get(tenant);
    if (!t) this.tenants.set(tenant, (t = new TenantStreams(tenant)));
    const ls = labelsFromRecord(labels);
    const key = labelsToString(ls);
    return t.get(key) ?? t.create(this.nextId++, ls, key, SETTINGS, 0);
  }

  /** Appends entries `[ts, line]` to a stream (created on first use). */
  push(tenant: string, labels: Record<string, string>, entries: readonly (readonly [bigint, string])[], metadata: Labels = EMPTY_LABELS): Stream {
    const s = this.stream(tenant, labels);
    s.push(entries.map(([ts, line]) => ({ ts, line: Buffer.from(line), metadata })), 0);
    return s;
  }

  select(tenant: string, matchers: readonly LabelMatcher[]): Stream[] {
    return this.tenants.get(tenant)?.select(matchers) ?? [];
  }

  labelNames(tenant: string): string[] {
    return this.tenants.get(tenant)?.labelNames() ?? [];
  }

  labelValues(tenant: string, name: string): string[] {
    return this.tenants.get(tenant)?.labelValues(name) ?? [];
  }

  /** Closes and "flushes" every stream's chunks into the index, then forgets the streams, like a flush with no retention. */
  async flushTo(index: IndexStore): Promise<void> {
    for (const [tenant, t] of this.tenants) {
      const refs = [];
      for (const s of [...t.streams.values()]) {
        s.closeHead('forced', 0);
        for (const c of s.closed) refs.push(chunkRefFor(tenant, c.chunk, c.chunk.encode()));
        t.remove(s);
      }
      if (refs.length > 0) await index.writeIndex(tenant, refs);
    }
  }
}

export function fakeSources(): { src: MetadataSources; ingester: FakeIngester; index: IndexStore } {
  const ingester = new FakeIngester();
  const index = new IndexStore(new MemoryObjectStore());
  return { src: { ingester, index }, ingester, index };
}
