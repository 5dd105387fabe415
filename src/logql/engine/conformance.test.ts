/**
 * Metric queries of the conformance corpus evaluated straight on the data set (no server), with the
 * test extractor: every query whose pipeline it supports must give Loki's answer exactly.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { SeriesSource } from '../../querier/sources.js';
import { HttpError } from '../../util/errors.js';
import { parseQuery, parsePromDuration, type Expr, type SampleExpr } from '../syntax/index.js';
import { rangeAggregations } from '../syntax/walk.js';
import { evaluate } from './evaluate.js';
import { formatResult } from './format.js';
import { fakeExtractor, memoryContext, memorySeries, type TestEntry } from './test-util.js';

const FIX = new URL('../../../test/fixtures/conformance/', import.meta.url);
const readJson = <T>(rel: string): T => JSON.parse(readFileSync(new URL(rel, FIX), 'utf8')) as T;

interface QueryCase { id: string; area: string; kind: 'range' | 'instant'; query: string; start: string; end: string; step?: string; ordered?: boolean }
interface Expected { status: number; resultType?: string; result?: unknown }
interface Push { streams: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[] }

/** The data set as Loki keeps it: per stream, exact duplicates dropped, push order kept for equal times. */
function loadDataset(): SeriesSource[] {
  const streams = new Map<string, { labels: Record<string, string>; entries: TestEntry[]; seen: Set<string> }>();
  for (const push of Object.values(readJson<Record<string, Push>>('dataset.json'))) {
    for (const s of push.streams) {
      const key = JSON.stringify(Object.entries(s.stream).sort());
      let st = streams.get(key);
      if (!st) streams.set(key, (st = { labels: s.stream, entries: [], seen: new Set() }));
      for (const [ts, line, metadata] of s.values) {
        const id = ts + '\u0000' + line;
        if (st.seen.has(id)) continue;
        st.seen.add(id);
        st.entries.push({ ts: BigInt(ts), line, metadata: metadata && Object.keys(metadata).length > 0 ? metadata : undefined });
      }
    }
  }
  return [...streams.values()].map((s) => memorySeries(s.labels, s.entries, 500));
}

/** Loki's timestamp parameter: float seconds, ≤10 digits seconds, more digits ns, else RFC3339. */
function parseTime(s: string): bigint {
  if (s.includes('.') && /^[\d.]+$/.test(s)) return BigInt(Math.round(Number(s) * 1000)) * 1_000_000n;
  if (/^\d+$/.test(s)) return s.length <= 10 ? BigInt(s) * 1_000_000_000n : BigInt(s);
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(s);
  if (!m) throw new Error(`bad time ${s}`);
  const frac = (m[2] ?? '').padEnd(9, '0');
  return BigInt(Date.parse(m[1] + 'Z')) * 1_000_000n + BigInt(frac);
}

function parseStepMs(s: string): number {
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : Number(parsePromDuration(s) / 1_000_000n);
}

function supported(e: Expr): boolean {
  try {
    for (const agg of rangeAggregations(e)) fakeExtractor(agg);
    return true;
  } catch {
    return false;
  }
}

interface Normal { resultType: string; result: unknown[] }

interface Series { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }

const labelKey = (x: Series): string => JSON.stringify(Object.entries(x.metric).sort());
const byLabels = (a: Series, b: Series): number => (labelKey(a) < labelKey(b) ? -1 : labelKey(a) > labelKey(b) ? 1 : 0);

/** As the corpus runner: series by labels; ordered vectors keep their order except within runs of equal values. */
function normalize(r: Normal, ordered: boolean): Normal {
  if (r.resultType === 'scalar') return r;
  const result = [...r.result] as Series[];
  if (!ordered) return { resultType: r.resultType, result: result.sort(byLabels) };
  const out: Series[] = [];
  for (let i = 0; i < result.length;) {
    let j = i + 1;
    while (j < result.length && result[j].value![1] === result[i].value![1]) j++;
    out.push(...result.slice(i, j).sort(byLabels));
    i = j;
  }
  return { resultType: r.resultType, result: out };
}

/** Same labels and timestamps; values equal as strings or within 1e-9 relative (Loki sums in map order). */
function sameValues(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

function sameResult(have: Normal, want: Normal): boolean {
  if (have.resultType !== want.resultType || have.result.length !== want.result.length) return false;
  if (have.resultType === 'scalar') {
    const [ht, hv] = have.result as [number, string];
    const [wt, wv] = want.result as [number, string];
    return ht === wt && sameValues(hv, wv);
  }
  return (have.result as Series[]).every((h, i) => {
    const w = (want.result as Series[])[i];
    if (labelKey(h) !== labelKey(w)) return false;
    const hp = h.values ?? [h.value!];
    const wp = w.values ?? [w.value!];
    return hp.length === wp.length && hp.every((p, j) => p[0] === wp[j][0] && sameValues(p[1], wp[j][1]));
  });
}

const AREAS = new Set(['range_agg', 'unwrap', 'vector_agg', 'binop', 'functions', 'instant', 'literal', 'error_label', 'structured_metadata', 'invalid']);

describe('conformance corpus metric queries on the engine', () => {
  const series = loadDataset();
  const cases = readJson<QueryCase[]>('queries.public.json').filter((q) => AREAS.has(q.area));

  it('gives Loki\'s answers', async (t) => {
    const failures: string[] = [];
    let checked = 0;
    for (const q of cases) {
      let expr: Expr;
      try { expr = parseQuery(q.query); } catch { continue; }
      if (expr.kind === 'LogSelector' || !supported(expr)) continue;
      const exp = readJson<Expected>(`expected/public/${q.id}.json`);
      const start = parseTime(q.start);
      const end = parseTime(q.end);
      const stepMs = q.step ? parseStepMs(q.step) : 0;
      // Rejected by the HTTP layer before evaluation.
      if (q.kind === 'range' && (stepMs <= 0 || end <= start || Number(end - start) / 1e6 / stepMs > 11_000)) continue;
      checked++;
      const ctx = memoryContext(series, { maxSeries: 10_000 });
      let status = 200;
      let got: Normal | undefined;
      try {
        const res = await evaluate(expr as SampleExpr, { start, end, stepMs, instant: q.kind === 'instant' }, ctx);
        got = JSON.parse(formatResult(res)) as Normal;
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        status = err.status;
      }
      if (status !== exp.status) { failures.push(`${q.id}: status ${status}, want ${exp.status}`); continue; }
      if (status !== 200) continue;
      const want = normalize({ resultType: exp.resultType!, result: exp.result as unknown[] }, q.ordered === true);
      const have = normalize(got!, q.ordered === true);
      if (!sameResult(have, want)) {
        failures.push(`${q.id}: ${q.query}\n  got  ${JSON.stringify(have).slice(0, 400)}\n  want ${JSON.stringify(want).slice(0, 400)}`);
      }
    }
    t.diagnostic(`${checked} corpus queries checked`);
    assert.ok(checked >= 60, `only ${checked} corpus queries were checked`);
    assert.deepEqual(failures, []);
  });
});
