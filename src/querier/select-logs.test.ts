import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { compileLogPipeline } from '../logql/log/index.js';
import { parseQuery, type LogSelector } from '../logql/syntax/index.js';
import { IDENTITY_PIPELINE } from './identity-pipeline.js';
import { LiteralScan, requiredLiterals } from './line-prefilter.js';
import type { Direction } from './params.js';
import { ReadPool } from './read-pool.js';
import { mergeLogs, selectLogs, type SelectLogsRequest, type SelectLogsResult } from './select-logs.js';
import type { SeriesSource } from './sources.js';
import { testSeries, type ChunkKind, type TestEntry } from './test-chunks.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = 1_700_000_000_000_000_000n;
const WORDS = ['alpha', 'beta', 'needle', 'gamma', 'ab', 'error', 'x=1', 'x=22', 'héllo'];

/** Streams with equal timestamps within and across streams, out-of-order pushes and overlapping chunks that repeat entries. */
async function dataset(seed: number, kind: ChunkKind): Promise<SeriesSource[]> {
  const r = rng(seed);
  const out: SeriesSource[] = [];
  for (let s = 0; s < 4; s++) {
    const entries: TestEntry[] = [];
    const n = 5 + Math.floor(r() * 120);
    for (let i = 0; i < n; i++) {
      const ts = T0 + BigInt(Math.floor(r() * 40)) * 1_000_000n + (r() < 0.3 ? 0n : BigInt(Math.floor(r() * 1000)));
      let line = '';
      const words = 1 + Math.floor(r() * 4);
      for (let w = 0; w < words; w++) line += (w > 0 ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
      entries.push({ ts, line, metadata: r() < 0.2 ? { trace: String(Math.floor(r() * 3)) } : undefined });
    }
    // Chunks: consecutive runs, sometimes overlapping, sometimes repeating entries of the previous one.
    const chunks: TestEntry[][] = [];
    for (let i = 0; i < entries.length;) {
      const len = 1 + Math.floor(r() * 50);
      const chunk = entries.slice(i, i + len);
      if (r() < 0.3 && chunks.length > 0) chunk.push(...chunks[chunks.length - 1].slice(0, 3));
      chunks.push(chunk);
      i += len;
    }
    out.push(await testSeries(kind, { app: 'a', s: String(s) }, chunks, 64 + Math.floor(r() * 300)));
  }
  return out;
}

function flatten(res: SelectLogsResult): string[] {
  return res.streams.flatMap((s) => s.entries.map((e) => `${s.key} ${e.ts} ${e.line.toString()} ${e.labels.key}`));
}

const QUERIES = [
  '{app="a"}',
  '{app="a"} |= "needle"',
  '{app="a"} |= "ab" |= "alpha"',
  '{app="a"} |~ "x=[0-9]+"',
  '{app="a"} |~ "be(ta|x)"',
  '{app="a"} != "error"',
  '{app="a"} | logfmt | x > 5',
  '{app="a"} |= "héllo"',
  '{app="a"} | line_format "{{.s}} {{__line__}}" |= "1 "',
];

describe('selectLogs', () => {
  const pool = new ReadPool(2);
  after(() => pool.close());
  for (const kind of ['batches', 'memory', 'stored', 'workers', 'file workers'] as const) {
    it(`matches the k-way merge over ${kind} chunks`, async () => {
      const workers = kind === 'workers' || kind === 'file workers';
      for (let seed = 1; seed <= (workers ? 4 : 12); seed++) {
        const series = await dataset(seed, kind === 'workers' ? 'stored' : kind === 'file workers' ? 'file' : kind);
        for (const q of QUERIES) {
          const selector = parseQuery(q) as LogSelector;
          for (const direction of ['forward', 'backward'] as Direction[]) {
            for (const limit of [1, 7, 30, 1000]) {
              const base: Omit<SelectLogsRequest, 'pipeline'> = {
                series, start: T0 + 3_000_000n, end: T0 + 35_000_000n, direction, limit, categorize: seed % 2 === 0, selector,
              };
              const pipeline = () => (selector.pipeline.length === 0 ? IDENTITY_PIPELINE : compileLogPipeline(selector));
              const want = flatten(await mergeLogs({ ...base, pipeline: pipeline() }));
              const got = flatten(await selectLogs({ ...base, pipeline: pipeline(), readPool: workers ? pool : undefined }));
              assert.deepEqual(got, want, `${kind} seed ${seed} ${q} ${direction} limit ${limit}`);
            }
          }
        }
      }
    });
  }
});

describe('line prefilter', () => {
  it('takes literals from line filters that see the stored line', () => {
    const lits = (q: string) => requiredLiterals((parseQuery(q) as LogSelector).pipeline).map((b) => b.toString());
    assert.deepEqual(lits('{a="b"} |= "foo" |~ "ba[rz]+qux(quux)?x{2,3}" != "no"'), ['foo', 'ba', 'qux', 'x']);
    assert.deepEqual(lits('{a="b"} | json | level="x" |= "foo"'), ['foo']);
    assert.deepEqual(lits('{a="b"} | line_format "{{.a}}" |= "foo"'), []);
    assert.deepEqual(lits('{a="b"} |= "foo" or "bar"'), []);
    assert.deepEqual(lits('{a="b"} |~ "(?i)foo"'), []);
    assert.deepEqual(lits('{a="b"} |~ "foo|bar"'), []);
    assert.deepEqual(lits('{a="b"} |= ""'), []);
  });

  it('finds exactly the lines holding the literal, not occurrences across line ends', () => {
    const lines = ['xxneedle', 'ne', 'edle', 'needle-xyzneedle', '', 'zzzz', 'a needle-xyz'];
    const buf = Buffer.from(lines.join(''));
    const lineStart = new Uint32Array(lines.length + 1);
    for (let i = 0; i < lines.length; i++) lineStart[i + 1] = lineStart[i] + Buffer.byteLength(lines[i]);
    const batch = { count: lines.length, ts: new BigInt64Array(lines.length), lines: buf, lineStart, metadata: null };
    const out = new Uint32Array(lines.length);
    for (const lit of ['needle', 'needle-xyz', 'z', 'edle']) {
      const scan = new LiteralScan([Buffer.from(lit)]);
      const n = scan.candidates(batch, out);
      assert.deepEqual([...out.subarray(0, n)], lines.flatMap((l, i) => (l.includes(lit) ? [i] : [])), lit);
    }
  });

  it('finds the lines with a rare-byte anchor over a large block', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(i % 997 === 3 ? `line ${i} needle-xyz here` : i % 13 === 0 ? `zz needle-xy ${i}` : `ordinary log line number ${i}`);
    const buf = Buffer.from(lines.join(''));
    const lineStart = new Uint32Array(lines.length + 1);
    for (let i = 0; i < lines.length; i++) lineStart[i + 1] = lineStart[i] + lines[i].length;
    const batch = { count: lines.length, ts: new BigInt64Array(lines.length), lines: buf, lineStart, metadata: null };
    const out = new Uint32Array(lines.length);
    const n = new LiteralScan([Buffer.from('needle-xyz')]).candidates(batch, out);
    assert.deepEqual([...out.subarray(0, n)], lines.flatMap((l, i) => (l.includes('needle-xyz') ? [i] : [])));
  });
});
