import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader, ByteWriter } from './bytes.js';
import { CorruptChunkError } from './errors.js';

describe('ByteWriter/ByteReader', () => {
  it('round-trips varints up to MAX_SAFE_INTEGER', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat()), (vs) => {
        const w = new ByteWriter(4);
        for (const v of vs) w.uvarint(v);
        const r = new ByteReader(w.finish(), CorruptChunkError);
        for (const v of vs) assert.equal(r.uvarint(), v);
        assert.equal(r.remaining, 0);
      }),
    );
  });

  it('round-trips fixed-width fields and strings', () => {
    const w = new ByteWriter(4);
    w.u8(7);
    w.u16(65535);
    w.u32(0xdeadbeef);
    w.u64(2 ** 53 - 1);
    w.i64(-(1n << 63n));
    w.bigU64((1n << 64n) - 1n);
    w.string('héllo');
    const r = new ByteReader(w.finish(), CorruptChunkError);
    assert.equal(r.u8(), 7);
    assert.equal(r.u16(), 65535);
    assert.equal(r.u32(), 0xdeadbeef);
    assert.equal(r.u64(), 2 ** 53 - 1);
    assert.equal(r.i64(), -(1n << 63n));
    assert.equal(r.bigU64(), (1n << 64n) - 1n);
    assert.equal(r.string(), 'héllo');
  });

  it('throws the given error type on truncation', () => {
    const w = new ByteWriter();
    w.uvarint(300);
    const buf = w.finish();
    assert.throws(() => new ByteReader(buf.subarray(0, 1), CorruptChunkError).uvarint(), CorruptChunkError);
    assert.throws(() => new ByteReader(buf, CorruptChunkError).u32(), CorruptChunkError);
    assert.throws(() => new ByteReader(Buffer.alloc(9, 0xff), CorruptChunkError).uvarint(), CorruptChunkError);
  });
});
