import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { InvalidObjectKeyError, ObjectNotFoundError } from './errors.js';
import type { ObjectStore } from './object-store.js';

export interface ConformanceFixture {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every ObjectStore backend must share. Each test uses its own key prefix, so a
 * backend may reuse one store (and one bucket) for the whole suite.
 */
export function runObjectStoreConformance(name: string, makeStore: () => Promise<ConformanceFixture>): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let fx: ConformanceFixture;
    let store: ObjectStore;
    let n = 0;
    const prefix = (): string => `conf-${process.pid}-${++n}/`;

    before(async () => {
      fx = await makeStore();
      store = fx.store;
    });
    after(async () => {
      await fx.cleanup();
    });

    it('puts and gets bytes, binary and empty', async () => {
      const p = prefix();
      const bin = randomBytes(70_000);
      await store.put(p + 'bin', bin);
      await store.put(p + 'empty', Buffer.alloc(0));
      assert.deepEqual(await store.get(p + 'bin'), bin);
      assert.equal((await store.get(p + 'empty')).length, 0);
    });

    it('overwrites a key with new bytes', async () => {
      const p = prefix();
      await store.put(p + 'k', Buffer.from('first version, longer'));
      await store.put(p + 'k', Buffer.from('second'));
      assert.equal((await store.get(p + 'k')).toString(), 'second');
    });

    it('throws ObjectNotFoundError for a missing key, from get and getRange', async () => {
      const p = prefix();
      await assert.rejects(store.get(p + 'missing'), (err: unknown) => err instanceof ObjectNotFoundError && err.key === p + 'missing');
      await assert.rejects(store.getRange(p + 'missing', 0, 10), ObjectNotFoundError);
      await store.put(p + 'dir/file', Buffer.from('x'));
      await assert.rejects(store.get(p + 'dir'), ObjectNotFoundError);
    });

    it('reads byte ranges, short at the end and empty past it', async () => {
      const p = prefix();
      const data = Buffer.from('0123456789');
      await store.put(p + 'r', data);
      assert.equal((await store.getRange(p + 'r', 0, 4)).toString(), '0123');
      assert.equal((await store.getRange(p + 'r', 3, 4)).toString(), '3456');
      assert.equal((await store.getRange(p + 'r', 8, 100)).toString(), '89');
      assert.equal((await store.getRange(p + 'r', 0, 0)).length, 0);
      assert.equal((await store.getRange(p + 'r', 10, 5)).length, 0);
      assert.equal((await store.getRange(p + 'r', 50, 5)).length, 0);
      await assert.rejects(store.getRange(p + 'r', -1, 5), RangeError);
    });

    it('reads a byte range into a given buffer and returns a view of it', async () => {
      const p = prefix();
      await store.put(p + 'r', Buffer.from('0123456789'));
      const into = Buffer.alloc(8, '.');
      const got = await store.getRange(p + 'r', 3, 4, into);
      assert.equal(got.toString(), '3456');
      assert.equal(got.buffer, into.buffer);
      assert.equal(into.toString(), '3456....');
      assert.equal((await store.getRange(p + 'r', 8, 5, Buffer.alloc(5))).toString(), '89');
      // Larger than what the filesystem reads synchronously: the other path.
      const big = Buffer.alloc(3 << 20, 7);
      await store.put(p + 'big', big);
      const intoBig = Buffer.alloc(3 << 20);
      const gotBig = await store.getRange(p + 'big', 1, (3 << 20) - 1, intoBig);
      assert.equal(gotBig.buffer, intoBig.buffer);
      assert.ok(gotBig.equals(big.subarray(1)));
      await assert.rejects(store.getRange(p + 'r', 0, 9, Buffer.alloc(4)), RangeError);
    });

    it('deletes idempotently', async () => {
      const p = prefix();
      await store.put(p + 'a/b/c', Buffer.from('x'));
      await store.delete(p + 'a/b/c');
      await assert.rejects(store.get(p + 'a/b/c'), ObjectNotFoundError);
      await store.delete(p + 'a/b/c');
      await store.delete(p + 'never-existed');
      assert.deepEqual(await store.list(p), []);
      await store.put(p + 'a/b/c', Buffer.from('again'));
      assert.equal((await store.get(p + 'a/b/c')).toString(), 'again');
    });

    it('lists by plain string prefix, recursively, sorted, with sizes', async () => {
      const p = prefix();
      const keys = ['b/2', 'a', 'b/1', 'b/10/x', 'ba', 'c/d/e/f', 'bz/q'];
      for (const k of keys) await store.put(p + k, Buffer.from(k));
      const all = await store.list(p);
      assert.deepEqual(all.map((o) => o.key), ['a', 'b/1', 'b/10/x', 'b/2', 'ba', 'bz/q', 'c/d/e/f'].map((k) => p + k));
      for (const o of all) {
        assert.equal(o.size, o.key.length - p.length);
        assert.ok(o.mtimeMs > 0 && Number.isFinite(o.mtimeMs));
      }
      assert.deepEqual((await store.list(p + 'b/')).map((o) => o.key.slice(p.length)), ['b/1', 'b/10/x', 'b/2']);
      assert.deepEqual((await store.list(p + 'b/1')).map((o) => o.key.slice(p.length)), ['b/1', 'b/10/x']);
      assert.deepEqual((await store.list(p + 'b')).map((o) => o.key.slice(p.length)), ['b/1', 'b/10/x', 'b/2', 'ba', 'bz/q']);
      assert.deepEqual((await store.list(p + 'c/d/e/f')).map((o) => o.key.slice(p.length)), ['c/d/e/f']);
      assert.deepEqual(await store.list(p + 'nothing/'), []);
      assert.deepEqual(await store.list(p + 'zzz'), []);
    });

    it('accepts the key shapes Skald uses', async () => {
      const p = prefix();
      const keys = ['fake/chunks/9f86d081884c7d65/17a2b3c4d5e6f708-17a2b3c4d5e6f709-1a2b3c4d', 'index/index_19700/tenant-1/1700000000000-ab12.idx', 'name with spaces_and.dots-und:colon=ü'];
      for (const k of keys) {
        await store.put(p + k, Buffer.from(k));
        assert.equal((await store.get(p + k)).toString(), k);
      }
      assert.equal((await store.list(p)).length, keys.length);
    });

    it('rejects keys that could escape or are ambiguous', async () => {
      for (const k of ['', '/abs', 'a//b', 'a/', '../x', 'a/../../x', 'a/./b', '.', 'nul\u0000', 'back\\slash']) {
        await assert.rejects(store.put(k, Buffer.from('x')), InvalidObjectKeyError, JSON.stringify(k));
        await assert.rejects(store.get(k), InvalidObjectKeyError, JSON.stringify(k));
      }
      assert.deepEqual(await store.list('../'), []);
    });

    it('keeps concurrent puts to one key atomic: the result is one whole value', async () => {
      const p = prefix();
      const values = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000 + i, i + 1));
      await Promise.all(values.map((v) => store.put(p + 'race', v)));
      const got = await store.get(p + 'race');
      assert.ok(values.some((v) => v.equals(got)), 'a whole value');
      assert.deepEqual((await store.list(p)).map((o) => o.key), [p + 'race']);
    });

    it('serves concurrent readers during overwrites without partial objects', async () => {
      const p = prefix();
      const a = Buffer.alloc(300_000, 0x61);
      const b = Buffer.alloc(300_000, 0x62);
      await store.put(p + 'k', a);
      const reads: Promise<Buffer>[] = [];
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 6; i++) {
        writes.push(store.put(p + 'k', i % 2 ? a : b));
        reads.push(store.get(p + 'k'));
      }
      await Promise.all(writes);
      for (const r of await Promise.all(reads)) assert.ok(r.equals(a) || r.equals(b));
    });

    it('does not share buffers with callers', async () => {
      const p = prefix();
      const data = Buffer.from('original');
      await store.put(p + 'k', data);
      data.write('CHANGED!');
      const got = await store.get(p + 'k');
      assert.equal(got.toString(), 'original');
      got.write('mutated!');
      assert.equal((await store.get(p + 'k')).toString(), 'original');
    });
  });
}
