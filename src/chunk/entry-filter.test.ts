import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EntryBatch } from './batch.js';
import { EntryFilter, lineSampleHash } from './entry-filter.js';

function batch(entries: { ts: bigint; line: Buffer }[]): EntryBatch {
  const lineStart = new Uint32Array(entries.length + 1);
  entries.forEach((e, i) => (lineStart[i + 1] = lineStart[i] + e.line.length));
  return { count: entries.length, ts: BigInt64Array.from(entries.map((e) => e.ts)), lines: Buffer.concat(entries.map((e) => e.line)), lineStart, metadata: null };
}

describe('EntryFilter', () => {
  it('never misses an entry it was built from', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ts: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), line: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) }), { maxLength: 50 }), (entries) => {
        const f = EntryFilter.build(batch(entries));
        for (const e of entries) assert.ok(f.mayContain(e.ts, lineSampleHash(e.line)));
      }),
    );
  });

  it('rejects most absent entries, including other lines at the same timestamp', () => {
    const entries = Array.from({ length: 2000 }, (_, i) => ({ ts: 1000n, line: Buffer.from(`line ${i} with some shared text`) }));
    const f = EntryFilter.build(batch(entries));
    let fp = 0;
    for (let i = 2000; i < 12_000; i++) if (f.mayContain(1000n, lineSampleHash(Buffer.from(`line ${i} with some shared text`)))) fp++;
    assert.ok(fp < 200, `false positives: ${fp}/10000`);
  });

  it('hashes a line the same whether given whole or as a range of a larger buffer', () => {
    const line = Buffer.from('x'.repeat(30) + 'middle part of a long line' + 'y'.repeat(40));
    const big = Buffer.concat([Buffer.from('prefix'), line, Buffer.from('suffix')]);
    assert.equal(lineSampleHash(line), lineSampleHash(big, 6, 6 + line.length));
    assert.notEqual(lineSampleHash(Buffer.from('a')), lineSampleHash(Buffer.from('b')));
  });
});
