import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryBatch } from '../chunk/index.js';
import { batchLineString, sliceBatchByTime } from '../chunk/batch.js';
import { mergeOverlapping } from './merge-overlapping.js';
import { chunkGroups, newReadStats } from './series-plan.js';
import type { ChunkHandle, SeriesSource } from './sources.js';

type Entry = [ts: bigint, line: string];

function batch(entries: readonly Entry[]): EntryBatch {
  const lines = Buffer.from(entries.map((e) => e[1]).join(''));
  const lineStart = new Uint32Array(entries.length + 1);
  entries.forEach((e, i) => { lineStart[i + 1] = lineStart[i] + Buffer.byteLength(e[1]); });
  return { count: entries.length, ts: BigInt64Array.from(entries.map((e) => e[0])), lines, lineStart, metadata: null };
}

/** What the merge must give: a stable sort by timestamp, dropping repeats of (timestamp, line). */
function reference(chunks: readonly Entry[][]): Entry[] {
  const all = chunks.flat().map((e, k) => ({ e, k }));
  all.sort((x, y) => (x.e[0] < y.e[0] ? -1 : x.e[0] > y.e[0] ? 1 : x.k - y.k));
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (const { e } of all) {
    const key = `${e[0]} ${e[1]}`;
    if (!seen.has(key)) out.push(e);
    seen.add(key);
  }
  return out;
}

/** A chunk's entries ascending, split into batches of up to 5. */
function asBatches(entries: readonly Entry[]): EntryBatch[] {
  const out: EntryBatch[] = [];
  for (let i = 0; i < entries.length; i += 5) out.push(batch(entries.slice(i, i + 5)));
  return out;
}

describe('mergeOverlapping', () => {
  it('merges like a stable sort with duplicates dropped, in pieces cut only where the timestamp changes', async () => {
    let seed = 7;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 200; round++) {
      const chunks: Entry[][] = Array.from({ length: 1 + rand(6) }, () => {
        const es: Entry[] = Array.from({ length: rand(40) }, () => [BigInt(rand(30)), `line ${rand(4)}`]);
        // Stable within a chunk: equal timestamps keep their push order.
        return es.map((e, k) => ({ e, k })).sort((x, y) => (x.e[0] < y.e[0] ? -1 : x.e[0] > y.e[0] ? 1 : x.k - y.k)).map((x) => x.e);
      });
      const want = reference(chunks);
      let dups = 0;
      let paced = 0;
      const pieceEntries = 1 + rand(10);
      const pieces = await mergeOverlapping(chunks.map(asBatches), () => dups++, async () => { paced++; }, pieceEntries);
      const got: Entry[] = pieces.flatMap((p) => Array.from({ length: p.count }, (_, i): Entry => [p.ts[i], batchLineString(p, i)]));
      assert.deepEqual(got, want);
      assert.equal(dups, chunks.flat().length - want.length);
      for (let k = 1; k < pieces.length; k++) assert.notEqual(pieces[k - 1].ts[pieces[k - 1].count - 1], pieces[k].ts[0]);
      assert.ok(pieces.every((p) => p.count > 0));
      assert.equal(paced, Math.floor(chunks.flat().length / 1024));
    }
  });

  it('awaits pace while merging a large group', async () => {
    const chunks = Array.from({ length: 4 }, (_, c) => [batch(Array.from({ length: 3000 }, (_, i): Entry => [BigInt(i), `c${c}`]))]);
    let paced = 0;
    const pieces = await mergeOverlapping(chunks, () => undefined, async () => { paced++; });
    assert.equal(paced, 11);
    assert.equal(pieces.reduce((n, p) => n + p.count, 0), 12_000);
    assert.ok(pieces.length >= 2);
  });
});

describe('overlapping chunk groups read in windows', () => {
  /** A handle over ascending entries that can be loaded (read in windows) or not (read whole). */
  function handle(entries: readonly Entry[], loadable: boolean): ChunkHandle {
    const all = batch(entries);
    const batches = (from: bigint, through: bigint): EntryBatch[] => {
      const s = sliceBatchByTime(all, from, through);
      return s.count > 0 ? [s] : [];
    };
    return {
      minTs: entries[0][0],
      maxTs: entries[entries.length - 1][0],
      batches: (from, through) => Promise.resolve(batches(from, through)),
      ...(loadable ? { load: () => Promise.resolve({ entries: entries.length, batches }) } : {}),
    };
  }

  it('gives what one merge of the group gives, for any range, read whole or window by window backwards', async () => {
    let seed = 11;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 12; round++) {
      const chunks: Entry[][] = Array.from({ length: 2 + rand(3) }, () => {
        const n = 1 + rand(12_000);
        const es: Entry[] = Array.from({ length: n }, () => [BigInt(rand(50_000)), `line ${rand(3)}`]);
        return es.map((e, k) => ({ e, k })).sort((x, y) => (x.e[0] < y.e[0] ? -1 : x.e[0] > y.e[0] ? 1 : x.k - y.k)).map((x) => x.e);
      });
      // A group takes its chunks by first timestamp (stable): that order decides equal timestamps.
      chunks.sort((x, y) => (x[0][0] < y[0][0] ? -1 : x[0][0] > y[0][0] ? 1 : 0));
      const from = BigInt(rand(10_000));
      const through = from + BigInt(1 + rand(60_000));
      const want = reference(chunks).filter((e) => e[0] >= from && e[0] < through);
      const src: SeriesSource = { labels: [], key: '{}', chunks: chunks.map((c) => handle(c, true)) };
      const groups = chunkGroups(src, from, through);
      const stats = newReadStats();
      const segs = (await Promise.all(groups.map((g) => g.segments(from, through, stats)))).flat();
      const flat = (bs: readonly EntryBatch[]): Entry[] => bs.flatMap((p) => Array.from({ length: p.count }, (_, i): Entry => [p.ts[i], batchLineString(p, i)]));
      assert.deepEqual(flat(segs.flatMap((seg) => seg.read(from, through, false))), want, `round ${round}`);
      // Backwards, as a backward log query reads them: the same entries.
      const back = [...segs].reverse().flatMap((seg) => flat(seg.read(from, through, false)).reverse());
      assert.deepEqual(back.reverse(), want);
      // The same as the group read without windows.
      const plain: SeriesSource = { labels: [], key: '{}', chunks: chunks.map((c) => handle(c, false)) };
      const eager = (await Promise.all(chunkGroups(plain, from, through).map((g) => g.segments(from, through, newReadStats())))).flat();
      assert.deepEqual(flat(eager.flatMap((seg) => seg.read(from, through, false))), want);
      if (chunks.flat().length > 3 * 8192 && groups.length === 1) assert.ok(segs.length > 1, 'a large group is split into windows');
    }
  });
});

