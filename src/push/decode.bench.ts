/**
 * Throughput of decoding + validating 1,000-line pushes, in MB of raw log lines per
 * CPU-second. Run: node --import tsx src/push/decode.bench.ts
 */
import { gzipSync } from 'node:zlib';
import type { LimitsConfig } from '../config/types.js';
import { validatePush } from '../distributor/validation/index.js';
import { decodePushRequest } from './decode.js';
import { encodePushSnappy, type FixtureStream } from './proto-fixture.js';
import type { DecodeOptions } from './types.js';

const LINES = 1000;
const STREAMS = 10;
const NOW = BigInt(Date.now()) * 1_000_000n;

const limits = {
  max_label_name_length: 1024, max_label_value_length: 2048, max_label_names_per_series: 15,
  reject_old_samples: true, reject_old_samples_max_age: 7 * 24 * 3600_000, creation_grace_period: 600_000,
  max_line_size: 256 * 1024, max_line_size_truncate: false, increment_duplicate_timestamp: false,
  discover_service_name: ['service', 'app', 'application', 'app_name', 'name', 'app_kubernetes_io_name', 'container', 'container_name', 'k8s_container_name', 'component', 'workload', 'job', 'k8s_job_name'],
  discover_log_levels: true, log_level_fields: ['level', 'LEVEL', 'Level', 'Severity', 'severity', 'SEVERITY', 'lvl', 'LVL', 'Lvl'],
  allow_structured_metadata: true, max_structured_metadata_size: 64 * 1024, max_structured_metadata_entries_count: 128,
} as LimitsConfig;

const LEVELS = ['info', 'debug', 'warn', 'error'];
const PATHS = ['/api/v1/users', '/api/v1/orders/1234', '/healthz', '/static/app.js', '/api/v2/search?q=logs'];

/** A mix of logfmt, JSON and plain lines of 120-300 bytes. */
function line(i: number): string {
  const level = LEVELS[i % LEVELS.length];
  const path = PATHS[i % PATHS.length];
  const pad = 'x'.repeat(40 + (i * 37) % 120);
  switch (i % 3) {
    case 0: return `ts=2024-05-01T12:00:${String(i % 60).padStart(2, '0')}Z level=${level} caller=handler.go:${i % 500} method=GET path=${path} status=200 duration=${i % 97}ms msg="request served ${pad}"`;
    case 1: return JSON.stringify({ time: '2024-05-01T12:00:00Z', level, msg: `request served ${pad}`, path, status: 200, trace_id: `abc${i}` });
    default: return `2024-05-01 12:00:00.123 GET ${path} 200 ${i % 97}ms user-agent="curl/8.0" ${pad}`;
  }
}

function fixture(): { streams: FixtureStream[]; lineBytes: number } {
  const streams: FixtureStream[] = [];
  let lineBytes = 0;
  const perStream = LINES / STREAMS;
  for (let s = 0; s < STREAMS; s++) {
    const entries = [];
    for (let j = 0; j < perStream; j++) {
      const i = s * perStream + j;
      const l = line(i);
      lineBytes += Buffer.byteLength(l);
      const ns = NOW - BigInt(LINES - i) * 1_000_000n;
      entries.push({
        timestamp: { seconds: Number(ns / 1_000_000_000n), nanos: Number(ns % 1_000_000_000n) },
        line: l,
        structuredMetadata: i % 4 === 0 ? [{ name: 'trace_id', value: `t${i}` }] : [],
      });
    }
    streams.push({ labels: `{app="app-${s}", namespace="prod", cluster="eu-1", pod="app-${s}-7d9f8c6b5-x2x4z"}`, entries });
  }
  return { streams, lineBytes };
}

function jsonBody(streams: FixtureStream[]): Buffer {
  const doc = {
    streams: streams.map((s) => ({
      stream: Object.fromEntries([...s.labels.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]])),
      values: s.entries.map((e) => {
        const ns = (BigInt(e.timestamp!.seconds) * 1_000_000_000n + BigInt(e.timestamp!.nanos)).toString();
        const md = e.structuredMetadata ?? [];
        return md.length > 0 ? [ns, e.line, Object.fromEntries(md.map((m) => [m.name, m.value]))] : [ns, e.line];
      }),
    })),
  };
  return Buffer.from(JSON.stringify(doc));
}

async function measure(name: string, body: Buffer, opts: DecodeOptions, lineBytes: number): Promise<void> {
  const run = async (): Promise<void> => {
    const req = await decodePushRequest(body, opts);
    const r = validatePush('bench', req, limits, NOW);
    if (r.acceptedLines !== LINES) throw new Error(`${name}: accepted ${r.acceptedLines}: ${r.errors[0]}`);
  };
  for (let i = 0; i < 200; i++) await run();
  const iterations = 2000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const mb = (lineBytes * iterations) / 1e6;
  console.log(
    `${name.padEnd(24)} body ${(body.length / 1024).toFixed(0).padStart(4)} KiB  ` +
    `${(mb / cpuS).toFixed(1).padStart(6)} MB/CPU-s  ${(mb / wallS).toFixed(1).padStart(6)} MB/s wall  ` +
    `${((cpuS / iterations) * 1e3).toFixed(3)} ms CPU/push`,
  );
}

const { streams, lineBytes } = fixture();
const proto = encodePushSnappy(streams);
const json = jsonBody(streams);
console.log(`${LINES} lines in ${STREAMS} streams, ${(lineBytes / 1024).toFixed(0)} KiB of raw lines per push`);
const only = process.argv[2];
if (!only || only === 'proto') await measure('protobuf+snappy', proto, { contentType: 'application/x-protobuf', contentEncoding: undefined, maxDecompressedBytes: 100 << 20 }, lineBytes);
if (!only || only === 'json') await measure('json', json, { contentType: 'application/json', contentEncoding: undefined, maxDecompressedBytes: 100 << 20 }, lineBytes);
if (!only || only === 'json') await measure('json+gzip', gzipSync(json), { contentType: 'application/json', contentEncoding: 'gzip', maxDecompressedBytes: 100 << 20 }, lineBytes);
