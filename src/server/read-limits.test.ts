import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntryBatch } from '../chunk/index.js';
import { defaultLimits } from '../config/defaults.js';
import { LabelMatcher } from '../model/matcher.js';
import type { SeriesSource } from '../querier/sources.js';
import { ClientClosedError } from '../util/errors.js';
import { selectAcrossTenants, splitTenantMatchers } from './multi-tenant.js';
import { TenantQueryScheduler } from './query-scheduler.js';
import { ReadGuard, combinedLimits, humanizeIBytes, queryTooManyBytesMessage } from './read-guard.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('TenantQueryScheduler', () => {
  it('runs up to maxConcurrent per tenant, queues the rest in order, and leaves other tenants alone', async () => {
    const s = new TenantQueryScheduler(2, 10);
    const never = new AbortController().signal;
    const gates: Array<() => void> = [];
    const order: string[] = [];
    const job = (name: string) => () => new Promise<string>((resolve) => { order.push(name); gates.push(() => resolve(name)); });
    const a = ['a1', 'a2', 'a3', 'a4'].map((n) => s.run('a', never, job(n)));
    const b = s.run('b', never, job('b1'));
    await tick();
    assert.deepEqual(order, ['a1', 'a2', 'b1']);
    assert.deepEqual(s.stats('a'), { running: 2, queued: 2 });
    gates[0]();
    await tick();
    assert.deepEqual(order, ['a1', 'a2', 'b1', 'a3']);
    for (let i = 1; i < 10 && gates.length > i; i++) gates[i]();
    await tick();
    for (const g of gates) g();
    assert.deepEqual(await Promise.all([...a, b]), ['a1', 'a2', 'a3', 'a4', 'b1']);
    assert.deepEqual(s.stats('a'), { running: 0, queued: 0 });
  });

  it('refuses with 429 when the queue is full and drops aborted waiters with 499', async () => {
    const s = new TenantQueryScheduler(1, 1);
    const never = new AbortController().signal;
    let release!: () => void;
    const first = s.run('t', never, () => new Promise<void>((r) => { release = r; }));
    const ac = new AbortController();
    const queued = s.run('t', ac.signal, async () => 'ran');
    await assert.rejects(s.run('t', never, async () => 'x'), { status: 429, message: 'too many outstanding requests' });
    ac.abort();
    await assert.rejects(queued, (e: unknown) => e instanceof ClientClosedError);
    assert.deepEqual(s.stats('t'), { running: 1, queued: 0 });
    release();
    await first;
    assert.equal(await s.run('t', never, async () => 'after'), 'after');
  });
});

function batch(lines: string[]): EntryBatch {
  const buf = Buffer.from(lines.join(''));
  const lineStart = new Uint32Array(lines.length + 1);
  for (let i = 0; i < lines.length; i++) lineStart[i + 1] = lineStart[i] + Buffer.byteLength(lines[i]);
  return { count: lines.length, ts: new BigInt64Array(lines.length), lines: buf, lineStart, metadata: null };
}

function* oneShot(b: EntryBatch): Generator<EntryBatch> { yield b; }

function source(chunks: number, line = 'x'.repeat(100)): SeriesSource {
  return {
    labels: [{ name: 'app', value: 'a' }], key: '{app="a"}',
    chunks: Array.from({ length: chunks }, (_, i) => ({ minTs: BigInt(i), maxTs: BigInt(i), batches: async () => oneShot(batch([line])) })),
  };
}

describe('ReadGuard', () => {
  it('passes batches through (even one-shot generators) and counts line bytes', async () => {
    const g = new ReadGuard(new AbortController().signal);
    const [s] = g.wrap([source(3)]);
    let n = 0;
    for (const c of s.chunks) for (const b of await c.batches(0n, 10n)) n += b.count;
    assert.equal(n, 3);
    assert.equal(g.bytesRead, 300);
  });

  it('stops handing out data once a byte budget is spent', async () => {
    const g = new ReadGuard(new AbortController().signal);
    g.limitBytes(250);
    const [s] = g.wrap([source(5)]);
    let n = 0;
    for (const c of s.chunks) for (const b of await c.batches(0n, 10n)) n += b.count;
    assert.equal(n, 3);
    assert.ok(g.exhausted);
  });

  it('throws 499 once the signal fires and lets timers run during long reads', async () => {
    const ac = new AbortController();
    const g = new ReadGuard(ac.signal);
    const [s] = g.wrap([source(100_000)]);
    setTimeout(() => ac.abort(), 20);
    const t0 = performance.now();
    await assert.rejects(async () => {
      for (const c of s.chunks) {
        await c.batches(0n, 10n);
        const until = performance.now() + 0.05;
        while (performance.now() < until) { /* busy: a chunk's worth of work */ }
      }
    }, (e: unknown) => e instanceof ClientClosedError);
    assert.ok(performance.now() - t0 < 1000);
  });
});

describe('read limit helpers', () => {
  it('formats bytes like go-humanize IBytes', () => {
    assert.equal(humanizeIBytes(5), '5 B');
    assert.equal(humanizeIBytes(1536), '1.5 KiB');
    assert.equal(humanizeIBytes(10 * 1024 * 1024), '10 MiB');
    assert.equal(queryTooManyBytesMessage(2048, 1024), 'the query would read too many bytes (query: 2.0 KiB, limit: 1.0 KiB); consider adding more specific stream selectors or reduce the time range of the query');
  });

  it('combines tenants\' limits with the smallest positive value', () => {
    const a = { ...defaultLimits(), max_query_series: 10, max_query_bytes_read: 0, query_timeout: 5000, skald_partial_results: true };
    const b = { ...defaultLimits(), max_query_series: 0, max_query_bytes_read: 100, query_timeout: 1000, skald_partial_results: false };
    const c = combinedLimits(['a', 'b'], (t) => (t === 'a' ? a : b));
    assert.equal(c.max_query_series, 10);
    assert.equal(c.max_query_bytes_read, 100);
    assert.equal(c.query_timeout, 1000);
    assert.equal(c.skald_partial_results, false);
    assert.equal(combinedLimits(['a'], () => a), a);
  });

  it('picks tenants with __tenant_id__ matchers and labels each stream with its tenant', async () => {
    const m = (n: string, t: '=' | '!=' | '=~', v: string) => new LabelMatcher(n, t, v);
    assert.deepEqual(splitTenantMatchers(['a', 'b', 'c'], [m('__tenant_id__', '=~', 'a|c'), m('app', '=', 'x')]).tenants, ['a', 'c']);
    assert.throws(() => splitTenantMatchers(['a', 'b'], [m('__tenant_id__', '=', 'a')]), { status: 400 });
    const seen: string[] = [];
    const out = await selectAcrossTenants(async (t, ms) => { seen.push(`${t}:${ms.length}`); return [source(1)]; }, ['a', 'b'], [m('__tenant_id__', '!=', 'b'), m('app', '=', 'a')], 0n, 1n);
    assert.deepEqual(seen, ['a:1']);
    assert.equal(out[0].key, '{__tenant_id__="a", app="a"}');
    const single = await selectAcrossTenants(async () => [source(1)], ['a'], [m('app', '=', 'a')], 0n, 1n);
    assert.equal(single[0].key, '{app="a"}');
  });
});
