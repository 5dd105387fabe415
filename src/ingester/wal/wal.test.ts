import assert from 'node:assert/strict';
import type { FileHandle } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { EMPTY_LABELS } from '../../model/labels.js';
import { WalClosedError, WalIoError, WalRecordError } from './errors.js';
import type { WalRecord } from './record.js';
import { entriesRecord, replayAll, seriesRecord, tempDir } from './test-util.js';
import { Wal } from './wal.js';

test('appended records come back from replay, in order, byte for byte', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'always' });
  const batches: WalRecord[][] = [
    [seriesRecord(0), { type: 'series', tenant: 'other', streamId: 1, labels: [{ name: 'job', value: 'ünï' }] }],
    [{
      type: 'entries', tenant: 'fake', streamId: 0, entries: [
        { ts: 1n, line: Buffer.alloc(0), metadata: [{ name: 'trace_id', value: '0af7651916cd43dd' }] },
        { ts: 2n, line: Buffer.from([0xff, 0x00, 0xfe]), metadata: EMPTY_LABELS },
        { ts: 3n, line: Buffer.from('🚀 utf-8 ✓'), metadata: EMPTY_LABELS },
        { ts: 4n, line: randomBytes(1 << 20), metadata: EMPTY_LABELS },
      ],
    }],
    [entriesRecord(1, 50, 'other')],
  ];
  for (const b of batches) await wal.append(b);
  await wal.close();
  const { records, stats } = await replayAll(dir);
  assert.deepEqual(records, batches.flat());
  assert.equal(stats.corruptions.length, 0);
  assert.equal(stats.maxStreamId, 1);
  assert.equal(wal.metrics.recordsLogged, 4);
  assert.equal(wal.metrics.appends, 3);
});

test('group commit: 100 concurrent appends share few writes and fsyncs', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'always' });
  const sent: WalRecord[] = [];
  const appends: Promise<void>[] = [];
  for (let i = 0; i < 100; i++) {
    const r = entriesRecord(i, 10);
    sent.push(r);
    appends.push(wal.append([r]));
  }
  await Promise.all(appends);
  assert.equal(wal.metrics.appends, 100);
  assert.ok(wal.metrics.fsyncs <= 5, `fsyncs ${wal.metrics.fsyncs}`);
  assert.ok(wal.metrics.writes <= 5, `writes ${wal.metrics.writes}`);
  // Appends arriving while a commit runs are grouped into the next one.
  const more = Array.from({ length: 50 }, (_, i) => entriesRecord(i, 2));
  const first = wal.append([more[0]]);
  await sleep(0);
  const rest = more.slice(1).map((r) => wal.append([r]));
  await Promise.all([first, ...rest]);
  assert.ok(wal.metrics.fsyncs <= 8, `fsyncs ${wal.metrics.fsyncs}`);
  await wal.close();
  assert.deepEqual((await replayAll(dir)).records, [...sent, ...more]);
});

test('segments roll at segmentSize and replay in order', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'never', segmentSize: 2048 });
  const sent: WalRecord[] = [];
  for (let i = 0; i < 60; i++) {
    const r = entriesRecord(i % 4, 5);
    sent.push(r);
    await wal.append([r]);
  }
  await wal.close();
  const files = await readdir(dir);
  assert.ok(files.length > 3, `only ${files.length} segments`);
  assert.ok(wal.metrics.segmentsCreated === files.length);
  assert.equal(wal.metrics.fsyncs, 1, 'never: only close() fsyncs');
  assert.deepEqual((await replayAll(dir)).records, sent);
  // A second lifetime starts a new segment after the others.
  const wal2 = await Wal.open(dir, { fsync: 'never' });
  assert.equal(wal2.currentSegment, files.length);
  await wal2.append([seriesRecord(9)]);
  await wal2.close();
  assert.deepEqual((await replayAll(dir)).records, [...sent, seriesRecord(9)]);
});

test('interval policy fsyncs in the background', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'interval', fsyncIntervalMs: 10 });
  await wal.append([entriesRecord(0, 3)]);
  assert.equal(wal.metrics.fsyncs, 0, 'resolved before any fsync');
  for (let i = 0; i < 100 && wal.metrics.fsyncs === 0; i++) await sleep(10);
  assert.ok(wal.metrics.fsyncs >= 1);
  await wal.close();
});

test('an I/O error rejects the affected appends; later appends go to a new segment', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'always' });
  const a = entriesRecord(0, 3);
  await wal.append([a]);
  // Pull the file out from under the writer: its next write fails with EBADF.
  const internals = wal as unknown as { segment: { fh: FileHandle } };
  await internals.segment.fh.close();
  const lost = [wal.append([entriesRecord(0, 3)]), wal.append([entriesRecord(0, 3)])];
  for (const p of lost) await assert.rejects(p, WalIoError);
  assert.equal(wal.metrics.ioFailures, 1);
  const b = entriesRecord(0, 3);
  await wal.append([b]);
  assert.equal(wal.currentSegment, 1);
  await wal.close();
  const { records, stats } = await replayAll(dir);
  assert.deepEqual(records, [a, b]);
  assert.equal(stats.corruptions.length, 0);
});

test('invalid records and appends after close are rejected with typed errors', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir);
  await assert.rejects(wal.append([{ type: 'series', tenant: 't', streamId: -1, labels: [] }]), WalRecordError);
  await wal.append([]);
  await wal.close();
  await wal.close();
  await assert.rejects(wal.append([seriesRecord(1)]), WalClosedError);
  await assert.rejects(wal.checkpoint(async () => undefined), WalClosedError);
  assert.equal((await replayAll(dir)).records.length, 0);
});

test('close waits for queued appends', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'always' });
  const appends = Array.from({ length: 20 }, (_, i) => wal.append([entriesRecord(i, 1)]));
  await wal.close();
  await Promise.all(appends);
  assert.equal((await replayAll(dir)).records.length, 20);
});
