import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemChunk } from '../chunk/index.js';
import { IndexStore } from '../index/index.js';
import { Metrics } from '../metrics/metrics.js';
import { LabelMatcher } from '../model/matcher.js';
import { MemoryObjectStore, type PutObject } from '../storage/index.js';
import { StoreFlusher } from './flush.js';
import type { FlushItem } from './ingester.js';
import { Stream, type StreamSettings } from './stream.js';

const SETTINGS: StreamSettings = {
  encoding: 'snappy',
  blockSize: 4096,
  targetSize: 1 << 20,
  maxChunkAgeMs: 3_600_000,
  unorderedWrites: true,
  perStreamRateLimit: 1e12,
  perStreamRateBurst: 1e12,
};

/** Memory of each test chunk without its encoded copy. */
const unencoded = new Map<MemChunk, number>();
const ALL = [new LabelMatcher('app', '=~', '.+')];

/** `n` closed chunks of distinct streams, each with a few entries. */
function items(n: number): FlushItem[] {
  return Array.from({ length: n }, (_, i) => {
    const labels = [{ name: 'app', value: `a${i}` }];
    const stream = new Stream(i + 1, 'fake', labels, `{app="a${i}"}`, SETTINGS);
    const chunk = new MemChunk({ encoding: 'snappy', labels });
    for (let j = 0; j < 20; j++) chunk.append(BigInt(1_700_000_000_000_000_000 + j * 1000), Buffer.from(`stream ${i} line ${j}`));
    chunk.close();
    unencoded.set(chunk, chunk.memoryBytes);
    return { tenant: 'fake', stream, chunk, reason: 'memory' };
  });
}

/** A memory store that logs puts and can fail the n-th putMany. */
class LoggingStore extends MemoryObjectStore {
  readonly log: string[] = [];
  batches = 0;
  constructor(private readonly failBatch = -1) {
    super();
  }
  override async putMany(objects: readonly PutObject[]): Promise<void> {
    if (this.batches++ === this.failBatch) throw new Error('disk full');
    await super.putMany(objects);
    for (const o of objects) this.log.push(`stored ${o.key}`);
  }
  override async put(key: string, data: Buffer): Promise<void> {
    await super.put(key, data);
    if (key.includes('index')) this.log.push(`index ${key}`);
  }
}

test('a flush stores every chunk in batches before the index references any', async () => {
  const store = new LoggingStore();
  const index = new IndexStore(store);
  const flusher = new StoreFlusher(store, index, new Metrics(), 4, 1 << 20);
  const its = items(10);
  await flusher.flush(its);
  assert.equal(store.batches, 3);
  const firstIndex = store.log.findIndex((l) => l.startsWith('index '));
  assert.equal(firstIndex, 10, store.log.join('\n'));
  const refs = await index.chunkRefs('fake', 0n, 2n ** 62n, ALL);
  assert.equal(refs.length, 10);
  for (const r of refs) assert.ok((await store.get(r.key)).length > 0);
  for (const it of its) assert.equal(it.chunk.memoryBytes, unencoded.get(it.chunk), 'encoded copies released');
});

test('a failed batch fails the flush: no index file, so no reference to any chunk of it', async () => {
  const store = new LoggingStore(1);
  const index = new IndexStore(store);
  const flusher = new StoreFlusher(store, index, new Metrics(), 4, 1 << 20);
  const its = items(10);
  await assert.rejects(flusher.flush(its), /disk full/);
  assert.ok(!store.log.some((l) => l.startsWith('index ')));
  assert.deepEqual(await index.chunkRefs('fake', 0n, 2n ** 62n, ALL), []);
  for (const it of its) assert.equal(it.chunk.memoryBytes, unencoded.get(it.chunk), 'encoded copies released');
  // The retry (next sweep) stores and indexes them all.
  await new StoreFlusher(store, index, new Metrics()).flush(its);
  assert.equal((await index.chunkRefs('fake', 0n, 2n ** 62n, ALL)).length, 10);
});
