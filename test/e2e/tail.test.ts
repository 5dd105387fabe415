import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push, type TestStream } from '../helpers/push-client.js';

const SEC = 1_000_000_000n;
const now = () => BigInt(Date.now()) * 1_000_000n;

interface Frame {
  streams: { stream: Record<string, string>; values: unknown[][] }[];
  dropped_entries?: unknown[];
  encodingFlags?: string[];
}

/** A tail client collecting frames; `lines()` lists the lines received so far. */
class TailClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  pings = 0;
  closed: { code: number; reason: string } | undefined;
  readonly opened: Promise<void>;

  constructor(url: string, path: string, params: Record<string, string>, headers: Record<string, string>) {
    this.ws = new WebSocket(`${url.replace('http', 'ws')}${path}?${new URLSearchParams(params)}`, { headers });
    this.ws.on('message', (d) => this.frames.push(JSON.parse(String(d)) as Frame));
    this.ws.on('ping', () => this.pings++);
    this.ws.on('close', (code, reason) => { this.closed = { code, reason: String(reason) }; });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  lines(): string[] {
    return this.frames.flatMap((f) => (f.streams ?? []).flatMap((s) => s.values.map((v) => String(v[1]))));
  }

  async waitFor(pred: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out; frames: ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Closes and waits until the server has let the tail go. */
  async close(): Promise<void> {
    this.ws.close();
    await this.waitFor(() => this.closed !== undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The status of a refused upgrade and its body. */
function refused(url: string, path: string, params: Record<string, string>, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}?${new URLSearchParams(params)}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => { ws.close(); reject(new Error('upgrade was accepted')); });
    ws.on('error', () => undefined);
  });
}

describe('live tail over WebSocket', () => {
  let s: InProcessSkald;
  const A = { 'X-Scope-OrgID': 'tenant-a' };
  const B = { 'X-Scope-OrgID': 'tenant-b' };
  const stream = (app: string, lines: string[], at = now()): TestStream[] => [{ labels: { app }, entries: lines.map((line, i) => ({ ts: at + BigInt(i), line })) }];

  before(async () => {
    s = await startInProcess('auth_enabled: true\nlimits_config:\n  max_concurrent_tail_requests: 2\n  discover_service_name: []\n  discover_log_levels: false\n');
    assert.equal((await push(s.url, stream('api', ['old-1', 'old-2'], now() - 30n * SEC), 'json', A)).status, 204);
    assert.equal((await push(s.url, stream('api', ['b-old'], now() - 30n * SEC), 'json', B)).status, 204);
  });
  after(async () => { await s.stop(); });

  it('sends the history first, then live entries of the tenant only, and pings', async () => {
    const c = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, A);
    await c.opened;
    await c.waitFor(() => c.lines().length === 2);
    assert.deepEqual(c.lines(), ['old-1', 'old-2']);
    assert.deepEqual(c.frames[0].streams[0].stream, { app: 'api' });
    assert.equal((await push(s.url, stream('api', ['b-live']), 'json', B)).status, 204);
    assert.equal((await push(s.url, stream('web', ['other-app']), 'json', A)).status, 204);
    assert.equal((await push(s.url, stream('api', ['live-1', 'live-2']), 'json', A)).status, 204);
    await c.waitFor(() => c.lines().length === 4);
    assert.deepEqual(c.lines(), ['old-1', 'old-2', 'live-1', 'live-2']);
    await c.waitFor(() => c.pings > 0, 3000);
    await c.close();
  });

  it('applies the query pipeline and categorize-labels', async () => {
    const c = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"} |= "keep"', limit: '1' }, { ...A, 'X-Loki-Response-Encoding-Flags': 'categorize-labels' });
    await c.opened;
    await push(s.url, [{ labels: { app: 'api' }, entries: [{ ts: now(), line: 'drop me' }, { ts: now() + 1n, line: 'keep me', metadata: { trace_id: 't1' } }] }], 'json', A);
    await c.waitFor(() => c.lines().includes('keep me'));
    assert.ok(!c.lines().includes('drop me'));
    const f = c.frames.at(-1)!;
    assert.deepEqual(f.encodingFlags, ['categorize-labels']);
    assert.deepEqual(f.streams.at(-1)!.values[0][2], { structuredMetadata: { trace_id: 't1' } });
    await c.close();
  });

  it('serves the legacy path in the legacy shape', async () => {
    const c = new TailClient(s.url, '/api/prom/tail', { query: '{app="api"}', limit: '1' }, B);
    await c.opened;
    await c.waitFor(() => c.frames.length > 0);
    const f = c.frames[0] as unknown as { streams: { labels: string; entries: { ts: string; line: string }[] }[] };
    assert.equal(f.streams[0].labels, '{app="api"}');
    assert.equal(f.streams[0].entries[0].line, 'b-live');
    await c.close();
  });

  it('refuses bad requests before the upgrade', async () => {
    assert.deepEqual(await refused(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, {}), { status: 401, body: 'no org id' });
    assert.deepEqual(await refused(s.url, '/loki/api/v1/tail', { query: '{app="api"}', delay_for: '6' }, A), { status: 400, body: "delay_for can't be greater than 5" });
    assert.equal((await refused(s.url, '/loki/api/v1/tail', { query: '{app=' }, A)).status, 400);
    const plain = await fetch(`${s.url}/loki/api/v1/tail?query=${encodeURIComponent('{app="api"}')}`, { headers: A });
    assert.equal(plain.status, 400);
  });

  it('enforces max_concurrent_tail_requests per tenant', async () => {
    const c1 = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, A);
    const c2 = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, A);
    await Promise.all([c1.opened, c2.opened]);
    assert.deepEqual(await refused(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, A), { status: 400, body: 'max concurrent tail requests limit exceeded, count > limit (3 > 2)' });
    const other = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, B);
    await other.opened;
    await other.close();
    await c1.close();
    const c3 = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, A);
    await c3.opened;
    await c3.close();
    await c2.close();
  });

  it('holds entries back for delay_for', async () => {
    const c = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="slow"}', delay_for: '1' }, A);
    await c.opened;
    const t0 = Date.now();
    await push(s.url, stream('slow', ['late']), 'json', A);
    await c.waitFor(() => c.lines().includes('late'));
    assert.ok(Date.now() - t0 >= 900, `released after ${Date.now() - t0} ms`);
    await c.close();
  });
});

describe('live tail lifetime', () => {
  it('ends a tail after tail_max_duration and closes open tails when the server stops', { timeout: 20_000 }, async () => {
    const s = await startInProcess('querier:\n  tail_max_duration: 1s\n');
    const short = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, {});
    await short.opened;
    await short.waitFor(() => short.closed !== undefined, 5000);
    assert.deepEqual(short.closed, { code: 1011, reason: 'reached tail max duration limit' });
    const open = new TailClient(s.url, '/loki/api/v1/tail', { query: '{app="api"}' }, {});
    await open.opened;
    const t0 = Date.now();
    await s.stop();
    assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
    await open.waitFor(() => open.closed !== undefined);
    assert.equal(open.closed?.code, 1001);
  });
});
