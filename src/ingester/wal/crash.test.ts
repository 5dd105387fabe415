import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Entry } from '../../model/entry.js';
import { EMPTY_LABELS } from '../../model/labels.js';
import type { WalRecord } from './record.js';
import { replayAll, tempDir } from './test-util.js';
import { Wal } from './wal.js';

/**
 * The same file is the child process: a minimal ingester that replays, then appends from
 * 8 concurrent writers with fsync=always, checkpoints now and then, and prints the id of
 * every acknowledged push on stdout (synchronous for pipes) until it is SIGKILLed.
 */
const CHILD_ENV = 'SKALD_WAL_CRASH_CHILD';
const LINES_PER_PUSH = 10;

async function runChild(dir: string): Promise<void> {
  const state = new Map<number, Entry[]>();
  let next = 0;
  await Wal.replay(dir, (r) => {
    if (r.type === 'series') { if (!state.has(r.streamId)) state.set(r.streamId, []); return; }
    state.get(r.streamId)!.push(...r.entries);
    for (const e of r.entries) next = Math.max(next, Number(e.line.toString().split(':')[0]) + 1);
  });
  const wal = await Wal.open(dir, { fsync: 'always', segmentSize: 256 << 10 });
  let pushes = 0;
  let checkpointing = false;
  const writer = async (): Promise<void> => {
    while (true) {
      const id = next++;
      const streamId = id % 8;
      const records: WalRecord[] = [];
      if (!state.has(streamId)) {
        state.set(streamId, []);
        records.push({ type: 'series', tenant: 'fake', streamId, labels: [{ name: 'writer', value: String(streamId) }] });
      }
      const entries: Entry[] = [];
      for (let j = 0; j < LINES_PER_PUSH; j++) entries.push({ ts: BigInt(id * 100 + j), line: Buffer.from(`${id}:${j} ${'x'.repeat(id % 200)}`), metadata: EMPTY_LABELS });
      records.push({ type: 'entries', tenant: 'fake', streamId, entries });
      await wal.append(records);
      state.get(streamId)!.push(...entries);
      process.stdout.write(`${id}\n`);
      if (++pushes % 300 === 0 && !checkpointing) {
        checkpointing = true;
        void wal.checkpoint(async (emit) => {
          for (const [sid, es] of state) {
            await emit({ type: 'series', tenant: 'fake', streamId: sid, labels: [{ name: 'writer', value: String(sid) }] });
            await emit({ type: 'entries', tenant: 'fake', streamId: sid, entries: [...es] });
          }
        }).finally(() => { checkpointing = false; });
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

/** Runs the child until it has acknowledged `killAfter` pushes, SIGKILLs it, returns every id it acknowledged. */
function runUntilKilled(dir: string, killAfter: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url)], {
      env: { ...process.env, [CHILD_ENV]: dir }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: number[] = [];
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const l of lines) acked.push(Number(l));
      if (acked.length >= killAfter) child.kill('SIGKILL');
    });
    child.on('error', reject);
    // 'close' fires after stdout is drained: every ack written before the kill is counted.
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}`));
      else resolve(acked);
    });
  });
}

if (process.env[CHILD_ENV]) {
  await runChild(process.env[CHILD_ENV]);
} else {
  test('SIGKILL mid-stream loses no acknowledged push, across two crashes', async (t) => {
    const dir = await tempDir(t);
    const acked: number[] = [];
    for (const killAfter of [300 + Math.floor(Math.random() * 900), 200 + Math.floor(Math.random() * 900)]) {
      acked.push(...(await runUntilKilled(dir, killAfter)));
      const lines = new Set<string>();
      const { records, stats } = await replayAll(dir);
      for (const r of records) if (r.type === 'entries') for (const e of r.entries) lines.add(e.line.toString().split(' ')[0]);
      for (const id of acked) {
        for (let j = 0; j < LINES_PER_PUSH; j++) assert.ok(lines.has(`${id}:${j}`), `acknowledged push ${id} line ${j} lost`);
      }
      // Only the tail can be torn by a kill.
      assert.ok(stats.corruptions.every((c) => c.truncated), JSON.stringify(stats.corruptions));
    }
    assert.ok(acked.length >= 500);
  });
}
