/**
 * WAL append throughput: concurrent appenders each pushing ~1000-line entries records,
 * under each fsync policy, on the disk holding the target directory.
 *
 *   node --import tsx bench/wal.ts [--dir /path/on/disk] [--seconds 3] [--lines 1000] [--line-bytes 200]
 *
 * Ends with a replay of ~200 MB of pushes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FsyncPolicy } from '../src/config/types.js';
import type { Entry } from '../src/model/entry.js';
import { EMPTY_LABELS } from '../src/model/labels.js';
import { encodeFrames } from '../src/ingester/wal/frame.js';
import { Wal, type WalRecord } from '../src/ingester/wal/index.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: tmpdir() },
    seconds: { type: 'string', default: '3' },
    lines: { type: 'string', default: '1000' },
    'line-bytes': { type: 'string', default: '200' },
  },
});
const seconds = Number(args.seconds);
const linesPerPush = Number(args.lines);
const lineBytes = Number(args['line-bytes']);

/** logfmt-looking lines with a random tail, so they are not trivially alike. */
function makePush(streamId: number): WalRecord {
  const entries: Entry[] = [];
  const t0 = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < linesPerPush; i++) {
    const head = `ts=2024-05-01T12:00:00.${String(i).padStart(6, '0')}Z level=info caller=handler.go:42 msg="request served" trace=`;
    const tail = randomBytes(Math.max(0, lineBytes - head.length)).toString('base64').slice(0, Math.max(0, lineBytes - head.length));
    entries.push({ ts: t0 + BigInt(i), line: Buffer.from(head + tail), metadata: i % 10 === 0 ? [{ name: 'trace_id', value: 'abc123' }] : EMPTY_LABELS });
  }
  return { type: 'entries', tenant: 'bench', streamId, entries };
}

function lineBytesOf(r: WalRecord): number {
  return r.type === 'entries' ? r.entries.reduce((n, e) => n + e.line.length, 0) : 0;
}

interface Result { policy: FsyncPolicy; appenders: number; appendsPerSec: number; mbPerSec: number; fsyncs: number; writes: number; p50Ms: number; p99Ms: number }

async function run(policy: FsyncPolicy, appenders: number): Promise<Result> {
  const dir = await mkdtemp(join(args.dir, 'skald-wal-bench-'));
  try {
    const wal = await Wal.open(dir, { fsync: policy, fsyncIntervalMs: 1000 });
    const pushes = Array.from({ length: appenders }, (_, i) => makePush(i));
    await wal.append(pushes.map((p, i) => ({ type: 'series', tenant: 'bench', streamId: i, labels: [{ name: 'app', value: `a${i}` }] })));
    const bytesPerPush = lineBytesOf(pushes[0]);
    const latencies: number[] = [];
    let appends = 0;
    const f0 = wal.metrics.fsyncs;
    const w0 = wal.metrics.writes;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(pushes.map(async (push) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await wal.append([push]);
        latencies.push(performance.now() - t);
        appends++;
      }
    }));
    const elapsed = (performance.now() - start) / 1000;
    const result: Result = {
      policy, appenders,
      appendsPerSec: appends / elapsed,
      mbPerSec: (appends * bytesPerPush) / elapsed / 1e6,
      fsyncs: wal.metrics.fsyncs - f0,
      writes: wal.metrics.writes - w0,
      p50Ms: 0, p99Ms: 0,
    };
    latencies.sort((a, b) => a - b);
    result.p50Ms = latencies[Math.floor(latencies.length * 0.5)];
    result.p99Ms = latencies[Math.floor(latencies.length * 0.99)];
    await wal.close();
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function encodeOnly(): string {
  const push = makePush(0);
  for (let i = 0; i < 50; i++) encodeFrames([push]); // JIT warm-up
  const n = 500;
  const t = performance.now();
  for (let i = 0; i < n; i++) encodeFrames([push]);
  const s = (performance.now() - t) / 1000;
  return `encode only: ${(n / s).toFixed(0)} pushes/s, ${((n * lineBytesOf(push)) / s / 1e6).toFixed(0)} MB/s of lines`;
}

console.log(`WAL append bench: ${linesPerPush} lines x ${lineBytes} B per push, ${seconds}s per run, dir ${args.dir}, node ${process.version}`);
console.log(encodeOnly());
console.log('| fsync | appenders | appends/s | MB/s (lines) | writes | fsyncs | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const policy of ['always', 'interval', 'never'] as const) {
  for (const appenders of [1, 8, 64]) {
    const r = await run(policy, appenders);
    console.log(`| ${r.policy} | ${r.appenders} | ${r.appendsPerSec.toFixed(0)} | ${r.mbPerSec.toFixed(1)} | ${r.writes} | ${r.fsyncs} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`);
  }
}

async function replayBench(): Promise<string> {
  const dir = await mkdtemp(join(args.dir, 'skald-wal-bench-'));
  try {
    const wal = await Wal.open(dir, { fsync: 'never' });
    const push = makePush(0);
    await wal.append([{ type: 'series', tenant: 'bench', streamId: 0, labels: [{ name: 'app', value: 'a' }] }]);
    const pushes = Math.ceil(200e6 / lineBytesOf(push));
    for (let i = 0; i < pushes; i++) await wal.append([push]);
    await wal.close();
    let entries = 0;
    const t = performance.now();
    const stats = await Wal.replay(dir, (r) => { if (r.type === 'entries') entries += r.entries.length; });
    const s = (performance.now() - t) / 1000;
    return `replay: ${(stats.bytes / 1e6).toFixed(0)} MB, ${entries} entries in ${s.toFixed(2)} s = ${(stats.bytes / 1e6 / s).toFixed(0)} MB/s, ${(entries / s / 1e6).toFixed(2)} M entries/s`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

console.log(await replayBench());
