import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push } from '../helpers/push-client.js';

const SEC = 1_000_000_000n;
const NOW = BigInt(Date.now()) * 1_000_000n;

/** Tenant IDs that share a prefix, so a store keyed carelessly by prefix would mix them. */
const A = { 'X-Scope-OrgID': 'acme' };
const B = { 'X-Scope-OrgID': 'acme-evil' };

describe('tenant isolation on query, query_range and tail', () => {
  let s: InProcessSkald;
  before(async () => {
    s = await startInProcess('auth_enabled: true\nlimits_config:\n  discover_service_name: []\n  discover_log_levels: false\n');
    assert.equal((await push(s.url, [{ labels: { app: 'shop' }, entries: [{ ts: NOW - 30n * SEC, line: 'order 1 paid' }] }], 'json', A)).status, 204);
    assert.equal((await push(s.url, [{ labels: { app: 'shop' }, entries: [{ ts: NOW - 20n * SEC, line: 'password=hunter2' }] }], 'protobuf', B)).status, 204);
  });
  after(async () => { await s.stop(); });

  const get = async (path: string, params: Record<string, string>, headers: Record<string, string>) => {
    const res = await fetch(`${s.url}${path}?${new URLSearchParams(params)}`, { headers });
    return { status: res.status, text: await res.text() };
  };
  const reads: [string, Record<string, string>][] = [
    ['/loki/api/v1/query_range', { query: '{app="shop"}', start: String(NOW - 3600n * SEC), end: String(NOW + SEC) }],
    ['/loki/api/v1/query_range', { query: '{app=~".+"} |= ""', start: String(NOW - 3600n * SEC), end: String(NOW + SEC), direction: 'forward' }],
    ['/loki/api/v1/query_range', { query: 'sum by (app) (count_over_time({app=~".+"}[5m]))', start: String(NOW - 600n * SEC), end: String(NOW), step: '60' }],
    ['/loki/api/v1/query', { query: 'count_over_time({app="shop"} |= "e" [5m])', time: String(NOW) }],
  ];

  const checkIsolation = async () => {
    for (const [path, params] of reads) {
      const a = await get(path, params, A);
      const b = await get(path, params, B);
      assert.equal(a.status, 200, `${path}: ${a.text}`);
      assert.equal(b.status, 200, `${path}: ${b.text}`);
      assert.doesNotMatch(a.text, /hunter2/, `${path} ${params.query}`);
      assert.doesNotMatch(b.text, /order 1/, `${path} ${params.query}`);
      if (path.endsWith('query_range') && !params.query.startsWith('sum')) {
        assert.match(a.text, /order 1 paid/);
        assert.match(b.text, /hunter2/);
      } else {
        // One line each in range: a count of 1 (never 2) shows the other tenant's line was not counted.
        assert.match(a.text, /"1"\]/);
        assert.doesNotMatch(a.text, /"2"\]/);
      }
    }
  };

  it('keeps each tenant\'s lines and counts to itself, in memory', checkIsolation);

  it('still does once chunks are flushed to the store', async () => {
    assert.equal((await fetch(`${s.url}/flush`, { method: 'POST' })).status, 204);
    await checkIsolation();
  });

  it('refuses reads without a tenant and multi-tenant reads when they are off', async () => {
    for (const [path, params] of reads) {
      assert.deepEqual(await get(path, params, {}), { status: 401, text: 'no org id' });
      assert.deepEqual(await get(path, params, { 'X-Scope-OrgID': 'acme|acme-evil' }), { status: 400, text: 'multiple org IDs present' });
    }
  });

  it('tails only the tenant\'s own new lines', async () => {
    const received: string[] = [];
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/loki/api/v1/tail?${new URLSearchParams({ query: '{app="shop"}', start: String(NOW) })}`, { headers: A });
    ws.on('message', (d) => {
      const frame = JSON.parse(String(d)) as { streams?: { values: string[][] }[] };
      for (const st of frame.streams ?? []) for (const v of st.values) received.push(v[1]);
    });
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    await push(s.url, [{ labels: { app: 'shop' }, entries: [{ ts: BigInt(Date.now()) * 1_000_000n, line: 'evil live line' }] }], 'json', B);
    await push(s.url, [{ labels: { app: 'shop' }, entries: [{ ts: BigInt(Date.now()) * 1_000_000n, line: 'acme live line' }] }], 'json', A);
    const end = Date.now() + 5000;
    while (!received.includes('acme live line') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    assert.ok(received.includes('acme live line'), JSON.stringify(received));
    assert.ok(!received.some((l) => l.includes('evil') || l.includes('hunter2')), JSON.stringify(received));
  });
});
