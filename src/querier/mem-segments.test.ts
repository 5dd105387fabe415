import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemChunk, type EntryBatch } from '../chunk/index.js';
import { BlockScratch } from './block-decoder.js';
import { Needle } from './line-prefilter.js';
import { memSegments } from './mem-segments.js';

function rows(batches: readonly { count: number; ts: BigInt64Array; lineStart: Uint32Array; metadata: unknown }[]) {
  const out = [];
  for (const b of batches) {
    const lines = (b as Partial<EntryBatch>).lines;
    for (let i = 0; i < b.count; i++) out.push([b.ts[i], b.lineStart[i + 1] - b.lineStart[i], lines?.toString('utf8', b.lineStart[i], b.lineStart[i + 1]), JSON.stringify((b.metadata as unknown[] | null)?.[i] ?? [])]);
  }
  return out;
}

describe('memSegments', () => {
  it('reads every entry once, through cut blocks and the head, whole, by range and as columns', () => {
    const c = new MemChunk({ encoding: 'zstd', blockSize: 400, labels: [{ name: 'job', value: 'x' }] });
    for (let i = 0; i < 120; i++) c.append(1000n + BigInt(i * 10), Buffer.from(`entry ${i} ${i === 77 ? 'needle' : 'hay'}`), i % 3 ? [{ name: 'k', value: `v${i % 2}` }] : []);
    // A late entry lands in the head, inside an earlier block's range.
    c.append(1205n, Buffer.from('late'));
    const scratch = new BlockScratch();
    const segs = memSegments(c, scratch);
    assert.ok(segs.length > 3);
    assert.ok(segs.some((s) => !s.exact) && segs.some((s) => s.exact && s.columns !== undefined));
    for (const [from, through] of [[0n, 10_000n], [1100n, 1700n], [1205n, 1206n]] as const) {
      const want = rows([...c.batches(from, through)]);
      const got = [];
      const cols = [];
      for (const s of segs) {
        got.push(...rows(s.read(from, through, false)));
        cols.push(...rows(s.columns?.(from, through) ?? s.read(from, through, false)).map((r) => [r[0], r[1], undefined, r[3]]));
      }
      assert.deepEqual(got, want);
      assert.deepEqual(cols, want.map((r) => [r[0], r[1], undefined, r[3]]));
    }
    const needle = new Needle(Buffer.from('needle'));
    const kept = segs.flatMap((s) => (s.exact ? rows(s.read(0n, 10_000n, false, needle)) : []));
    assert.ok(kept.some((r) => r[2] === 'entry 77 needle'));
    assert.ok(kept.length < 120, 'blocks without the needle are skipped');
  });
});
