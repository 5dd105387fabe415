import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Labels } from '../model/labels.js';
import type { EntryBatch } from './batch.js';
import { decodeBlock, encodeBlock, MAX_BLOCK_SPAN } from './block.js';
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
});
