/**
 * LogQL syntax against Loki v3.4.5's recorded answers:
 * - format_query.public.json: Loki's /format_query answer (status and text) for every query;
 * - queries.public.json + expected/public/<id>.json: the status and error Loki's query endpoints gave.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ParseError, formatExpr, parseExpr, parseQuery } from '../../src/logql/syntax/index.js';

const DIR = new URL('../fixtures/conformance/', import.meta.url);

interface FormatCase { id: string; query: string; status: number; formatted: string | null }
interface QueryCase { id: string; kind: 'range' | 'instant'; query: string; invalid?: boolean }
interface Expected { status: number; errorKind?: string; errorMessage?: string }

function load<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, DIR), 'utf8')) as T;
}

function attempt(fn: () => unknown): ParseError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
}

test('format_query: same status and text as Loki for every query', () => {
  const cases = load<FormatCase[]>('format_query.public.json');
  const failures: string[] = [];
  for (const c of cases) {
    let got: string | undefined;
    const err = attempt(() => { got = formatExpr(parseExpr(c.query)); });
    const status = err ? 400 : 200;
    if (status !== c.status) failures.push(`${c.id}: status ${status}, Loki ${c.status}${err ? ` (${err.message})` : ''}`);
    else if (status === 200 && got !== c.formatted) failures.push(`${c.id}:\n  got  ${got}\n  want ${c.formatted}`);
  }
  console.log(`format_query: ${cases.length - failures.length} passed, ${failures.length} failed`);
  assert.deepEqual(failures, []);
});

/**
 * How each Loki answer maps to parseQuery. Loki rejects some queries only when it runs them;
 * those must parse, and the class says which part of Skald owns the check:
 * - pipeline_error: a sample or label still carries __error__ at aggregation (data-dependent);
 * - instant_log_query: a log query sent to the instant endpoint (the request type);
 * - bad_time_params, max_series, limit texts: step, start/end and limits (request parameters);
 * - status 500: Loki's own failures (approx_topk without its config, many-to-many matching, …).
 */
function classify(e: Expected): 'ok' | 'parse' | 'runtime' {
  if (e.status === 200) return 'ok';
  if (e.status === 400 && e.errorKind === 'parse_error') return 'parse';
  if (e.status === 400 && (e.errorMessage ?? '').startsWith('parse error')) return 'parse';
  return 'runtime';
}

test('queries: parseQuery gives Loki\'s verdict and parse error text', () => {
  const cases = load<QueryCase[]>('queries.public.json');
  const failures: string[] = [];
  const classes = new Map<string, number>();
  for (const c of cases) {
    const expected = load<Expected>(`expected/public/${c.id}.json`);
    const cls = classify(expected);
    const key = cls === 'runtime' ? `runtime:${expected.errorKind ?? expected.status}` : cls;
    classes.set(key, (classes.get(key) ?? 0) + 1);
    const err = attempt(() => parseQuery(c.query));
    if (cls === 'parse') {
      if (!err) failures.push(`${c.id}: accepted, Loki: ${expected.errorMessage}`);
      else if (err.message !== expected.errorMessage) failures.push(`${c.id}:\n  got  ${err.message}\n  want ${expected.errorMessage}`);
      continue;
    }
    if (err) {
      failures.push(`${c.id}: rejected (${err.message}), Loki ${expected.status}`);
      continue;
    }
    if (expected.errorKind === 'instant_log_query') {
      assert.equal(c.kind, 'instant', c.id);
      assert.equal(parseExpr(c.query).kind, 'LogSelector', c.id);
    }
  }
  console.log(`queries: ${cases.length - failures.length} passed, ${failures.length} failed`
    + ` (${[...classes].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  assert.deepEqual(failures, []);
});
