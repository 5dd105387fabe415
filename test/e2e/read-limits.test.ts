import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push, type TestStream } from '../helpers/push-client.js';

const SEC = 1_000_000_000n;
const NOW = BigInt(Date.now()) * 1_000_000n;
const MIN = 60n * SEC;

const CONFIG = (dataDir: string) => `
auth_enabled: true
server:
  http_listen_address: 127.0.0.1
  http_listen_port: 0
common:
  path_prefix: ${dataDir}
ingester:
  chunk_block_size: 2048
  chunk_target_size: 4096
querier:
  multi_tenant_queries_enabled: true
  max_concurrent: 2
frontend:
  max_outstanding_per_tenant: 2
runtime_config:
  file: ${join(dataDir, 'overrides.yaml')}
  period: 100ms
limits_config:
  max_entries_limit_per_query: 100
  max_query_series: 5
  max_query_length: 3h
  max_query_range: 1h
  max_streams_matchers_per_query: 3
  ingestion_rate_mb: 100
  ingestion_burst_size_mb: 100
  discover_service_name: []
  discover_log_levels: false
`;

const overrides = (slowTimeout: string, rtLine: string, rtEntries: number) => `
overrides:
  lim:
    max_query_lookback: 1h
  bytes:
    max_query_bytes_read: 2KB
  slow:
    query_timeout: ${slowTimeout}
  rt:
    max_line_size: ${rtLine}
    max_entries_limit_per_query: ${rtEntries}
`;

interface Res {
  status: number;
  text: string;
  elapsed: number;
  // Parsed JSON body of a 200; shape checked by each test.
  body: { data: { resultType: string; result: { stream?: Record<string, string>; metric?: Record<string, string>; values?: unknown[][]; value?: unknown[] }[] }; warnings?: string[] };
}

/** Reads and aggregates the slow tenant's 5000 lines three times over 3600 steps. */
const HEAVY = ['quantile_over_time(0.5,', 'quantile_over_time(0.9,', 'stddev_over_time(']
  .map((f) => `sum(${f} {app="slow"} | logfmt | unwrap i [1h]))`).join(' + ');
/** A third of HEAVY: long enough for five to overlap. */
const MEDIUM = 'sum(quantile_over_time(0.5, {app="slow"} | logfmt | unwrap i [1h]))';

describe('read limits, soft limits, multi-tenant reads and runtime overrides', () => {
  let s: InProcessSkald;

  const get = async (path: string, params: Record<string, string>, tenant: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Res> => {
    const t0 = performance.now();
    const res = await fetch(`${s.url}${path}?${new URLSearchParams(params)}`, { headers: { 'X-Scope-OrgID': tenant, ...headers }, signal });
    const text = await res.text();
    let body: Res['body'] = { data: { resultType: '', result: [] } };
    if (res.status === 200) body = JSON.parse(text) as Res['body'];
    return { status: res.status, text, elapsed: performance.now() - t0, body };
  };
  const range = (query: string, tenant: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    get('/loki/api/v1/query_range', { query, start: String(NOW - 2n * 3600n * SEC), end: String(NOW + SEC), limit: '100', ...extra }, tenant, headers);
  const writeOverrides = (text: string) => writeFile(join(s.dataDir, 'overrides.yaml'), text);
  const waitUntil = async (pred: () => Promise<boolean>, what: string) => {
    const end = Date.now() + 10_000;
    while (!(await pred())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const pushTo = async (tenant: string, streams: TestStream[]) => {
    const r = await push(s.url, streams, 'json', { 'X-Scope-OrgID': tenant });
    assert.equal(r.status, 204, await r.text());
  };

  before(async () => {
    s = await startInProcess('', [], (dir) => {
      writeFileSync(join(dir, 'overrides.yaml'), overrides('50ms', '100B', 5));
      return CONFIG(dir);
    });
    await pushTo('lim', [
      ...Array.from({ length: 8 }, (_, n) => ({ labels: { job: 'many', n: String(n) }, entries: Array.from({ length: 30 }, (_, i) => ({ ts: NOW - MIN + BigInt(n * 100 + i) * 1000n, line: `many ${n} ${i}` })) })),
      { labels: { job: 'old' }, entries: [{ ts: NOW - 90n * MIN, line: 'ninety minutes ago' }, { ts: NOW - 10n * MIN, line: 'ten minutes ago' }] },
    ]);
    await pushTo('bytes', Array.from({ length: 10 }, (_, n) => ({ labels: { app: 'b', n: String(n) }, entries: Array.from({ length: 5 }, (_, i) => ({ ts: NOW - MIN + BigInt(i) * SEC, line: `${n}-${i} ${'x'.repeat(96)}` })) })));
    await pushTo('slow', Array.from({ length: 40 }, (_, n) => ({
      labels: { app: 'slow', n: String(n) },
      entries: Array.from({ length: 125 }, (_, i) => ({ ts: NOW - 60n * MIN + BigInt(i * 40 + n) * 700n * 1_000_000n, line: `level=info i=${i} n=${n} msg="${'abcdefghij'.repeat(6)}"` })),
    })));
    for (const t of ['mt-a', 'mt-b']) await pushTo(t, [{ labels: { app: 'shared' }, entries: [{ ts: NOW - MIN, line: `from ${t}` }] }]);
  });
  after(async () => { await s.stop(); });

  it('refuses queries over the limits with Loki\'s statuses and texts', async () => {
    const cases: [Promise<Res>, string][] = [
      [range('{job="many"}', 'lim', { limit: '101' }), 'max entries limit per query exceeded, limit > max_entries_limit_per_query (101 > 100)'],
      [range('count_over_time({job="many"}[1m])', 'lim', { step: '60' }), 'maximum of series (5) reached for a single query'],
      [range('{job="many"}', 'lim', { start: String(NOW - 4n * 3600n * SEC), end: String(NOW) }), 'the query time range exceeds the limit (query length: 4h0m0s, limit: 3h)'],
      [range('count_over_time({job="many"}[2h])', 'lim'), '[interval] value exceeds limit'],
      [range('{job="many", n=~".+", a!="1", b!="2"}', 'lim'), 'max streams matchers per query exceeded, matchers-count > limit (4 > 3)'],
      [get('/loki/api/v1/query', { query: 'count_over_time({job="many"}[5m])', time: String(NOW) }, 'lim'), 'maximum of series (5) reached for a single query'],
    ];
    for (const [p, text] of cases) {
      const r = await p;
      assert.equal(r.status, 400, text);
      assert.equal(r.text, text);
    }
  });

  it('clamps the start to max_query_lookback', async () => {
    const r = await range('{job="old"}', 'lim');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.data.result.flatMap((x) => x.values!.map((v) => v[1])), ['ten minutes ago']);
  });

  it('refuses a query that would read more than max_query_bytes_read, from index stats', async () => {
    const r = await range('{app="b"}', 'bytes');
    assert.equal(r.status, 400);
    assert.match(r.text, /^the query would read too many bytes \(query: \d+(\.\d)? KiB, limit: 2\.0 KiB\); consider adding more specific stream selectors or reduce the time range of the query$/);
    assert.equal((await range('{app="b", n="1"}', 'bytes')).status, 200);
    assert.equal((await range('sum(count_over_time({app="b"}[1m]))', 'bytes', { step: '60' })).status, 400);
  });

  it('answers partial results with warnings when asked or opted in', async () => {
    const partial = { 'X-Skald-Partial-Results': 'true' };
    const entries = await range('{job="many"}', 'lim', { limit: '500' }, partial);
    assert.equal(entries.status, 200, entries.text);
    assert.equal(entries.body.data.result.reduce((n, x) => n + x.values!.length, 0), 100);
    assert.deepEqual(entries.body.warnings, ['max entries limit per query exceeded, limit > max_entries_limit_per_query (500 > 100); partial result: at most 100 entries']);
    assert.match(entries.text, /\},"warnings":\[/);

    const series = await range('count_over_time({job="many"}[1m])', 'lim', { step: '60' }, partial);
    assert.equal(series.status, 200, series.text);
    assert.deepEqual(series.body.data.result.map((x) => x.metric!.n), ['0', '1', '2', '3', '4']);
    assert.deepEqual(series.body.warnings, ['maximum of series (5) reached for a single query; partial result: the first 5 of 8 series']);

    const bytes = await range('{app="b"}', 'bytes', { limit: '100' }, partial);
    assert.equal(bytes.status, 200, bytes.text);
    const got = bytes.body.data.result.reduce((n, x) => n + x.values!.length, 0);
    assert.ok(got > 0 && got < 50, `partial read returned ${got} of 50 entries`);
    assert.equal(bytes.body.warnings?.length, 1);
    assert.match(bytes.body.warnings![0], /^the query would read too many bytes .*; partial result: reading stopped at the limit$/);

    const under = await range('{job="many"}', 'lim', { limit: '10' }, partial);
    assert.equal(under.body.warnings, undefined);
  });

  it('merges multi-tenant reads with __tenant_id__ and picks tenants by matchers on it', async () => {
    const both = await range('{app="shared"}', 'mt-a|mt-b');
    assert.equal(both.status, 200, both.text);
    assert.deepEqual(both.body.data.result.map((x) => [x.stream, x.values![0][1]]), [
      [{ __tenant_id__: 'mt-a', app: 'shared' }, 'from mt-a'],
      [{ __tenant_id__: 'mt-b', app: 'shared' }, 'from mt-b'],
    ]);
    const picked = await range('{app="shared", __tenant_id__=~"mt-b"}', 'mt-a|mt-b');
    assert.deepEqual(picked.body.data.result.map((x) => x.stream), [{ __tenant_id__: 'mt-b', app: 'shared' }]);
    const metric = await get('/loki/api/v1/query', { query: 'sum by (__tenant_id__) (count_over_time({app="shared"}[5m]))', time: String(NOW) }, 'mt-b|mt-a');
    assert.equal(metric.status, 200, metric.text);
    assert.deepEqual(metric.body.data.result.map((x) => [x.metric, x.value![1]]), [[{ __tenant_id__: 'mt-a' }, '1'], [{ __tenant_id__: 'mt-b' }, '1']]);
    const single = await range('{app="shared"}', 'mt-a');
    assert.deepEqual(single.body.data.result.map((x) => x.stream), [{ app: 'shared' }]);
    const w = await push(s.url, [{ labels: { app: 'x' }, entries: [{ ts: NOW, line: 'x' }] }], 'json', { 'X-Scope-OrgID': 'mt-a|mt-b' });
    assert.equal(w.status, 400);
    assert.equal(await w.text(), 'multiple org IDs present');
  });

  it('stops a query at query_timeout (504), a client going away (499), and applies runtime overrides without restart', { timeout: 60_000 }, async () => {
    const heavy = (headers: Record<string, string> = {}, signal?: AbortSignal) =>
      get('/loki/api/v1/query_range', { query: HEAVY, start: String(NOW - 3600n * SEC), end: String(NOW), step: '1' }, 'slow', headers, signal);
    const timedOut = await heavy();
    assert.equal(timedOut.status, 504, timedOut.text);
    assert.match(timedOut.text, /^Request timed out, decrease the duration of the request/);

    // Overrides: slow gets a 1m timeout, rt a larger line size and entry limit.
    const long = 'x'.repeat(200);
    const tooLong = await push(s.url, [{ labels: { app: 'rt' }, entries: [{ ts: NOW, line: long }] }], 'json', { 'X-Scope-OrgID': 'rt' });
    assert.equal(tooLong.status, 400);
    assert.match(await tooLong.text(), /Max entry size '100' bytes exceeded/);
    assert.equal((await range('{app="rt"}', 'rt', { limit: '10' })).text, 'max entries limit per query exceeded, limit > max_entries_limit_per_query (10 > 5)');
    await writeOverrides(overrides('1m', '1KB', 50));
    await waitUntil(async () => (await push(s.url, [{ labels: { app: 'rt' }, entries: [{ ts: NOW, line: long }] }], 'json', { 'X-Scope-OrgID': 'rt' })).status === 204, 'the push limit to change');
    const rt = await range('{app="rt"}', 'rt', { limit: '10' });
    assert.equal(rt.status, 200, rt.text);
    assert.deepEqual(rt.body.data.result.flatMap((x) => x.values!.map((v) => v[1])), [long]);

    const full = await heavy();
    assert.equal(full.status, 200, full.text);
    console.log(`heavy query: ${full.elapsed.toFixed(0)} ms in full, 504 after ${timedOut.elapsed.toFixed(0)} ms (query_timeout 50ms)`);
    assert.ok(timedOut.elapsed < full.elapsed / 2, `timed out after ${timedOut.elapsed} ms, full run ${full.elapsed} ms`);

    const ac = new AbortController();
    const gone = heavy({}, ac.signal).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
    const abortedAt = performance.now();
    ac.abort();
    await gone;
    const count499 = async () => {
      const m = await (await fetch(`${s.url}/metrics`)).text();
      const line = m.split('\n').find((l) => l.startsWith('loki_request_duration_seconds_count{') && l.includes('route="loki_api_v1_query_range"') && l.includes('status_code="499"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    await waitUntil(async () => (await count499()) === 1, 'the 499');
    const stoppedAfter = performance.now() - abortedAt;
    console.log(`client gone: query stopped ${stoppedAfter.toFixed(0)} ms after the disconnect`);
    assert.ok(stoppedAfter < full.elapsed, `stopped ${stoppedAfter} ms after the disconnect, full run ${full.elapsed} ms`);
  });

  it('runs at most querier.max_concurrent queries per tenant, queues max_outstanding_per_tenant, refuses more with 429', { timeout: 60_000 }, async () => {
    const heavy = () => get('/loki/api/v1/query_range', { query: MEDIUM, start: String(NOW - 3600n * SEC), end: String(NOW), step: '1' }, 'slow');
    const flood = Array.from({ length: 5 }, () => heavy());
    await new Promise((r) => setTimeout(r, 20));
    const other = await range('{job="many", n="1"}', 'lim', { limit: '5' });
    const results = await Promise.all(flood);
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    assert.equal(results.find((r) => r.status === 429)!.text, 'too many outstanding requests');
    assert.equal(other.status, 200);
    const slowest = Math.max(...results.map((r) => r.elapsed));
    console.log(`per-tenant queue: other tenant answered in ${other.elapsed.toFixed(0)} ms while the flood took ${slowest.toFixed(0)} ms`);
    assert.ok(other.elapsed < slowest / 2);
  });
});
