#!/usr/bin/env node
// The whole benchmark against a fresh Skald: 1 GB JSON + 1 GB protobuf pushes (1,000 streams),
// the LogQL query set over the data in memory, POST /flush, the query set again from storage.
// Starts the built server (dist/) on loopback with an empty data dir and drives it with the
// shared harness (../shared/bench/run-side-by-side.mjs, server A only), so its figures compare
// one to one with the Loki figures recorded there.
//
//   npm run build && node bench/full.mjs [--quick] [--reps 3] [--out bench/results/full.json] [any run-side-by-side flag]
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchConfig, copyHarness, QUERY_LIMITS, ROOT } from './setup.mjs';

const argv = process.argv.slice(2);
const sharedIdx = argv.indexOf('--shared');
const shared = resolve(sharedIdx >= 0 ? argv.splice(sharedIdx, 2)[1] : join(ROOT, '../shared/bench'));
if (!existsSync(join(shared, 'run-side-by-side.mjs'))) throw new Error(`harness not found in ${shared} (--shared DIR)`);

const work = mkdtempSync(join(tmpdir(), 'skald-full-'));
const harness = join(work, 'harness');
copyHarness(shared, harness);
const data = join(work, 'data');
const port = 3198;
const config = join(work, 'skald.yaml');
writeFileSync(config, benchConfig({ port, data, limits: QUERY_LIMITS }));

const server = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), `-config.file=${config}`], { stdio: ['ignore', 'inherit', 'inherit'] });
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/ready`).then((r) => r.status === 200, () => false)) break;
    if (i > 600) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  execFileSync(process.execPath, [join(harness, 'run-side-by-side.mjs'), '--a-url', url, '--a-pid', String(server.pid), '--a-data', data,
    '--a-name', 'skald', '--a-disk-exclude', 'wal', '--hc-streams', '0', ...argv], { stdio: 'inherit' });
} finally {
  server.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
