import assert from 'node:assert/strict';
import { gzipSync, deflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { compressSync } from 'snappy';
import { encodeJsonPush, encodeProtobufPush, push } from '../helpers/push-client.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;

async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/loki/api/v1/push`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

async function queryLines(url: string, query: string, headers: Record<string, string> = {}): Promise<string[]> {
  const q = new URLSearchParams({ query, start: (NOW_NS - 7_200_000_000_000n).toString(), end: (NOW_NS + 600_000_000_000n).toString(), limit: '1000', direction: 'forward' });
  const res = await fetch(`${url}/loki/api/v1/query_range?${q}`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { data: { result: { values: [string, string][] }[] } };
  return body.data.result.flatMap((r) => r.values.map((v) => v[1]));
}

const JSON_CT = { 'Content-Type': 'application/json' };

describe('push API', () => {
  let s: InProcessSkald;
  before(async () => {
    s = await startInProcess(`
server:
  http_server_max_request_body_size: 4194304
limits_config:
  max_line_size: 1KB
  max_label_names_per_series: 5
  max_global_streams_per_user: 50
`);
  });
  after(async () => { await s.stop(); });

  it('accepts JSON and protobuf pushes with 204 and reads them back', async () => {
    const r1 = await push(s.url, [{ labels: { app: 'a', format: 'json' }, entries: [{ ts: NOW_NS, line: 'hello json' }] }], 'json');
    assert.equal(r1.status, 204);
    const r2 = await push(s.url, [{ labels: { app: 'a', format: 'pb' }, entries: [{ ts: NOW_NS + 1n, line: 'hello protobuf', metadata: { trace_id: 't1' } }] }], 'protobuf');
    assert.equal(r2.status, 204);
    assert.deepEqual(await queryLines(s.url, '{app="a"}'), ['hello json', 'hello protobuf']);
  });

  it('accepts gzip and deflate bodies and the legacy path', async () => {
    const body = encodeJsonPush([{ labels: { app: 'enc' }, entries: [{ ts: NOW_NS, line: 'gz' }] }]);
    assert.equal((await post(s.url, gzipSync(body), { ...JSON_CT, 'Content-Encoding': 'gzip' })).status, 204);
    const body2 = encodeJsonPush([{ labels: { app: 'enc' }, entries: [{ ts: NOW_NS + 1n, line: 'deflate' }] }]);
    assert.equal((await post(s.url, deflateSync(body2), { ...JSON_CT, 'Content-Encoding': 'deflate' })).status, 204);
    const pb = encodeProtobufPush([{ labels: { app: 'enc' }, entries: [{ ts: NOW_NS + 2n, line: 'legacy' }] }]);
    const res = await fetch(`${s.url}/api/prom/push`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body: pb });
    assert.equal(res.status, 204);
    assert.deepEqual(await queryLines(s.url, '{app="enc"}'), ['gz', 'deflate', 'legacy']);
  });

  it('drops exact duplicates but keeps equal timestamps with different lines', async () => {
    const streams = [{ labels: { app: 'dup' }, entries: [{ ts: NOW_NS, line: 'same' }, { ts: NOW_NS, line: 'same' }, { ts: NOW_NS, line: 'other' }] }];
    assert.equal((await push(s.url, streams, 'json')).status, 204);
    assert.equal((await push(s.url, streams, 'protobuf')).status, 204);
    assert.deepEqual(await queryLines(s.url, '{app="dup"}'), ['same', 'other']);
  });

  it('answers 422 for a push without streams', async () => {
    const r = await post(s.url, '{"streams":[]}', JSON_CT);
    assert.equal(r.status, 422);
    assert.match(r.text, /at least one valid stream is required/);
  });

  it('answers 400 for malformed JSON, protobuf and snappy bodies', async () => {
    for (const body of ['{"streams":[', '{"streams":[{"stream":{"a":"b"},"values":[[1,"x"]]}]}', 'not json']) {
      const r = await post(s.url, body, JSON_CT);
      assert.equal(r.status, 400, body);
      assert.ok(r.text.length > 0);
    }
    const badSnappy = await post(s.url, Buffer.from([0x05, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), { 'Content-Type': 'application/x-protobuf' });
    assert.equal(badSnappy.status, 400);
    const badProto = await post(s.url, compressSync(Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02])), { 'Content-Type': 'application/x-protobuf' });
    assert.equal(badProto.status, 400);
    const badEncoding = await post(s.url, '{}', { ...JSON_CT, 'Content-Encoding': 'br' });
    assert.equal(badEncoding.status, 400);
    assert.match(badEncoding.text, /Content-Encoding "br" not supported/);
  });

  it('fails the whole push on unparsable labels, like Loki', async () => {
    const body = JSON.stringify({ streams: [
      { stream: { 'bad.name': 'x' }, values: [[NOW_NS.toString(), 'rejected']] },
      { stream: { app: 'unparsable' }, values: [[NOW_NS.toString(), 'not kept either']] },
    ] });
    const r = await post(s.url, body, JSON_CT);
    assert.equal(r.status, 400);
    assert.match(r.text, /couldn't parse labels: .*unexpected character inside braces: '\.'/);
    assert.deepEqual(await queryLines(s.url, '{app="unparsable"}'), []);
  });

  it('writes valid streams and answers 400 naming invalid ones (partial success)', async () => {
    const body = JSON.stringify({ streams: [
      { stream: { app: 'partial' }, values: [[NOW_NS.toString(), 'kept']] },
      { stream: { app: 'partial', a: '1', b: '2', c: '3', d: '4', e: '5' }, values: [[NOW_NS.toString(), 'too many labels']] },
    ] });
    const r = await post(s.url, body, JSON_CT);
    assert.equal(r.status, 400);
    assert.match(r.text, /has 6 label names; limit 5/);
    assert.deepEqual(await queryLines(s.url, '{app="partial"}'), ['kept']);
  });

  it('rejects oversize lines with 400 and keeps the rest', async () => {
    const r = await push(s.url, [{ labels: { app: 'size' }, entries: [{ ts: NOW_NS, line: 'x'.repeat(2000) }, { ts: NOW_NS + 1n, line: 'small' }] }], 'json');
    assert.equal(r.status, 400);
    assert.match(await r.text(), /Max entry size '1024' bytes exceeded/);
    assert.deepEqual(await queryLines(s.url, '{app="size"}'), ['small']);
  });

  it('answers 413 for oversize bodies and gzip bombs, and keeps serving', async () => {
    const big = await post(s.url, Buffer.alloc(5 << 20, 0x20), JSON_CT);
    assert.equal(big.status, 413);
    const snappyBomb = await post(s.url, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), { 'Content-Type': 'application/x-protobuf' });
    assert.equal(snappyBomb.status, 413);
    const bomb = gzipSync(Buffer.alloc(64 << 20));
    assert.ok(bomb.length < 1 << 20);
    const t0 = Date.now();
    const r = await post(s.url, bomb, { ...JSON_CT, 'Content-Encoding': 'gzip' });
    assert.equal(r.status, 413);
    assert.ok(Date.now() - t0 < 5000);
    assert.equal((await push(s.url, [{ labels: { app: 'after' }, entries: [{ ts: NOW_NS, line: 'still up' }] }], 'json')).status, 204);
  });

  it('rejects entries too far behind the stream with 400', async () => {
    assert.equal((await push(s.url, [{ labels: { app: 'ooo' }, entries: [{ ts: NOW_NS, line: 'new' }] }], 'json')).status, 204);
    const old = NOW_NS - 2n * 3_600_000_000_000n;
    const r = await push(s.url, [{ labels: { app: 'ooo' }, entries: [{ ts: old, line: 'old' }, { ts: NOW_NS - 1_000_000_000n, line: 'recent' }] }], 'json');
    assert.equal(r.status, 400);
    assert.match(await r.text(), /entry too far behind.*total ignored: 1 out of 2 for stream: \{app="ooo"/s);
    assert.deepEqual(await queryLines(s.url, '{app="ooo"}'), ['recent', 'new']);
  });

  it('answers 429 when the tenant exceeds its stream limit', async () => {
    const streams = Array.from({ length: 60 }, (_, i) => ({ labels: { app: 'many', n: String(i) }, entries: [{ ts: NOW_NS, line: 'x' }] }));
    const r = await push(s.url, streams, 'json');
    assert.equal(r.status, 429);
    assert.match(await r.text(), /Maximum active stream limit exceeded/);
  });
});

describe('push API: tenants and rate limits', () => {
  let s: InProcessSkald;
  before(async () => {
    s = await startInProcess(`
limits_config:
  ingestion_rate_mb: 0.01
  ingestion_burst_size_mb: 0.01
`, ['-auth.enabled=true']);
  });
  after(async () => { await s.stop(); });

  it('needs a valid X-Scope-OrgID when auth is enabled', async () => {
    const body = encodeJsonPush([{ labels: { app: 't' }, entries: [{ ts: NOW_NS, line: 'x' }] }]);
    const missing = await post(s.url, body, JSON_CT);
    assert.equal(missing.status, 401);
    assert.equal(missing.text.trim(), 'no org id');
    for (const bad of ['a/b', '..', 'x'.repeat(151), 'a|b']) {
      const r = await post(s.url, body, { ...JSON_CT, 'X-Scope-OrgID': bad });
      assert.ok(r.status === 401 || r.status === 400, `${bad}: ${r.status}`);
    }
    assert.equal((await post(s.url, body, { ...JSON_CT, 'X-Scope-OrgID': 'team-a' })).status, 204);
  });

  it('isolates tenants on read', async () => {
    const body = encodeJsonPush([{ labels: { app: 'iso' }, entries: [{ ts: NOW_NS, line: 'secret of b' }] }]);
    assert.equal((await post(s.url, body, { ...JSON_CT, 'X-Scope-OrgID': 'tenant-b' })).status, 204);
    assert.deepEqual(await queryLines(s.url, '{app="iso"}', { 'X-Scope-OrgID': 'tenant-a' }), []);
    assert.deepEqual(await queryLines(s.url, '{app="iso"}', { 'X-Scope-OrgID': 'tenant-b' }), ['secret of b']);
  });

  it('answers 429 above the ingestion rate', async () => {
    const line = 'y'.repeat(1000);
    const streams = [{ labels: { app: 'rate' }, entries: Array.from({ length: 50 }, (_, i) => ({ ts: NOW_NS + BigInt(i), line })) }];
    const r = await push(s.url, streams, 'json', { 'X-Scope-OrgID': 'team-a' });
    assert.equal(r.status, 429);
    assert.match(await r.text(), /Ingestion rate limit exceeded for user team-a/);
  });
});
