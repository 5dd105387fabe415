#!/usr/bin/env node
// Query benchmark without the full harness: pushes the benchmark data set (half JSON, half
// protobuf, 1,000 streams, like ../shared/bench/run-side-by-side.mjs) into a Skald started from
// source, runs the LogQL query set against the data in memory, POST /flush, runs it again from
// storage. Per query: median wall seconds, server CPU seconds, extra RSS over the server's RSS
// before the query (sampled every 20 ms), result signature.
//
//   node bench/query-bench.mjs [--bytes 200MB] [--reps 3] [--warmup 1] [--only a,b] [--phases memory,storage]
//     [--dist] (run dist/ instead of src/ via tsx) [--prof DIR] (server --cpu-prof into DIR)
//     [--node-flags trace-gc,max-semi-space-size=32] (server node flags, without dashes)
//     [--keep DIR] (keep the pushed, unflushed data dir) [--reuse DIR] (start from a copy of a kept dir:
//     the WAL replay puts the data back in memory, nothing is pushed) [--keep-flushed DIR] (the data dir
//     after the flush: reused, it gives a storage-only server) [--json FILE] [--server-arg=-flag=value ...]
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchConfig, copyHarness, QUERY_LIMITS, ROOT } from './setup.mjs';

const work = mkdtempSync(join(tmpdir(), 'skald-qbench-'));
const SHARED = join(work, 'harness');
copyHarness(resolve(ROOT, '../shared/bench'), SHARED);
const { parseArgs, parseBytes, makeAgent, median, procCpuSeconds, sleep, request } = await import(join(SHARED, 'lib.mjs'));
const { makePlan, payloadRounds, pushPayloads } = await import(join(SHARED, 'ingest.mjs'));
const { QUERIES, runOnce, selectQueries } = await import(join(SHARED, 'query.mjs'));

const a = parseArgs(process.argv.slice(2));
const totalBytes = parseBytes(a.bytes ?? '200MB');
const reps = Number(a.reps ?? 3);
const warmup = Number(a.warmup ?? 1);
const phases = String(a.phases ?? 'memory,storage').split(',');
const queries = selectQueries(a.only);
const SPAN_MIN = 40;

const data = join(work, 'data');
if (a.reuse) cpSync(resolve(String(a.reuse)), data, { recursive: true });
const port = 3000 + Math.floor(Math.random() * 2000) + 1000;
const config = join(work, 'skald.yaml');
writeFileSync(config, benchConfig({ port, data, ingester: '  wal:\n    fsync: never\n', limits: QUERY_LIMITS }));

function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const nodeArgs = a['node-flags'] ? String(a['node-flags']).split(',').filter(Boolean).map((f) => `--${f}`) : [];
if (a.prof) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(String(a.prof))}`);
const entry = a.dist ? [join(ROOT, 'dist/cli/main.js')] : ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
// --server-arg=-flag=value (repeatable): extra skald flags, e.g. -querier.scan-workers=2.
const serverArgs = process.argv.slice(2).filter((x) => x.startsWith('--server-arg=')).map((x) => x.slice('--server-arg='.length));
const server = spawn(process.execPath, [...nodeArgs, ...entry, `-config.file=${config}`, ...serverArgs], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
const url = `http://127.0.0.1:${port}`;
const results = { bytes: totalBytes, phases: {} };

// The time layout of run-side-by-side: JSON then protobuf, SPAN_MIN each, ending a minute ago.
// A reused dir keeps the layout it was pushed with (saved next to the data).
let layout;
const layoutFile = join(data, 'qbench-layout.json');
if (a.reuse && existsSync(layoutFile)) layout = JSON.parse(readFileSync(layoutFile, 'utf8'));
else {
  const t0 = Date.now() - (2 * SPAN_MIN + 1) * 60_000;
  layout = { starts: [t0, t0 + SPAN_MIN * 60_000], end: t0 + 2 * SPAN_MIN * 60_000 };
}
const range = { startNs: BigInt(layout.starts[0]) * 1000000n, endNs: BigInt(layout.end) * 1000000n };

try {
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/ready`).then((r) => r.status === 200, () => false)) break;
    if (i > 3000) throw new Error('server did not become ready');
    await sleep(100);
  }
  if (!a.reuse) {
    const formats = ['json', 'protobuf'];
    for (let p = 0; p < formats.length; p++) {
      const plan = makePlan({ format: formats[p], streams: 1000, batchLines: 1000, totalBytes: totalBytes / 2, seed: 1 + p, spanS: SPAN_MIN * 60, startMs: layout.starts[p] });
      const t = performance.now();
      for (const round of payloadRounds(plan)) await pushPayloads(url, round.payloads, { format: formats[p], concurrency: 4 });
      console.error(`pushed ${formats[p]} ${(totalBytes / 2e6).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    writeFileSync(layoutFile, JSON.stringify(layout));
    if (a.keep) {
      // Let the WAL reach the disk before copying it.
      await sleep(2000);
      rmSync(resolve(String(a.keep)), { recursive: true, force: true });
      cpSync(data, resolve(String(a.keep)), { recursive: true });
    }
  }
  const agent = makeAgent(1);
  for (const phase of ['memory', 'storage']) {
    if (phase === 'storage') {
      if (!phases.includes('storage')) break;
      const t = performance.now();
      await request(`${url}/flush`, { method: 'POST', timeoutMs: 600_000 });
      for (let i = 0; i < 6000; i++) {
        const m = (await request(`${url}/metrics`, {})).body.toString();
        const v = /^loki_ingester_memory_chunks(?:\{[^}]*\})? (\S+)/m.exec(m);
        if (v && Number(v[1]) === 0) break;
        await sleep(100);
      }
      console.error(`flushed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      if (a['keep-flushed']) {
        await sleep(2000);
        rmSync(resolve(String(a['keep-flushed'])), { recursive: true, force: true });
        cpSync(data, resolve(String(a['keep-flushed'])), { recursive: true });
      }
    }
    if (!phases.includes(phase)) continue;
    const rows = [];
    for (const q of queries) {
      for (let i = 0; i < warmup; i++) await runOnce(url, q, range, { agent });
      const runs = [];
      for (let i = 0; i < reps; i++) {
        await sleep(200);
        const base = rssBytes(server.pid);
        let peak = base;
        const timer = setInterval(() => { peak = Math.max(peak, rssBytes(server.pid)); }, 20);
        const cpu0 = procCpuSeconds(server.pid);
        const r = await runOnce(url, q, range, { agent });
        clearInterval(timer);
        peak = Math.max(peak, rssBytes(server.pid));
        runs.push({ ...r, cpu: procCpuSeconds(server.pid) - cpu0, extraRss: peak - base });
      }
      const ok = runs.filter((r) => r.ok);
      const row = {
        name: q.name, medianS: median(ok.map((r) => r.seconds)), cpuS: median(ok.map((r) => r.cpu)),
        extraRssMB: Math.max(...ok.map((r) => r.extraRss)) / 1e6, mb: (ok[0]?.bytesProcessed ?? 0) / 1e6,
        sig: ok[0]?.sig ?? `ERR ${runs[0]?.status} ${runs[0]?.error}`,
      };
      rows.push(row);
      console.log(`${phase.padEnd(8)} ${q.name.padEnd(18)} ${row.medianS.toFixed(3).padStart(7)} s  cpu ${row.cpuS.toFixed(2).padStart(6)} s  +rss ${row.extraRssMB.toFixed(0).padStart(5)} MB  ${row.mb.toFixed(0).padStart(5)} MB  ${row.sig}`);
    }
    results.phases[phase] = rows;
  }
  agent.destroy();
  if (a.json) writeFileSync(String(a.json), JSON.stringify(results, null, 2));
} finally {
  if (a.prof) {
    // A clean exit writes the profile.
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(60_000)]);
  }
  server.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
void QUERIES;
