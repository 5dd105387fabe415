/**
 * Both range evaluation strategies (difference arrays for counting functions, merged sliding windows
 * for unwrapped ones) against a direct evaluation of every window, over random data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extrapolatedRate, quantile } from './range-functions.js';
import { matrixOf, memorySeries, runInstant, runRange, sec, vectorOf, type TestEntry } from './test-util.js';
import { rng } from '../../../test/helpers/mutate.js';

const T0 = 1_700_000_000;

interface Sample { ms: number; v: number; bytes: number; grp: string; src: number }

function dataset(seed: number): { samples: Sample[]; streams: ReturnType<typeof memorySeries>[] } {
  const r = rng(seed);
  const samples: Sample[] = [];
  const streams = [0, 1, 2].map((src) => {
    const entries: TestEntry[] = [];
    const n = 20 + Math.floor(r() * 60);
    for (let i = 0; i < n; i++) {
      // Whole ms, a few exactly on 10s boundaries.
      const ms = r() < 0.15 ? Math.floor(r() * 60) * 10_000 : Math.floor(r() * 600_000);
      const v = r() < 0.5 ? Math.floor(r() * 100) : Math.round(r() * 1e6) / 1e3;
      const line = `v=${v} ` + '#'.repeat(Math.floor(r() * 5));
      entries.push({ ts: sec(T0) + BigInt(ms) * 1_000_000n, line });
      samples.push({ ms, v, bytes: Buffer.byteLength(line), grp: String(src % 2), src });
    }
    return memorySeries({ app: 'r', pod: `p${src}`, grp: String(src % 2) }, entries, 7);
  });
  // Time order, ties by source then push order, as the engine merges.
  samples.sort((a, b) => a.ms - b.ms || a.src - b.src);
  return { samples, streams };
}

type Fn = (s: Sample[], rangeS: number) => number;

const FNS: Record<string, Fn> = {
  count_over_time: (s) => s.length,
  rate: (s, r) => s.length / r,
  bytes_over_time: (s) => s.reduce((a, x) => a + x.bytes, 0),
  bytes_rate: (s, r) => s.reduce((a, x) => a + x.bytes, 0) / r,
  sum_over_time: (s) => s.reduce((a, x) => a + x.v, 0),
  avg_over_time: (s) => s.reduce((a, x) => a + x.v, 0) / s.length,
  min_over_time: (s) => Math.min(...s.map((x) => x.v)),
  max_over_time: (s) => Math.max(...s.map((x) => x.v)),
  first_over_time: (s) => s[0].v,
  last_over_time: (s) => s[s.length - 1].v,
  stddev_over_time: (s) => { const m = s.reduce((a, x) => a + x.v, 0) / s.length; return Math.sqrt(s.reduce((a, x) => a + (x.v - m) ** 2, 0) / s.length); },
  'quantile_over_time(0.3,': (s) => quantile(0.3, s.map((x) => x.v)),
  rate_counter: (s, r) => extrapolatedRate(s.map((x) => x.ms * 1e6), s.map((x) => x.v), BigInt(r) * 1_000_000_000n),
};

const UNWRAP = new Set(['sum_over_time', 'avg_over_time', 'min_over_time', 'max_over_time', 'first_over_time', 'last_over_time', 'stddev_over_time', 'quantile_over_time(0.3,', 'rate_counter']);
const GROUPABLE = new Set(['avg_over_time', 'min_over_time', 'max_over_time', 'first_over_time', 'last_over_time', 'stddev_over_time', 'quantile_over_time(0.3,']);

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || (Number.isNaN(a) && Number.isNaN(b));
}

/** Direct evaluation: per step, the samples in (t − offset − range, t − offset], grouped by `grp` or not. */
function reference(samples: Sample[], fn: Fn, stepsMs: number[], rangeS: number, offsetS: number, grouped: boolean): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const t of stepsMs) {
    const hi = t - offsetS * 1000;
    const lo = hi - rangeS * 1000;
    const groups = new Map<string, Sample[]>();
    for (const s of samples) {
      if (s.ms <= lo || s.ms > hi) continue;
      const key = grouped ? `{grp="${s.grp}"}` : `{app="r", grp="${s.grp}", pod="p${s.src}"}`;
      const g = groups.get(key);
      if (g) g.push(s);
      else groups.set(key, [s]);
    }
    for (const [key, g] of groups) (out[key] ??= []).push([T0 + t / 1000, fn(g, rangeS)]);
  }
  return out;
}

function assertClose(got: Record<string, [number, number][]>, want: Record<string, [number, number][]>, what: string): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), what);
  for (const key of Object.keys(want)) {
    assert.equal(got[key].length, want[key].length, `${what} ${key}`);
    got[key].forEach(([t, v], i) => {
      assert.equal(t, want[key][i][0], `${what} ${key} time`);
      assert.ok(close(v, want[key][i][1]), `${what} ${key} at ${t}: ${v} != ${want[key][i][1]}`);
    });
  }
}

describe('range functions against direct window evaluation', () => {
  for (const seed of [1, 2, 3]) {
    it(`random data set ${seed}`, async () => {
      const { samples, streams } = dataset(seed);
      for (const [name, fn] of Object.entries(FNS)) {
        const unwrap = UNWRAP.has(name);
        for (const [rangeS, stepS, offsetS] of [[60, 10, 0], [30, 30, 0], [5, 20, 0], [120, 60, 15], [10, 10, 30]]) {
          const sel = `{app="r"}${unwrap ? ' | logfmt | unwrap v' : ''} [${rangeS}s]${offsetS ? ` offset ${offsetS}s` : ''}`;
          const call = name.endsWith(',') ? `${name} ${sel})` : `${name}(${sel})`;
          const stepsMs: number[] = [];
          for (let t = 0; t <= 660_000; t += stepS * 1000) stepsMs.push(t);
          const plain = matrixOf(await runRange(streams, call, T0, T0 + 660, stepS));
          assertClose(plain, reference(samples, fn, stepsMs, rangeS, offsetS, false), call);
          const groupedQuery = GROUPABLE.has(name) ? `${call} by (grp)` : `sum by (grp) (${call})`;
          const grouped = matrixOf(await runRange(streams, groupedQuery, T0, T0 + 660, stepS));
          // sum by (grp) over per-series values is the grouped reference only for summable functions.
          if (GROUPABLE.has(name) || ['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate', 'sum_over_time'].includes(name)) {
            assertClose(grouped, reference(samples, fn, stepsMs, rangeS, offsetS, true), groupedQuery);
          }
          const inst = vectorOf(await runInstant(streams, call, T0 + 300));
          const want = reference(samples, fn, [300_000], rangeS, offsetS, false);
          assertClose(Object.fromEntries(inst.map(([k, v]) => [k, [[T0 + 300, v]]])), want, `instant ${call}`);
        }
      }
    });
  }
});
