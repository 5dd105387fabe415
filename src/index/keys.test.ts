import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidTenantError } from './errors.js';
import { chunkKey, indexFileKey, parseChunkKey, validateTenant } from './keys.js';

describe('keys', () => {
  it('builds and parses chunk keys, including negative times and the full u64 fingerprint range', () => {
    const f = (fp: bigint, from: bigint, through: bigint, crc: number) => {
      const k = chunkKey('tenant-1', fp, from, through, crc);
      assert.deepEqual(parseChunkKey(k), { tenant: 'tenant-1', fingerprint: fp, from, through, checksum: crc });
      return k;
    };
    assert.equal(f(0xabcn, 0x10n, 0x20n, 0xdeadbeef), 'tenant-1/chunks/abc/10-20-deadbeef');
    f((1n << 64n) - 1n, -5n, 1_700_000_000_000_000_000n, 0);
    assert.equal(parseChunkKey('index/index_1/t/x.idx'), null);
    assert.equal(parseChunkKey('t/chunks/xyz/1-2-3'), null);
  });

  it('lays out index file keys per table and tenant', () => {
    assert.equal(indexFileKey('index_19700', 'fake', '18c-ab12'), 'index/index_19700/fake/18c-ab12.idx');
    assert.throws(() => indexFileKey('index_1', 'fake', 'a/b'), RangeError);
  });

  it('validates tenant IDs like Loki', () => {
    for (const t of ['fake', 'a.b', "x!-_*'()", 'A1']) validateTenant(t);
    for (const t of ['', '.', '..', 'a/b', 'sp ace', 'x'.repeat(151)]) assert.throws(() => validateTenant(t), InvalidTenantError, t);
  });
});
