import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../config/index.js';
import { IndexStore, chunkId } from '../index/index.js';
import { columnsOf } from '../model/entry.js';
import { labelsToString } from '../model/labels.js';
import { LabelMatcher } from '../model/matcher.js';
import { Metrics } from '../metrics/metrics.js';
import { StoreReader } from '../querier/store-reader.js';
import { MemoryObjectStore } from '../storage/memory.js';
import { Logger } from '../util/logger.js';
import { StoreFlusher } from './flush.js';
import { Ingester, type ChunkFlusher } from './ingester.js';
import { hexNoise, UNLIMITED } from './test-util.js';

const T0 = 1_700_000_000_000_000_000n;

/** Pushes 200 entries into each of 5 streams of tenants alpha and beta, flushes all, returns what was pushed. */
async function pushAndFlush(t: { after(fn: () => Promise<void>): void }, objects: MemoryObjectStore, packTargetBytes: number): Promise<{ index: IndexStore; pushed: Map<string, string[]> }> {
  const dir = await mkdtemp(join(tmpdir(), 'skald-flush-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = defaultConfig().ingester;
  // Small chunks, so every stream flushes several and packs hold many.
  const cfg = { ...base, chunk_encoding: 'snappy' as const, chunk_target_size: 1024, chunk_block_size: 512, wal: { ...base.wal, enabled: false, dir: join(dir, 'wal') } };
  const index = new IndexStore(objects);
  const ing = new Ingester(cfg, () => UNLIMITED, new StoreFlusher(objects, index, new Metrics(), packTargetBytes), new Metrics(), new Logger());
  await ing.start();
  t.after(() => ing.stop(false));
  const pushed = new Map<string, string[]>();
  for (const tenant of ['alpha', 'beta']) {
    for (let s = 0; s < 5; s++) {
      const labels = [{ name: 'app', value: `app-${s}` }];
      const entries = Array.from({ length: 200 }, (_, i) => ({ ts: T0 + BigInt(i) * 1000n, line: Buffer.from(`${tenant} ${s} line ${i} ${hexNoise(i * 7 + s, 32)}`), metadata: [] }));
      const res = await ing.push(tenant, [{ labels, key: labelsToString(labels), entries: columnsOf(entries) }]);
      assert.deepEqual(res.errors, []);
      pushed.set(`${tenant} app-${s}`, entries.map((e) => `${e.ts} ${e.line.toString()}`));
    }
  }
  await ing.flushAll();
  return { index, pushed };
}

test('a flush writes its chunks as packs, and every chunk reads back from its pack', async (t) => {
  const objects = new MemoryObjectStore();
  const { index, pushed } = await pushAndFlush(t, objects, 4096);
  const stored = await objects.list('');
  const packs = stored.filter((o) => o.key.includes('/packs/'));
  assert.deepEqual(stored.filter((o) => !o.key.startsWith('index/') && !o.key.includes('/packs/')), [], 'no chunk stored alone');
  for (const tenant of ['alpha', 'beta']) {
    const refs = await index.chunkRefs(tenant, T0, T0 + 10n ** 12n, [new LabelMatcher('app', '=~', '.+')]);
    const tenantPacks = packs.filter((p) => p.key.startsWith(`${tenant}/packs/`));
    assert.ok(refs.length > 10, `${tenant}: ${refs.length} chunks`);
    assert.ok(tenantPacks.length > 1 && tenantPacks.length < refs.length, `${tenant}: ${tenantPacks.length} packs for ${refs.length} chunks`);
    assert.equal(new Set(refs.map((r) => chunkId(r.key, r.offset))).size, refs.length, 'chunks are unique by key and offset');
    // Each pack is its chunks back to back, nothing else.
    for (const p of tenantPacks) {
      const inPack = refs.filter((r) => r.key === p.key).sort((a, b) => a.offset - b.offset);
      let at = 0;
      for (const r of inPack) {
        assert.equal(r.offset, at);
        at += r.compressedSize;
      }
      assert.equal(at, p.size);
    }
    const reader = new StoreReader(index, objects);
    for (const series of await reader.series(tenant, T0, T0 + 10n ** 12n, [new LabelMatcher('app', '=~', '.+')])) {
      const got: string[] = [];
      for (const chunk of series.chunks) {
        for (const b of await chunk.batches(T0, T0 + 10n ** 12n)) {
          for (let i = 0; i < b.count; i++) got.push(`${b.ts[i]} ${b.lines.toString('utf8', b.lineStart[i], b.lineStart[i + 1])}`);
        }
      }
      const app = series.labels.find((l) => l.name === 'app')?.value;
      assert.deepEqual(got, pushed.get(`${tenant} ${app}`));
    }
  }
});

test('a chunk larger than the pack target gets a pack of its own', async (t) => {
  const objects = new MemoryObjectStore();
  const { index } = await pushAndFlush(t, objects, 1);
  const refs = await index.chunkRefs('alpha', T0, T0 + 10n ** 12n, []);
  assert.ok(refs.length > 1);
  assert.ok(refs.every((r) => r.offset === 0));
  assert.equal(new Set(refs.map((r) => r.key)).size, refs.length);
});

test("a pack that cannot be stored fails its tenant's flush before its index is written; tenants indexed before stay flushed", async (t) => {
  const objects = new MemoryObjectStore();
  const failing = Object.assign(Object.create(objects) as MemoryObjectStore, {
    put: async (key: string, data: Buffer) => {
      if (key.startsWith('beta/packs/') && (await objects.list('beta/packs/')).length === 1) throw new Error('disk full');
      return objects.put(key, data);
    },
  });
  await assert.rejects(pushAndFlush(t, failing, 4096), /disk full/);
  const indexed = (await objects.list('index/')).map((o) => o.key.split('/')[2]);
  assert.deepEqual(indexed, ['alpha']);
  assert.equal((await objects.list('beta/packs/')).length, 1, 'the pack written before the failure is left unindexed');
});

test('the ingester flushes again only the chunks of tenants whose flush failed', async () => {
  const calls: string[][] = [];
  const flusher: ChunkFlusher = {
    async flush(items, stored) {
      calls.push(items.map((it) => it.tenant));
      const alpha = items.filter((it) => it.tenant === 'alpha');
      if (alpha.length > 0) stored?.(alpha);
      if (items.some((it) => it.tenant === 'beta') && calls.length === 1) throw new Error('disk full');
    },
  };
  const base = defaultConfig().ingester;
  const dir = await mkdtemp(join(tmpdir(), 'skald-flush-'));
  const ing = new Ingester({ ...base, wal: { ...base.wal, enabled: false, dir } }, () => UNLIMITED, flusher, new Metrics(), new Logger());
  await ing.start();
  try {
    for (const tenant of ['alpha', 'beta']) {
      const labels = [{ name: 'app', value: 'a' }];
      await ing.push(tenant, [{ labels, key: labelsToString(labels), entries: columnsOf([{ ts: T0, line: Buffer.from('x'), metadata: [] }]) }]);
    }
    await assert.rejects(ing.flushAll(), /disk full/);
    await ing.flushAll();
    assert.deepEqual(calls, [['alpha', 'beta'], ['beta']]);
  } finally {
    await ing.stop(false);
    await rm(dir, { recursive: true, force: true });
  }
});
