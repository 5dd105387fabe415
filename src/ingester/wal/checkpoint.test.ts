import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Entry } from '../../model/entry.js';
import type { Labels } from '../../model/labels.js';
import { WalError } from './errors.js';
import { checkpointName, segmentName } from './files.js';
import { FileKind } from './format.js';
import type { WalRecord } from './record.js';
import { scanFile } from './segment-reader.js';
import { entriesRecord, replayAll, seriesRecord, tempDir } from './test-util.js';
import { Wal } from './wal.js';

/** A stand-in for the ingester's in-memory state, with its replay dedupe. */
class Model {
  readonly streams = new Map<string, { tenant: string; id: number; labels: Labels; entries: Entry[] }>();
  apply(r: WalRecord): void {
    const key = `${r.tenant}/${r.streamId}`;
    if (r.type === 'series') {
      if (!this.streams.has(key)) this.streams.set(key, { tenant: r.tenant, id: r.streamId, labels: r.labels, entries: [] });
      return;
    }
    const s = this.streams.get(key);
    assert.ok(s, `entries before series for ${key}`);
    for (const e of r.entries) {
      if (s.entries.some((x) => x.ts === e.ts && x.line.equals(e.line))) continue; // replay may deliver twice
      s.entries.push(e);
    }
  }
  async emit(emit: (r: WalRecord) => void | Promise<void>): Promise<void> {
    for (const s of this.streams.values()) {
      await emit({ type: 'series', tenant: s.tenant, streamId: s.id, labels: s.labels });
      await emit({ type: 'entries', tenant: s.tenant, streamId: s.id, entries: [...s.entries] });
    }
  }
}

async function push(wal: Wal, model: Model, records: WalRecord[]): Promise<void> {
  await wal.append(records);
  for (const r of records) model.apply(r);
}

test('state after checkpoint and more appends equals the state replayed after a restart', async (t) => {
  const dir = await tempDir(t);
  const live = new Model();
  const wal = await Wal.open(dir, { fsync: 'always', segmentSize: 4096 });
  for (let id = 0; id < 5; id++) await push(wal, live, [seriesRecord(id, id % 2 ? 'a' : 'b'), entriesRecord(id, 20, id % 2 ? 'a' : 'b')]);
  for (let i = 0; i < 30; i++) await push(wal, live, [entriesRecord(i % 5, 7, i % 5 % 2 ? 'a' : 'b')]);
  const before = await readdir(dir);
  assert.ok(before.length > 2);

  let during: Promise<void> | undefined;
  await wal.checkpoint(async (emit) => {
    // An append racing the checkpoint: in segment N, and maybe in the checkpoint too.
    during = push(wal, live, [entriesRecord(1, 3, 'a')]);
    await during;
    await live.emit(emit);
  });
  await during;
  const n = wal.metrics.segmentsCreated - 1;
  for (let i = 0; i < 10; i++) await push(wal, live, [entriesRecord(i % 5, 4, i % 5 % 2 ? 'a' : 'b')]);
  await push(wal, live, [seriesRecord(7, 'c'), entriesRecord(7, 3, 'c')]);
  await wal.close();

  const after = (await readdir(dir)).sort();
  assert.equal(after[0], segmentName(n), 'segments < N deleted');
  assert.equal(after.at(-1), checkpointName(n));
  assert.equal(wal.metrics.checkpoints, 1);
  let onDisk = 0;
  for (const f of after) onDisk += (await stat(join(dir, f))).size;
  assert.equal(wal.metrics.bytesInUse, onDisk);

  const restored = new Model();
  const { stats } = await replayAll(dir).then((res) => { res.records.forEach((r) => restored.apply(r)); return res; });
  assert.equal(stats.checkpoint, n);
  assert.equal(stats.corruptions.length, 0);
  assert.deepEqual(restored.streams, live.streams);

  // Nothing resolved before the roll is in segment N or later.
  const inN: WalRecord[] = [];
  await scanFile(join(dir, segmentName(n)), FileKind.segment, (r) => inN.push(r));
  assert.equal(inN[0].type === 'entries' && inN[0].entries.length, 3);

  // A second checkpoint replaces the first.
  const wal2 = await Wal.open(dir, { fsync: 'always' });
  await wal2.checkpoint((emit) => restored.emit(emit));
  await wal2.close();
  const files = await readdir(dir);
  assert.equal(files.filter((f) => f.startsWith('checkpoint')).length, 1);
  const third = new Model();
  (await replayAll(dir)).records.forEach((r) => third.apply(r));
  assert.deepEqual(third.streams, live.streams);
});

test('a failing checkpoint source leaves the WAL as it was', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'never' });
  const sent = [seriesRecord(0), entriesRecord(0, 5)];
  await wal.append(sent);
  await assert.rejects(wal.checkpoint(async (emit) => { await emit(sent[0]); throw new Error('boom'); }), /boom/);
  assert.equal(wal.metrics.checkpointFailures, 1);
  // emit after the source returned is a caller bug.
  let late: ((r: WalRecord) => void | Promise<void>) | undefined;
  await wal.checkpoint(async (emit) => { late = emit; });
  assert.throws(() => late!(sent[0]), WalError);
  await wal.close();
  const { records, stats } = await replayAll(dir);
  assert.deepEqual(records, [], 'the empty checkpoint stands for everything before its roll');
  assert.equal(stats.checkpoint, 2);
  assert.ok(!(await readdir(dir)).some((f) => f.endsWith('.tmp')));
});

test('open finishes an interrupted checkpoint; replay ignores what it left', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'never' });
  await wal.append([seriesRecord(0), entriesRecord(0, 2)]);
  await wal.close();
  const seg0 = await readFile(join(dir, segmentName(0)));
  const big: WalRecord = entriesRecord(0, 30_000);
  const wal2 = await Wal.open(dir, { fsync: 'never' });
  // Large enough to go through several buffered writes.
  await wal2.checkpoint(async (emit) => { await emit(seriesRecord(0)); for (let i = 0; i < 5; i++) await emit(big); });
  await wal2.close();
  assert.deepEqual((await readdir(dir)).sort(), ['00000002', 'checkpoint.00000002']);
  // As if the process died before deleting the old segment, and during a later checkpoint.
  await writeFile(join(dir, segmentName(0)), seg0);
  await writeFile(join(dir, 'checkpoint.00000003.tmp'), 'partial');
  const { records, stats } = await replayAll(dir);
  assert.equal(records.length, 6);
  assert.deepEqual(records[5], big);
  assert.equal(stats.checkpoint, 2);
  const wal3 = await Wal.open(dir, { fsync: 'never' });
  assert.equal(wal3.currentSegment, 3);
  await wal3.close();
  assert.deepEqual((await readdir(dir)).sort(), ['00000002', '00000003', 'checkpoint.00000002']);
});
