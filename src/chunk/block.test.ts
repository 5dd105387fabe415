import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Labels } from '../model/labels.js';
import type { EntryBatch } from './batch.js';
import { blockFrames, compressBlock, concatenatesFrames, decodeBlock, decompressBlock, decompressHead, encodeBlock, MAX_BLOCK_SPAN, mergeBlocks, viewBlock, viewColumns } from './block.js';
import { CHUNK_ENCODINGS, getCodec } from './codec.js';
import { CorruptChunkError } from './errors.js';
import { flatten, type FlatEntry } from './test-util.js';

function batchOf(entries: FlatEntry[]): EntryBatch {
  const lines = entries.map((e) => Buffer.from(e.line));
  const lineStart = new Uint32Array(entries.length + 1);
  for (let i = 0; i < lines.length; i++) lineStart[i + 1] = lineStart[i] + lines[i].length;
  const any = entries.some((e) => e.md.length > 0);
  return {
    count: entries.length,
    ts: BigInt64Array.from(entries.map((e) => e.ts)),
    lines: Buffer.concat(lines),
    lineStart,
    metadata: any ? entries.map((e) => e.md) : null,
  };
}

const md = (...kv: string[]): Labels => {
  const out = [];
  for (let i = 0; i < kv.length; i += 2) out.push({ name: kv[i], value: kv[i + 1] });
  return out;
};

describe('mergeBlocks', () => {
  const entriesOf = (n: number, t0: bigint, withMd: boolean): FlatEntry[] =>
    Array.from({ length: n }, (_, i) => ({ ts: t0 + BigInt(i * 3), line: i % 4 === 0 ? '' : `line ${i} of ${t0}`, md: withMd && i % 2 ? md('k', `v${i % 3}`) : [] }));
  for (const enc of ['zstd', 'none'] as const) {
    it(`joins blocks without compressing their lines again (${enc})`, () => {
      const codec = getCodec(enc);
      const partsOf = (groups: FlatEntry[][]) => groups.map((g) => {
        const raw = encodeBlock(batchOf(g));
        const linesSize = g.reduce((n, e) => n + Buffer.byteLength(e.line), 0);
        return { data: compressBlock(codec, raw, linesSize), minTs: g[0].ts, maxTs: g[g.length - 1].ts, rawLength: raw.length, linesSize };
      });
      const merged = (groups: FlatEntry[][]) => {
        const parts = partsOf(groups);
        const m = mergeBlocks(codec, parts);
        const all = groups.flat();
        assert.equal(m.linesSize, parts.reduce((n, p) => n + p.linesSize, 0));
        assert.deepEqual(flatten([decodeBlock(decompressBlock(codec, m.data, m.rawLength, m.linesSize, 2), all[0].ts)]), all);
        return { m, all };
      };
      // One part with metadata (ids unchanged), an all-empty-lines part, equal timestamps across parts.
      const { m, all } = merged([entriesOf(5, 1000n, false), entriesOf(4, 1012n, true), entriesOf(1, 2000n, false).map((e) => ({ ...e, line: '' })), entriesOf(6, 2000n, false)]);
      // The head is the one a block of all entries would have.
      const whole = encodeBlock(batchOf(all));
      assert.equal(m.rawLength, whole.length);
      assert.deepEqual(decompressHead(codec, m.data, m.rawLength, m.linesSize), whole.subarray(0, whole.length - m.linesSize));
      // Several parts with metadata: symbol ids of later parts are shifted.
      merged([entriesOf(3, 10n, true), entriesOf(4, 20n, false), entriesOf(5, 40n, true), entriesOf(2, 90n, true)]);
      assert.throws(() => mergeBlocks(codec, partsOf([entriesOf(3, 100n, false), entriesOf(3, 50n, false)])), RangeError);
    });
  }

  it('holds exactly the entries of its parts (property)', () => {
    const codec = getCodec('zstd');
    const entry = fc.record({
      gap: fc.bigInt({ min: 0n, max: 1000n }),
      line: fc.string({ maxLength: 20 }),
      md: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'trace'), fc.string({ maxLength: 5 })), { maxLength: 2 }),
    });
    fc.assert(fc.property(fc.array(fc.array(entry, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), (groups) => {
      let t = 1_700_000_000_000_000_000n;
      const flat = groups.map((g) => g.map((e) => ({ ts: (t += e.gap), line: e.line, md: e.md.map(([name, value]) => ({ name, value })) })));
      const parts = flat.map((g) => {
        const raw = encodeBlock(batchOf(g));
        const linesSize = g.reduce((n, e) => n + Buffer.byteLength(e.line), 0);
        return { data: compressBlock(codec, raw, linesSize), minTs: g[0].ts, maxTs: g[g.length - 1].ts, rawLength: raw.length, linesSize };
      });
      const m = mergeBlocks(codec, parts);
      const all = flat.flat();
      assert.deepEqual(flatten([decodeBlock(decompressBlock(codec, m.data, m.rawLength, m.linesSize, 2), all[0].ts)]), all);
    }), { numRuns: 200 });
  });

  it('refuses codecs whose frames do not concatenate', () => {
    for (const enc of CHUNK_ENCODINGS) assert.equal(concatenatesFrames(enc), enc === 'zstd' || enc === 'none', enc);
    assert.throws(() => mergeBlocks(getCodec('snappy'), []), TypeError);
  });
});

describe('block', () => {
  it('round-trips entries with and without metadata', () => {
    const entries: FlatEntry[] = [
      { ts: 1_700_000_000_000_000_000n, line: 'a', md: [] },
      { ts: 1_700_000_000_000_000_000n, line: '', md: md('trace_id', 'abc') },
      { ts: 1_700_000_000_000_000_005n, line: 'ccc', md: md('trace_id', 'abc', 'user', 'ü') },
    ];
    const raw = encodeBlock(batchOf(entries));
    assert.deepEqual(flatten([decodeBlock(raw, entries[0].ts)]), entries);
    const plain = entries.map((e) => ({ ...e, md: [] }));
    const b = decodeBlock(encodeBlock(batchOf(plain)), plain[0].ts);
    assert.equal(b.metadata, null);
    assert.deepEqual(flatten([b]), plain);
  });

  it('decodes a time range (from inclusive, through exclusive)', () => {
    const entries: FlatEntry[] = [10n, 20n, 20n, 30n, 40n].map((ts, i) => ({ ts, line: `l${i}`, md: i === 2 ? md('k', 'v') : [] }));
    const raw = encodeBlock(batchOf(entries));
    const f = (from: bigint, through: bigint) => flatten([decodeBlock(raw, 10n, from, through)]).map((e) => e.line);
    f(0n, 100n);
    assert.deepEqual(f(20n, 40n), ['l1', 'l2', 'l3']);
    assert.deepEqual(f(21n, 40n), ['l3']);
    assert.deepEqual(f(0n, 10n), []);
    assert.deepEqual(f(41n, 50n), []);
    assert.deepEqual(flatten([decodeBlock(raw, 10n, 20n, 21n)]).map((e) => e.md.length), [0, 1]);
  });

  it('keeps timestamps exact across 32-bit carries, negatives and the int64 extremes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n - MAX_BLOCK_SPAN }), fc.array(fc.maxSafeNat(), { minLength: 1, maxLength: 20 }), (base, offs) => {
        const ts = offs.map((o) => base + BigInt(o)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const entries = ts.map((t) => ({ ts: t, line: 'x', md: [] }));
        const raw = encodeBlock(batchOf(entries));
        assert.deepEqual(flatten([decodeBlock(raw, ts[0])]).map((e) => e.ts), ts);
      }),
    );
  });

  it('rejects truncated and trailing bytes', () => {
    const raw = encodeBlock(batchOf([{ ts: 1n, line: 'hello', md: md('a', 'b') }]));
    for (let cut = 0; cut < raw.length; cut++) assert.throws(() => decodeBlock(raw.subarray(0, cut), 1n), CorruptChunkError);
    assert.throws(() => decodeBlock(Buffer.concat([raw, Buffer.from([0])]), 1n), CorruptChunkError);
  });

  it('compresses head and lines as two frames; the head alone gives the columns', () => {
    const entries: FlatEntry[] = [];
    for (let i = 0; i < 300; i++) entries.push({ ts: 1_000n + BigInt(i * 7), line: i % 5 === 0 ? '' : `level=info i=${i} msg="hello world"`, md: i % 3 === 0 ? md('trace_id', `t${i % 4}`) : [] });
    for (const withLines of [true, false]) {
      const es = withLines ? entries : entries.map((e) => ({ ...e, line: '' }));
      const b = batchOf(es);
      const raw = Buffer.from(encodeBlock(b));
      const linesSize = b.lineStart[b.count];
      for (const enc of CHUNK_ENCODINGS) {
        const codec = getCodec(enc);
        const data = compressBlock(codec, raw, linesSize);
        const f = blockFrames(data, raw.length, linesSize);
        assert.equal(f.lines.length === 0, linesSize === 0, enc);
        const parts = decompressBlock(codec, data, raw.length, linesSize, 2);
        assert.deepEqual(Buffer.concat([parts.head, parts.lines]), raw, enc);
        assert.deepEqual(flatten([decodeBlock(parts, 1_000n)]), es, enc);
        const head = decompressHead(codec, data, raw.length, linesSize);
        assert.deepEqual(head, parts.head);
        for (const [from, through] of [[0n, 10_000n], [1_010n, 1_500n], [1_500n, 1_501n]] as const) {
          const full = decodeBlock(raw, 1_000n, from, through);
          const cols = viewColumns(head, linesSize, 1_000n, from, through);
          assert.equal(cols.count, full.count);
          assert.deepEqual([...cols.ts], [...full.ts]);
          assert.deepEqual([...cols.lineStart], [...full.lineStart]);
          assert.deepEqual(cols.metadata, full.metadata);
        }
        assert.throws(() => viewColumns(head, linesSize + 1, 1_000n), CorruptChunkError);
        // The head frame is covered by its own CRC.
        const bad = Buffer.from(data);
        bad[f.head.byteOffset - data.byteOffset + (f.head.length >> 1)] ^= 0x40;
        assert.throws(() => decompressHead(codec, bad, raw.length, linesSize), CorruptChunkError, enc);
        assert.throws(() => decompressBlock(codec, data.subarray(0, 1), raw.length, linesSize, 2), CorruptChunkError);
      }
    }
  });

  it('reads format-1 blocks (lines before metadata, one frame)', () => {
    const entries: FlatEntry[] = [10n, 20n, 20n, 30n].map((ts, i) => ({ ts, line: `line ${i}`, md: i === 1 ? md('k', 'v', 'x', 'y') : [] }));
    const b = batchOf(entries);
    const v1 = v1Raw(b);
    assert.deepEqual(flatten([decodeBlock({ version: 1, head: v1, lines: Buffer.alloc(0) }, 10n)]), entries);
    assert.deepEqual(flatten([viewBlock({ version: 1, head: v1, lines: Buffer.alloc(0) }, 10n, 20n, 30n)]).map((e) => e.line), ['line 1', 'line 2']);
    const codec = getCodec('zstd');
    assert.deepEqual(flatten([decodeBlock(decompressBlock(codec, codec.compress(v1), v1.length, b.lineStart[b.count], 1), 10n)]), entries);
    // Read as format 2, the same bytes do not pass.
    assert.throws(() => decodeBlock(v1, 10n), CorruptChunkError);
  });
});

/** A format-1 raw block: count, ts deltas, lengths, lines, metadata (made from the format-2 one). */
function v1Raw(b: EntryBatch): Buffer {
  const v2 = Buffer.from(encodeBlock(b));
  const linesSize = b.lineStart[b.count];
  const colsEnd = encodeBlock({ ...b, metadata: null }).length - 1 - linesSize;
  return Buffer.concat([v2.subarray(0, colsEnd), b.lines.subarray(0, linesSize), v2.subarray(colsEnd, v2.length - linesSize)]);
}
