/**
 * The public conformance corpus through this package alone: every log query is answered
 * from the data set (selection, time range, limit and direction done here) and compared with
 * Loki's recorded streams, labels and lines; metric queries check the series label sets the
 * extractor produces and whether a pipeline error surfaces.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { labelsToRecord, labelsToString, type Labels } from '../../model/labels.js';
import { matchesAll } from '../../model/matcher.js';
import { parseQuery, type Expr, type RangeAggregation, type VectorAggregation } from '../syntax/index.js';
import { loadDataset, parseTime, runLogQuery, type DataStream } from './conformance-data.js';
import { compileSampleExtractor, injectedGrouping, newSampleOutput } from './sample-extractor.js';

const DIR = new URL('../../../test/fixtures/conformance/', import.meta.url).pathname;

interface Query {
  id: string;
  query: string;
  kind: string;
  start: string;
  end: string;
  limit?: number;
  direction?: string;
  invalid?: boolean;
  headers?: Record<string, string>;
}

interface Expected {
  status: number;
  resultType?: string;
  result?: { stream?: Record<string, string>; metric?: Record<string, string>; values: unknown[][] }[];
}

const queries = JSON.parse(readFileSync(DIR + 'queries.public.json', 'utf8')) as Query[];
let streams: DataStream[] | undefined;
const data = (): DataStream[] => (streams ??= loadDataset(DIR + 'dataset.json'));

function expected(id: string): Expected | undefined {
  const f = `${DIR}expected/public/${id}.json`;
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Expected) : undefined;
}

function parse(q: string): Expr | undefined {
  try {
    return parseQuery(q);
  } catch {
    return undefined;
  }
}

const sorted = (r: Record<string, string>): string => JSON.stringify(Object.fromEntries(Object.entries(r).sort()));

/** Loki's streams JSON (normalized like the corpus), keyed by label set. */
function logAnswer(q: Query, sel: Expr & { kind: 'LogSelector' }): Map<string, unknown[][]> {
  const backward = (q.direction ?? 'backward').toLowerCase() === 'backward';
  const hits = runLogQuery(data(), sel, parseTime(q.start), parseTime(q.end), q.limit ?? 100, backward);
  const categorize = q.headers?.['X-Loki-Response-Encoding-Flags'] === 'categorize-labels';
  const out = new Map<string, unknown[][]>();
  for (const h of hits) {
    const key = sorted(labelsToRecord(categorize ? h.labels.stream : h.labels.all));
    let values = out.get(key);
    if (values === undefined) {
      values = [];
      out.set(key, values);
    }
    if (!categorize) {
      values.push([h.ts.toString(), h.line]);
      continue;
    }
    const extra: Record<string, Record<string, string>> = {};
    if (h.labels.parsed.length > 0) extra.parsed = labelsToRecord(h.labels.parsed);
    if (h.labels.structuredMetadata.length > 0) extra.structuredMetadata = labelsToRecord(h.labels.structuredMetadata);
    values.push([h.ts.toString(), h.line, extra]);
  }
  return out;
}

describe('conformance: log queries', () => {
  for (const q of queries) {
    const exp = expected(q.id);
    const e = parse(q.query);
    if (exp === undefined || exp.status !== 200 || exp.resultType !== 'streams' || e === undefined || e.kind !== 'LogSelector') continue;
    it(`${q.id} ${q.query}`, () => {
      const got = logAnswer(q, e);
      const want = new Map((exp.result ?? []).map((s) => [sorted(s.stream ?? {}), s.values]));
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [k, v] of want) assert.deepEqual(JSON.parse(JSON.stringify(got.get(k))), v, k);
    });
  }
});

/** The range aggregation a metric query reads and the vector aggregation around it, if any. */
function rangeOf(e: Expr): { range: RangeAggregation; outer: VectorAggregation | undefined } | undefined {
  if (e.kind === 'RangeAggregation') return { range: e, outer: undefined };
  if (e.kind === 'VectorAggregation' && e.expr.kind === 'RangeAggregation') return { range: e.expr, outer: e };
  return undefined;
}

/** Series labels of all samples in the query window, or the pipeline error Loki would raise. */
function seriesOf(q: Query, range: RangeAggregation, outer: VectorAggregation | undefined): { series: Set<string>; error?: string } {
  const ex = compileSampleExtractor(range, { grouping: outer === undefined ? undefined : injectedGrouping(outer) });
  const lo = parseTime(q.start) - range.range.rangeNs - range.range.offsetNs;
  const hi = parseTime(q.end) - range.range.offsetNs;
  const series = new Set<string>();
  const out = newSampleOutput();
  for (const s of data()) {
    if (!matchesAll(range.range.selector.matchers, s.labels)) continue;
    const se = ex.forStream(s.labels);
    for (const en of s.entries) {
      if (en.ts <= lo || en.ts > hi) continue;
      if (!se.process(en.ts, en.line, en.metadata, out)) continue;
      const labels: Labels = out.labels.all;
      const err = labels.find((l) => l.name === '__error__');
      if (err !== undefined && !labels.some((l) => l.name === '__preserve_error__' && l.value === 'true')) {
        return { series, error: `pipeline error: '${err.value}' for series: '${labelsToString(labels)}'` };
      }
      series.add(sorted(labelsToRecord(labels)));
    }
  }
  return { series };
}

describe('conformance: sample extraction', () => {
  for (const q of queries) {
    const exp = expected(q.id);
    const e = parse(q.query);
    if (exp === undefined || q.kind !== 'range' || q.invalid === true || e === undefined) continue;
    const r = rangeOf(e);
    if (r === undefined || r.range.op === 'absent_over_time') continue;
    const pipelineError = exp.status === 400;
    if (exp.status !== 200 && !pipelineError) continue;
    it(`${q.id} ${q.query}`, () => {
      const got = seriesOf(q, r.range, r.outer);
      assert.equal(got.error !== undefined, pipelineError, got.error);
      // Without a vector aggregation the extractor's labels are the result's series.
      if (!pipelineError && r.outer === undefined) {
        const want = new Set((exp.result ?? []).map((s) => sorted(s.metric ?? {})));
        for (const k of want) assert.ok(got.series.has(k), `missing series ${k}`);
      }
    });
  }
});
