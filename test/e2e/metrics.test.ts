import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push, type TestStream } from '../helpers/push-client.js';

let skald: InProcessSkald;

before(async () => { skald = await startInProcess(); });
after(async () => { await skald.stop(); });

interface Sample { readonly name: string; readonly labels: Record<string, string>; readonly value: number }

/** Parses the Prometheus text exposition format (enough of it for Skald's own output). */
function parseMetrics(body: string): Sample[] {
  const out: Sample[] = [];
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${skald.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return parseMetrics(await res.text());
}

/** Sum over the series of name whose labels include want. */
function total(samples: Sample[], name: string, want: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

function has(samples: Sample[], name: string): boolean {
  return samples.some((s) => s.name === name);
}

const now = BigInt(Date.now()) * 1_000_000n;
const streams: TestStream[] = [
  { labels: { job: 'metrics-a' }, entries: Array.from({ length: 7 }, (_, i) => ({ ts: now + BigInt(i), line: `line a ${i}` })) },
  { labels: { job: 'metrics-b' }, entries: Array.from({ length: 5 }, (_, i) => ({ ts: now + BigInt(i), line: `line bb ${i} ${'x'.repeat(i)}` })) },
];
const N = streams.reduce((a, s) => a + s.entries.length, 0);
const B = streams.reduce((a, s) => a + s.entries.reduce((b, e) => b + Buffer.byteLength(e.line), 0), 0);

test('metrics reflect a known push, a query, a rejected line and a flush', async () => {
  const before = await scrape();
  // Series with no observations yet may be absent; everything starts at zero.
  assert.equal(total(before, 'loki_distributor_lines_received_total'), 0);
  assert.equal(total(before, 'loki_ingester_streams_created_total'), 0);

  const res = await push(skald.url, streams, 'protobuf');
  assert.equal(res.status, 204);

  const q = new URLSearchParams({ query: '{job=~"metrics-.*"}', start: String(now - 60_000_000_000n), end: String(now + 60_000_000_000n), limit: '100' });
  const qres = await fetch(`${skald.url}/loki/api/v1/query_range?${q}`);
  assert.equal(qres.status, 200);
  const body = await qres.json() as { data: { result: { values: unknown[] }[] } };
  assert.equal(body.data.result.reduce((a, r) => a + r.values.length, 0), N);

  let m = await scrape();
  assert.equal(total(m, 'loki_distributor_lines_received_total', { tenant: 'fake' }), N);
  // Like Loki, received bytes include structured metadata, here the detected_level=unknown added to each line.
  assert.equal(total(m, 'loki_distributor_bytes_received_total', { tenant: 'fake' }), B + N * ('detected_level'.length + 'unknown'.length));
  assert.equal(total(m, 'loki_ingester_streams_created_total'), 2);
  assert.equal(total(m, 'loki_ingester_memory_streams'), 2);
  assert.ok(total(m, 'loki_ingester_wal_records_logged_total') > 0, 'WAL records logged');
  assert.equal(total(m, 'loki_discarded_samples_total'), 0);

  const push204 = { method: 'POST', route: 'loki_api_v1_push', status_code: '204' };
  assert.equal(total(m, 'loki_request_duration_seconds_count', push204), 1);
  assert.ok(total(m, 'loki_request_duration_seconds_sum', push204) > 0);
  assert.ok(total(m, 'loki_request_duration_seconds_sum', push204) < 10);
  assert.equal(total(m, 'loki_request_duration_seconds_bucket', { ...push204, le: '+Inf' }), 1);
  const query200 = { method: 'GET', route: 'loki_api_v1_query_range', status_code: '200' };
  assert.equal(total(m, 'loki_request_duration_seconds_count', query200), 1);
  assert.ok(total(m, 'loki_request_duration_seconds_sum', query200) > 0);

  // A line older than reject_old_samples_max_age (1 week by default) is refused and counted.
  const old = now - 30n * 24n * 3600n * 1_000_000_000n;
  const rej = await push(skald.url, [{ labels: { job: 'metrics-a' }, entries: [{ ts: old, line: 'too old' }] }], 'json');
  assert.equal(rej.status, 400);
  await rej.text();
  m = await scrape();
  assert.equal(total(m, 'loki_discarded_samples_total', { reason: 'greater_than_max_sample_age', tenant: 'fake' }), 1);
  assert.equal(total(m, 'loki_discarded_bytes_total', { reason: 'greater_than_max_sample_age', tenant: 'fake' }), 'too old'.length);
  assert.equal(total(m, 'loki_distributor_lines_received_total'), N, 'a rejected line is not received');
  assert.equal(total(m, 'loki_request_duration_seconds_count', { method: 'POST', route: 'loki_api_v1_push', status_code: '400' }), 1);

  assert.equal(total(m, 'loki_ingester_chunks_flushed_total'), 0);
  const flush = await fetch(`${skald.url}/flush`, { method: 'POST' });
  assert.equal(flush.status, 204);
  m = await scrape();
  const flushed = total(m, 'loki_ingester_chunks_flushed_total');
  assert.ok(flushed >= 2 && flushed <= 4, `chunks flushed: ${flushed}`);
  assert.ok(has(m, 'loki_build_info'));
});
