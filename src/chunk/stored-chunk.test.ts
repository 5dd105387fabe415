import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decompressBlock } from './block.js';
import { checksum } from './checksum.js';
import { CHUNK_VERSION, chunkHeaderLength, decodeChunkHeader, encodeChunk } from './chunk-format.js';
import { getCodec } from './codec.js';
import { CorruptChunkError } from './errors.js';
import { MemChunk } from './mem-chunk.js';
import { decodeChunk } from './stored-chunk.js';
import { expected, flatten, type FlatEntry } from './test-util.js';

const ALL = [-(1n << 63n), (1n << 63n) - 1n] as const;
const T0 = 1_700_000_000_000_000_000n;

const entryArb: fc.Arbitrary<FlatEntry> = fc.record({
  ts: fc.integer({ min: 0, max: 50 }).map((n) => T0 + BigInt(n) * 1_000_000n),
  line: fc.oneof(fc.constantFrom('a', 'b', 'level=info msg=hello', ''), fc.string({ maxLength: 40 })),
  md: fc.oneof(
    fc.constant([]),
    fc.constantFrom([{ name: 'trace_id', value: 'abc' }], [{ name: 'a', value: '1' }, { name: 'b', value: 'ü' }]),
  ),
}).map((e) => ({ ts: e.ts, line: e.line, md: e.md.map((l) => ({ name: l.name, value: l.value })) }));

function build(entries: FlatEntry[], blockSize: number, encoding: 'none' | 'snappy' | 'zstd' = 'snappy'): MemChunk {
  const c = new MemChunk({ encoding, blockSize, labels: [{ name: 'job', value: 'x' }] });
  for (const e of entries) c.append(e.ts, Buffer.from(e.line), e.md);
  return c;
}

describe('StoredChunk', () => {
  it('decode(encode(x)) reads what was appended: deduped, stable-sorted, any range', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 120 }),
        fc.integer({ min: 16, max: 400 }),
        fc.integer({ min: -2, max: 52 }),
        fc.integer({ min: 0, max: 30 }),
        (entries, blockSize, a, len) => {
          const c = build(entries, blockSize);
          const from = T0 + BigInt(a) * 1_000_000n;
          const through = from + BigInt(len) * 1_000_000n;
          const want = expected(entries);
          const wantRange = expected(entries, from, through);
          assert.deepEqual(flatten(c.batches(...ALL)), want);
          assert.deepEqual(flatten(c.batches(from, through)), wantRange);
          const s = decodeChunk(c.encode());
          assert.deepEqual(flatten(c.batches(...ALL)), want, 'closed MemChunk');
          assert.deepEqual(flatten(s.batches(...ALL)), want);
          assert.deepEqual(flatten(s.batches(from, through)), wantRange);
          assert.equal(s.countInRange(from, through), wantRange.length);
          assert.equal(s.entryCount, want.length);
          if (want.length > 0) {
            assert.equal(s.minTs, want[0].ts);
            assert.equal(s.maxTs, want[want.length - 1].ts);
          }
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });

  it('exposes header fields and per-block stats', () => {
    const entries = Array.from({ length: 200 }, (_, i) => ({ ts: T0 + BigInt(i), line: `line number ${i} `.repeat(3), md: [] }));
    const c = build(entries, 1000, 'zstd');
    const buf = c.encode();
    const s = decodeChunk(buf);
    assert.equal(s.encoding, 'zstd');
    assert.equal(s.rawBytes, c.rawBytes);
    assert.equal(s.compressedBytes, c.compressedBytes);
    assert.equal(s.blockCount, c.blockCount);
    const stats = s.blockStats();
    assert.equal(stats.reduce((n, b) => n + b.entries, 0), 200);
    assert.equal(s.header.dataOffset + s.compressedBytes, buf.length);
    // A whole-block range is counted from the table; check against a decode anyway.
    const b = stats[1];
    assert.equal(s.countInRange(b.minTs, b.maxTs + 1n), b.entries);
  });

  it('parses the header from a prefix, for ranged reads', () => {
    const buf = build([{ ts: T0, line: 'x', md: [] }], 100).encode();
    const n = chunkHeaderLength(buf.subarray(0, 12));
    const h = decodeChunkHeader(buf.subarray(0, n));
    assert.equal(h.entries, 1);
    assert.deepEqual(h.labels, [{ name: 'job', value: 'x' }]);
  });

  it('detects corruption of any single byte', () => {
    const entries = Array.from({ length: 60 }, (_, i) => ({ ts: T0 + BigInt(i), line: `entry ${i}`, md: i % 2 ? [{ name: 'k', value: 'v' }] : [] }));
    const buf = build(entries, 200).encode();
    for (let i = 0; i < buf.length; i++) {
      const bad = Buffer.from(buf);
      bad[i] ^= 0x5a;
      assert.throws(() => decodeChunk(bad), CorruptChunkError, `byte ${i}`);
    }
    assert.throws(() => decodeChunk(buf.subarray(0, buf.length - 1)), CorruptChunkError);
    assert.throws(() => decodeChunk(Buffer.concat([buf, Buffer.from([0])])), CorruptChunkError);
    assert.throws(() => decodeChunk(Buffer.from('nope, not a chunk at all')), CorruptChunkError);
  });

  it('verifies block CRCs on first read when asked to be lazy', () => {
    const entries = Array.from({ length: 60 }, (_, i) => ({ ts: T0 + BigInt(i), line: `entry ${i}`, md: [] }));
    const buf = build(entries, 200).encode();
    const bad = Buffer.from(buf);
    bad[bad.length - 3] ^= 0x5a;
    assert.throws(() => decodeChunk(bad), CorruptChunkError);
    const s = decodeChunk(bad, true);
    assert.equal(s.countInRange(...ALL), 60);
    assert.throws(() => [...s.batches(...ALL)], CorruptChunkError);
    assert.deepEqual(flatten(decodeChunk(buf, true).batches(...ALL)), expected(entries));
  });

  it('reads format-1 chunks', () => {
    const entries = Array.from({ length: 90 }, (_, i) => ({ ts: T0 + BigInt(i >> 1), line: `entry ${i}`, md: i % 3 ? [{ name: 'k', value: `v${i % 2}` }] : [] }));
    const v2 = build(entries, 300, 'zstd').encode();
    assert.equal(decodeChunkHeader(v2).version, CHUNK_VERSION);
    const v1 = formatOne(v2);
    const s = decodeChunk(v1);
    assert.equal(s.header.version, 1);
    assert.deepEqual(flatten(s.batches(...ALL)), expected(entries));
    const from = T0 + 10n;
    assert.deepEqual(flatten(s.batches(from, from + 7n)), expected(entries, from, from + 7n));
    v1[4] = 3;
    assert.throws(() => decodeChunk(v1), CorruptChunkError);
  });
});

/** The same chunk in format 1: each block's lines before its metadata, compressed as one frame. */
function formatOne(chunk: Buffer): Buffer {
  const h = decodeChunkHeader(chunk);
  const codec = getCodec(h.encoding);
  const blocks = h.blocks.map((m) => {
    const data = chunk.subarray(h.dataOffset + m.offset, h.dataOffset + m.offset + m.length);
    const parts = decompressBlock(codec, data, m.rawLength, m.linesSize, 2);
    const raw = Buffer.concat([parts.head, parts.lines]);
    // The columns end after 1 + 2 × count varints.
    let colsEnd = 0;
    for (let k = 0; k < 1 + 2 * m.entries; k++) while (raw[colsEnd++] >= 0x80);
    const v1 = Buffer.concat([raw.subarray(0, colsEnd), parts.lines, raw.subarray(colsEnd, raw.length - m.linesSize)]);
    const c = codec.compress(v1);
    return { minTs: m.minTs, maxTs: m.maxTs, entries: m.entries, rawLength: v1.length, linesSize: m.linesSize, crc: checksum(c), data: c };
  });
  const out = encodeChunk({ encoding: h.encoding, fingerprint: h.fingerprint, labels: h.labels, blocks });
  out[4] = 1;
  out.writeUInt32LE(checksum(out.subarray(0, h.dataOffset - 4)), h.dataOffset - 4);
  return out;
}
