import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyTable, hashBytes } from './key-table.js';

describe('KeyTable', () => {
  it('finds every key added, across growth, and nothing else', () => {
    const t = new KeyTable();
    const keys = Array.from({ length: 3000 }, (_v, i) => Buffer.from(`k${i.toString(36)}${'x'.repeat(i % 40)}`));
    keys.forEach((k, i) => {
      const h = hashBytes(k, 0, k.length);
      assert.equal(t.get(k, 0, k.length, h, -2), -2);
      t.add(k, 0, k.length, h, i);
    });
    assert.equal(t.size, keys.length);
    keys.forEach((k, i) => assert.equal(t.get(k, 0, k.length, hashBytes(k, 0, k.length), -2), i));
    const absent = Buffer.from('nope');
    assert.equal(t.get(absent, 0, 4, hashBytes(absent, 0, 4), -2), -2);
  });

  it('compares bytes, not only hashes and lengths', () => {
    const t = new KeyTable();
    const line = Buffer.from('abcd abce abc');
    t.add(line, 0, 4, 7, 1);
    t.add(line, 5, 9, 7, 2);
    assert.equal(t.get(line, 0, 4, 7, -2), 1);
    assert.equal(t.get(line, 5, 9, 7, -2), 2);
    assert.equal(t.get(line, 10, 13, 7, -2), -2);
    assert.equal(t.get(Buffer.from('abcf'), 0, 4, 7, -2), -2);
  });

  it('holds the empty key', () => {
    const t = new KeyTable();
    const e = Buffer.alloc(0);
    t.add(e, 0, 0, hashBytes(e, 0, 0), 5);
    assert.equal(t.get(Buffer.from('x'), 0, 0, hashBytes(e, 0, 0), -2), 5);
  });
});
