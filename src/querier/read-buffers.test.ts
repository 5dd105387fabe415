import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBufferPool } from './read-buffers.js';

describe('ReadBufferPool', () => {
  it('hands out power-of-two buffers and reuses the ones given back', () => {
    const pool = new ReadBufferPool(1 << 20);
    const a = pool.take(100_000);
    assert.equal(a.length, 128 * 1024);
    assert.ok(a.buffer instanceof SharedArrayBuffer, 'scan workers read it in place');
    assert.equal(pool.take(10).length, 64 * 1024);
    pool.give(a);
    assert.equal(pool.idleBytes, 128 * 1024);
    assert.equal(pool.take(70_000), a, 'a buffer of the same size class comes back');
    assert.equal(pool.idleBytes, 0);
    assert.notEqual(pool.take(100_000), a);
  });

  it('keeps at most maxFreeBytes for reuse and ignores buffers of other sizes', () => {
    const pool = new ReadBufferPool(150 * 1024);
    const a = pool.take(1);
    const b = pool.take(1);
    const c = pool.take(1);
    pool.give(a);
    pool.give(b);
    pool.give(c);
    assert.equal(pool.idleBytes, 128 * 1024);
    pool.give(Buffer.alloc(1000));
    assert.equal(pool.idleBytes, 128 * 1024);
  });

  it('poisons buffers given back when asked, so late readers see garbage', () => {
    const pool = new ReadBufferPool(1 << 20, true);
    const a = pool.take(10);
    a.fill(1);
    const view = a.subarray(0, 10);
    pool.give(a);
    assert.ok(view.every((x) => x === 0xdb));
  });
});
