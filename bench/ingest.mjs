#!/usr/bin/env node
// Push throughput of a fresh Skald: starts the built server (dist/) on a loopback port with an
// empty data dir and the WAL on, drives it with the shared load generator (../shared/bench), and
// prints MB/s of raw lines, lines/s, server CPU s per GB and MB per CPU-second, and peak RSS.
//
//   npm run build && node bench/ingest.mjs --format protobuf --total-bytes 1GB [--streams 1000] [--fsync always]
//     [--dist DIR] (another build's output dir, default ./dist) [--node-flags trace-gc,max-semi-space-size=32] (server node flags, without dashes)
//     [--threads] (also print the server's CPU seconds per thread name)
//     [--ingester key=value,...] (extra ingester settings, e.g. memory_flush_threshold=0)
//     [--prof DIR] (server --cpu-prof into DIR) [--keep] (keep the data dir, e.g. to count chunk objects)
//     [--threads-detail] (CPU user+sys per thread id) [--settle SECONDS] (see below, default 25; 0 = off)
//
// Deleting many files makes creating files costly for a while on ext4 without a journal (as on
// the benchmark machine): each new inode scans past the recently deleted ones (recently_deleted(),
// a minute or more), which measured 800–1000 µs of kernel CPU per file instead of ~160. Chunk
// packs made a run create few files, but the bench still waits until --settle seconds have passed
// since the previous run removed its data (the load generator's ~20 s of generating data come on
// top) before it starts the server, so runs start alike.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { benchConfig, copyHarness, ROOT } from './setup.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const shared = resolve(args.shared ?? join(ROOT, '../shared/bench'));
if (!existsSync(join(shared, 'ingest.mjs'))) throw new Error(`load generator not found in ${shared} (--shared DIR)`);

const cleanupMarker = join(tmpdir(), 'skald-bench-cleanup-at');
const settleMs = Number(args.settle ?? 25) * 1000;
const lastCleanup = existsSync(cleanupMarker) ? Number(readFileSync(cleanupMarker, 'utf8')) : 0;
const waitMs = Math.min(settleMs, lastCleanup + settleMs - Date.now());
if (waitMs > 0) {
  console.log(`waiting ${(waitMs / 1000).toFixed(0)} s after the previous run's cleanup (--settle)`);
  await sleep(waitMs);
}

const work = mkdtempSync(join(tmpdir(), 'skald-bench-'));
const gen = join(work, 'gen');
copyHarness(shared, gen);
const data = join(work, 'data');
const port = Number(args.port ?? 3199);
const config = join(work, 'skald.yaml');
writeFileSync(config, benchConfig({ port, data, ingester: `  chunk_encoding: ${args.encoding ?? 'snappy'}
${(args.ingester ?? '').split(',').filter(Boolean).map((kv) => `  ${kv.replace('=', ': ')}\n`).join('')}  wal:
    enabled: true
    fsync: ${args.fsync ?? 'always'}
` }));

const nodeFlags = args['node-flags'] ? args['node-flags'].split(',').filter(Boolean).map((f) => `--${f}`) : [];
/** CPU seconds per thread name of a process (Linux /proc), e.g. main, GC helpers, libuv pool. */
function threadCpu(pid) {
  const byName = new Map();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = Number(t) === pid ? 'main' : readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const prev = byName.get(name) ?? { user: 0, sys: 0, n: 0 };
      byName.set(name, { user: prev.user + Number(f[11]) / 100, sys: prev.sys + Number(f[12]) / 100, n: prev.n + 1 });
    } catch { /* thread exited */ }
  }
  return [...byName].sort((a, b) => b[1].user + b[1].sys - a[1].user - a[1].sys)
    .map(([n, s]) => `${n}=${(s.user + s.sys).toFixed(1)} (user ${s.user.toFixed(1)} sys ${s.sys.toFixed(1)}${s.n > 1 ? `, ${s.n} threads` : ''})`).join(' ');
}

/** CPU seconds (user+sys) of each thread in creation order: V8 platform workers start before libuv's pool. */
function threadDetail(pid) {
  return readdirSync(`/proc/${pid}/task`).map(Number).sort((a, b) => a - b).map((t) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return `${t - pid}:${(Number(f[11]) / 100).toFixed(1)}+${(Number(f[12]) / 100).toFixed(1)}`;
    } catch { return `${t - pid}:gone`; }
  }).join(' ');
}

const server = spawn(process.execPath, [...nodeFlags, ...(args.prof ? ['--cpu-prof', '--cpu-prof-dir', args.prof] : []), join(resolve(args.dist ?? join(ROOT, 'dist')), 'cli/main.js'), `-config.file=${config}`], { stdio: ['ignore', 'inherit', 'inherit'] });
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (i > 600) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const out = join(work, 'result.json');
  execFileSync(process.execPath, [join(gen, 'ingest.mjs'), '--url', url, '--pid', String(server.pid),
    '--format', args.format ?? 'protobuf', '--streams', args.streams ?? '1000', '--batch-lines', args['batch-lines'] ?? '1000',
    '--concurrency', args.concurrency ?? '4', '--total-bytes', args['total-bytes'] ?? '1GB', '--out', out,
    ...(args.verify ? ['--verify'] : [])], { stdio: 'inherit' });
  const r = JSON.parse(readFileSync(out, 'utf8'));
  if (args.threads) console.log(`threads (CPU s since start, by name): ${threadCpu(server.pid)}`);
  if (args['threads-detail']) console.log(`threads by id: ${threadDetail(server.pid)}`);
  const mbPerCpuS = r.bytes / 1e6 / r.serverCpuSeconds;
  console.log(`SUMMARY format=${r.format} streams=${r.streams} fsync=${args.fsync ?? 'always'} MB/s=${r.mbPerSec.toFixed(1)} lines/s=${Math.round(r.linesPerSec)} cpu_s_per_GB=${r.serverCpuSecondsPerGB.toFixed(1)} MB_per_cpu_s=${mbPerCpuS.toFixed(1)} peak_rss_MiB=${(r.serverPeakRssBytes / 2 ** 20).toFixed(0)} p50_ms=${r.p50Ms.toFixed(1)} p99_ms=${r.p99Ms.toFixed(1)} errors=${r.errors}`);
} finally {
  server.kill(args.prof ? 'SIGTERM' : 'SIGKILL');
  if (args.prof) await new Promise((r) => server.once('exit', r));
  if (args.keep) console.log(`kept ${work}`);
  else {
    rmSync(work, { recursive: true, force: true });
    writeFileSync(cleanupMarker, String(Date.now()));
  }
}
