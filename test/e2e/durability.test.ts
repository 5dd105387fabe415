import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { push, type TestStream } from '../helpers/push-client.js';
import { makeDataDir, removeDir, startSkald, writeConfig, type SkaldProcess } from '../helpers/server.js';

const STREAMS = 50;
const LINES_PER_STREAM = 4000; // 200,000 lines
const LINES_PER_PUSH_PER_STREAM = 50;
const STREAMS_PER_PUSH = 10;
const CONCURRENCY = 8;
const BASE_NS = (BigInt(Date.now()) - 3_600_000n) * 1_000_000n;

interface Batch {
  readonly streams: TestStream[];
  readonly keys: string[];
}

function lineOf(stream: number, i: number): string {
  return `ts=${i} stream=s${stream} level=info msg="durability check" seq=${i} pad=${'x'.repeat(i % 97)}`;
}

/** All pushes of the test, in order; each is acknowledged or retried after a crash. */
function plan(): Batch[] {
  const batches: Batch[] = [];
  for (let off = 0; off < LINES_PER_STREAM; off += LINES_PER_PUSH_PER_STREAM) {
    for (let g = 0; g < STREAMS; g += STREAMS_PER_PUSH) {
      const streams: TestStream[] = [];
      const keys: string[] = [];
      for (let s = g; s < g + STREAMS_PER_PUSH; s++) {
        const entries = [];
        for (let i = off; i < off + LINES_PER_PUSH_PER_STREAM; i++) {
          const ts = BASE_NS + BigInt(i) * 1_000_000n + BigInt(s);
          entries.push({ ts, line: lineOf(s, i) });
          keys.push(`s${s}|${ts}|${lineOf(s, i)}`);
        }
        streams.push({ labels: { job: 'durability', stream: `s${s}` }, entries });
      }
      batches.push({ streams, keys });
    }
  }
  return batches;
}

/** Pushes batches with concurrent clients until `stopAfter` batches are acknowledged or the server dies. */
async function pushUntil(url: string, queue: Batch[], acked: Set<string>, stopAfter: number, onStop: () => Promise<void>): Promise<void> {
  let ackedBatches = 0;
  let stopping = false;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (queue.length > 0 && !stopping) {
      const batch = queue.shift()!;
      const format = n++ % 2 === 0 ? 'json' : 'protobuf';
      try {
        const res = await push(url, batch.streams, format);
        if (res.status !== 204) throw new Error(`push answered ${res.status}: ${await res.text()}`);
        for (const k of batch.keys) acked.add(k);
        ackedBatches++;
        if (ackedBatches >= stopAfter && !stopping) {
          stopping = true;
          await onStop();
        }
      } catch (err) {
        queue.unshift(batch); // not acknowledged: the client retries after the restart
        if (!stopping) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function readAll(url: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const end = BASE_NS + BigInt(LINES_PER_STREAM + 10) * 1_000_000n;
  for (let s = 0; s < STREAMS; s++) {
    const q = new URLSearchParams({ query: `{job="durability", stream="s${s}"}`, start: BASE_NS.toString(), end: end.toString(), limit: '100000', direction: 'forward' });
    const res = await fetch(`${url}/loki/api/v1/query_range?${q}`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { data: { result: { stream: Record<string, string>; values: [string, string][] }[] } };
    for (const r of body.data.result) {
      for (const [ts, line] of r.values) {
        const k = `${r.stream.stream}|${ts}|${line}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
      }
    }
  }
  return seen;
}

describe('durability: SIGKILL during concurrent pushes', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await removeDir(d); });

  it('finds every acknowledged line exactly once after repeated crashes', { timeout: 240_000 }, async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    // Small chunks and frequent flushes/checkpoints so crashes land across cut, flush and checkpoint.
    const config = await writeConfig(dataDir, `
ingester:
  chunk_target_size: 65536
  chunk_block_size: 16384
  chunk_idle_period: 1s
  max_chunk_age: 2h
  flush_check_period: 300ms
  wal:
    checkpoint_duration: 1s
limits_config:
  reject_old_samples: false
  max_entries_limit_per_query: 100000
  ingestion_rate_mb: 1024
  ingestion_burst_size_mb: 1024
  per_stream_rate_limit: 1GB
  per_stream_rate_limit_burst: 1GB
`);
    const queue = plan();
    const total = queue.length;
    const acked = new Set<string>();
    const killPoints = [Math.floor(total * 0.2), Math.floor(total * 0.45), Math.floor(total * 0.7)];
    let prevAcked = 0;
    for (const point of killPoints) {
      const proc: SkaldProcess = await startSkald(dataDir, [`-config.file=${config}`]);
      const before = total - queue.length;
      await pushUntil(proc.url, queue, acked, point - before, async () => { await proc.kill('SIGKILL'); });
      assert.ok(acked.size > prevAcked, 'progress between crashes');
      prevAcked = acked.size;
    }
    const proc = await startSkald(dataDir, [`-config.file=${config}`]);
    try {
      await pushUntil(proc.url, queue, acked, Infinity, async () => undefined);
      assert.equal(queue.length, 0);
      const seen = await readAll(proc.url);
      let missing = 0;
      for (const k of acked) if (!seen.has(k)) missing++;
      const dups = [...seen.values()].filter((c) => c > 1).length;
      assert.equal(acked.size, STREAMS * LINES_PER_STREAM);
      assert.equal(missing, 0, `${missing} acknowledged lines missing`);
      assert.equal(dups, 0, `${dups} lines returned more than once`);
      assert.equal(seen.size, STREAMS * LINES_PER_STREAM);
    } finally {
      await proc.kill('SIGTERM');
    }
  });
});
