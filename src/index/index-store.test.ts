import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord, type Labels } from '../model/labels.js';
import { LabelMatcher, type MatchType } from '../model/matcher.js';
import { labelsFingerprint } from '../chunk/fingerprint.js';
import { MemChunk } from '../chunk/mem-chunk.js';
import { MemoryObjectStore } from '../storage/memory.js';
import type { ObjectInfo } from '../storage/object-store.js';
import type { ChunkRef } from './chunk-ref.js';
import { chunkRefFor } from './chunk-ref-for.js';
import { IndexStore, overlapShare } from './index-store.js';
import { chunkKey } from './keys.js';

const DAY = 86_400_000_000_000n;
const D0 = 19_700n * DAY;
const L = labelsFromRecord;
const m = (name: string, type: MatchType, value: string) => new LabelMatcher(name, type, value);

function ref(labels: Labels, from: bigint, through: bigint, entries = 100, rawSize = 10_000): ChunkRef {
  const fingerprint = labelsFingerprint(labels);
  return { labels, fingerprint, from, through, key: chunkKey('t', fingerprint, from, through, entries), offset: 0, compressedSize: rawSize / 10, rawSize, entries };
}

const api = L({ app: 'api', env: 'prod' });
const web = L({ app: 'web', env: 'dev' });
const db = L({ app: 'db' });

describe('IndexStore', () => {
  it('splits refs by 24h table and reads them back across tables, unique by key', async () => {
    const os = new MemoryObjectStore();
    const idx = new IndexStore(os);
    const spanning = ref(api, D0 + DAY - 10n, D0 + DAY + 10n);
    const keys = await idx.writeIndex('t', [ref(api, D0 + 1n, D0 + 2n), spanning, ref(web, D0 + DAY + 5n, D0 + DAY + 6n)], 'flush-1');
    assert.deepEqual(keys, ['index/index_19700/t/flush-1.idx', 'index/index_19701/t/flush-1.idx']);
    const all = await idx.chunkRefs('t', D0, D0 + 2n * DAY, [m('app', '=~', '.+')]);
    assert.equal(all.length, 3);
    assert.equal(all.filter((r) => r.key === spanning.key).length, 1);
    assert.deepEqual((await idx.chunkRefs('t', D0 + DAY, D0 + DAY, [m('app', '=', 'api')])).map((r) => r.key), [spanning.key]);
    assert.deepEqual(await idx.chunkRefs('t', D0 + 3n, D0 + DAY - 11n, [m('app', '=', 'api')]), []);
  });

  it('sees files flushed after earlier queries, and caches decoded files', async () => {
    const idx = new IndexStore(new MemoryObjectStore());
    await idx.writeIndex('t', [ref(api, D0 + 1n, D0 + 2n)]);
    assert.equal((await idx.series('t', D0, D0 + DAY)).length, 1);
    await idx.writeIndex('t', [ref(web, D0 + 3n, D0 + 4n)]);
    assert.deepEqual(await idx.series('t', D0, D0 + DAY), [api, web]);
    const s = idx.cacheStats();
    assert.equal(s.files, 2);
    assert.ok(s.hits >= 1);
    assert.equal(s.misses, 2);
  });

  it('answers series, label names and values with matchers and time ranges', async () => {
    const idx = new IndexStore(new MemoryObjectStore());
    await idx.writeIndex('t', [ref(api, D0 + 10n, D0 + 20n), ref(web, D0 + 30n, D0 + 40n), ref(db, D0 + 50n, D0 + 60n)]);
    assert.deepEqual(await idx.series('t', D0, D0 + DAY, [[m('app', '=', 'api')], [m('env', '=', 'dev')]]), [api, web]);
    assert.deepEqual(await idx.series('t', D0 + 25n, D0 + 45n), [web]);
    assert.deepEqual(await idx.labelNames('t', D0, D0 + DAY), ['app', 'env']);
    assert.deepEqual(await idx.labelNames('t', D0 + 50n, D0 + 55n), ['app']);
    assert.deepEqual(await idx.labelNames('t', D0, D0 + DAY, [m('env', '=', '')]), ['app']);
    assert.deepEqual(await idx.labelValues('t', 'app', D0, D0 + DAY), ['api', 'db', 'web']);
    assert.deepEqual(await idx.labelValues('t', 'app', D0, D0 + DAY, [m('env', '!=', 'prod')]), ['db', 'web']);
    assert.deepEqual(await idx.labelValues('t', 'env', D0 + 100n, D0 + DAY), []);
  });

  it('keeps tenants apart', async () => {
    const idx = new IndexStore(new MemoryObjectStore());
    await idx.writeIndex('a', [ref(api, D0, D0)]);
    await idx.writeIndex('b', [ref(web, D0, D0)]);
    assert.deepEqual(await idx.series('a', D0, D0), [api]);
    assert.deepEqual(await idx.series('b', D0, D0), [web]);
    assert.deepEqual(await idx.series('c', D0, D0), []);
  });

  it('computes stats, prorating chunks that partly overlap the range', async () => {
    const idx = new IndexStore(new MemoryObjectStore());
    await idx.writeIndex('t', [ref(api, D0, D0 + 100n, 100, 1000), ref(api, D0 + 200n, D0 + 300n, 50, 500), ref(web, D0, D0 + 300n, 30, 300)]);
    assert.deepEqual(await idx.stats('t', D0, D0 + DAY, [m('app', '=~', '.+')]), { streams: 2, chunks: 3, bytes: 1800, entries: 180 });
    assert.deepEqual(await idx.stats('t', D0 + 250n, D0 + DAY, [m('app', '=', 'api')]), { streams: 1, chunks: 1, bytes: 250, entries: 25 });
    assert.deepEqual(await idx.stats('t', D0 + 101n, D0 + 199n, [m('app', '=', 'api')]), { streams: 0, chunks: 0, bytes: 0, entries: 0 });
    assert.equal(overlapShare(0n, 0n, 0n, 10n), 1);
    assert.equal(overlapShare(0n, 100n, 50n, 200n), 0.5);
  });

  it('lists wide ranges with one listing per prefix', async () => {
    const os = new MemoryObjectStore();
    let lists = 0;
    const counting = Object.assign(Object.create(os) as MemoryObjectStore, {
      list: (p: string): Promise<ObjectInfo[]> => {
        lists++;
        return os.list(p);
      },
    });
    const idx = new IndexStore(counting, { maxTablesListedSeparately: 3 });
    await idx.writeIndex('t', [ref(api, D0, D0), ref(api, D0 + 9n * DAY, D0 + 9n * DAY)]);
    await idx.writeIndex('u', [ref(web, D0, D0)]);
    lists = 0;
    assert.equal((await idx.chunkRefs('t', D0 - 30n * DAY, D0 + 30n * DAY, [])).length, 2);
    assert.equal(lists, 1);
    assert.equal((await idx.chunkRefs('t', D0 + DAY, D0 + 30n * DAY, [])).length, 1);
  });

  it('skips index files deleted between listing and fetching', async () => {
    const os = new MemoryObjectStore();
    const idx = new IndexStore(
      Object.assign(Object.create(os) as MemoryObjectStore, {
        list: async (p: string): Promise<ObjectInfo[]> => [...(await os.list(p)), { key: `${p}gone.idx`, size: 1, mtimeMs: 1 }],
      }),
    );
    await idx.writeIndex('t', [ref(api, D0, D0)]);
    assert.equal((await idx.series('t', D0, D0)).length, 1);
  });

  it('indexes a flushed MemChunk through chunkRefFor', async () => {
    const c = new MemChunk({ encoding: 'snappy', labels: api });
    c.append(D0 + 5n, Buffer.from('hello'));
    c.append(D0 + 7n, Buffer.from('world!'));
    const buf = c.encode();
    const r = chunkRefFor('t', c, buf);
    assert.match(r.key, /^t\/chunks\/[0-9a-f]+\/[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/);
    assert.deepEqual({ from: r.from, through: r.through, entries: r.entries, rawSize: r.rawSize, compressedSize: r.compressedSize }, { from: D0 + 5n, through: D0 + 7n, entries: 2, rawSize: 11, compressedSize: buf.length });
    const idx = new IndexStore(new MemoryObjectStore());
    await idx.writeIndex('t', [r]);
    assert.deepEqual(await idx.chunkRefs('t', D0, D0 + 10n, [m('app', '=', 'api')]), [r]);
  });
});
