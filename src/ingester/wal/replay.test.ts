import assert from 'node:assert/strict';
import { readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32 } from './crc32.js';
import { WalFormatError } from './errors.js';
import { listDir, segmentName } from './files.js';
import { FileKind, FILE_HEADER_SIZE } from './format.js';
import type { WalRecord } from './record.js';
import { replayWal } from './replay.js';
import { scanFile } from './segment-reader.js';
import { arbRecord, entriesRecord, replayAll, seriesRecord, tempDir } from './test-util.js';
import { Wal } from './wal.js';

interface Written {
  dir: string;
  all: WalRecord[];
  /** Path and intact bytes of the last segment. */
  last: string;
  bytes: Buffer;
  /** Records in earlier segments. */
  before: number;
  /** [start, end) of each frame of the last segment. */
  frames: [number, number][];
}

async function writeWal(dir: string, appends: WalRecord[][], segmentSize: number): Promise<Written> {
  const wal = await Wal.open(dir, { fsync: 'never', segmentSize });
  for (const a of appends) await wal.append(a); // each resolved before the next is issued
  await wal.close();
  const { segments } = await listDir(dir);
  const last = join(dir, segmentName(segments.at(-1)!));
  const frames: [number, number][] = [];
  await scanFile(last, FileKind.segment, (_r, start, end) => frames.push([start, end]));
  const all = appends.flat();
  return { dir, all, last, bytes: await readFile(last), before: all.length - frames.length, frames };
}

const arbAppends = fc.array(fc.array(arbRecord(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 });

test('a cut at every byte of the last segment recovers exactly the records before it, and appending continues', async (t) => {
  const dir = await tempDir(t);
  let run = 0;
  await fc.assert(fc.asyncProperty(arbAppends, fc.integer({ min: 150, max: 500 }), async (appends, segmentSize) => {
    const d = join(dir, String(run++));
    const w = await writeWal(d, appends, segmentSize);
    for (let cut = 0; cut <= w.bytes.length; cut++) {
      await writeFile(w.last, w.bytes.subarray(0, cut));
      const { records, stats } = await replayAll(d);
      const complete = w.frames.filter(([, end]) => end <= cut);
      assert.deepEqual(records, w.all.slice(0, w.before + complete.length), `cut at ${cut}`);
      const clean = cut === 0 || cut === FILE_HEADER_SIZE || complete.at(-1)?.[1] === cut;
      assert.equal(stats.corruptions.length, clean ? 0 : 1, `cut at ${cut}`);
      if (!clean) assert.equal(stats.corruptions[0].truncated, true);
      const validEnd = cut < FILE_HEADER_SIZE ? 0 : complete.at(-1)?.[1] ?? FILE_HEADER_SIZE;
      assert.equal((await stat(w.last)).size, validEnd, 'torn tail truncated');
      if (clean || cut % 11 === 0) {
        // Appending after recovery leaves a WAL that replays cleanly.
        const wal = await Wal.open(d, { fsync: 'never' });
        const next = wal.currentSegment;
        await wal.append([seriesRecord(424242)]);
        await wal.close();
        const again = await replayAll(d);
        assert.equal(again.stats.corruptions.length, 0);
        assert.deepEqual(again.records, [...records, seriesRecord(424242)]);
        await unlink(join(d, segmentName(next)));
      }
    }
    await rm(d, { recursive: true });
  }), { numRuns: 5 });
});

test('a flipped byte anywhere in the last segment loses that record and what follows, nothing else', async (t) => {
  const dir = await tempDir(t);
  let run = 0;
  await fc.assert(fc.asyncProperty(arbAppends, fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 255 }),
    async (appends, where, mask) => {
      const d = join(dir, String(run++));
      const w = await writeWal(d, appends, 1 << 20);
      for (const f of where) {
        const off = Math.floor(f * w.bytes.length);
        const bad = Buffer.from(w.bytes);
        bad[off] ^= mask;
        await writeFile(w.last, bad);
        if (off < FILE_HEADER_SIZE) {
          await assert.rejects(replayAll(d), WalFormatError);
          continue;
        }
        const hit = w.frames.findIndex(([start, end]) => off >= start && off < end);
        const { records, stats } = await replayAll(d);
        assert.deepEqual(records, w.all.slice(0, w.before + hit), `flip at ${off}`);
        assert.equal(stats.corruptions.length, 1);
        assert.equal(stats.corruptions[0].offset, w.frames[hit][0]);
      }
      await rm(d, { recursive: true });
    }), { numRuns: 15 });
});

test('damage in an older segment is reported and replay goes on with the next segment', async (t) => {
  const dir = await tempDir(t);
  const wal = await Wal.open(dir, { fsync: 'never', segmentSize: 600 });
  const sent: WalRecord[] = [];
  for (let i = 0; i < 20; i++) { const r = entriesRecord(0, 4); sent.push(r); await wal.append([r]); }
  await wal.close();
  const { segments } = await listDir(dir);
  assert.ok(segments.length >= 3);
  const first = join(dir, segmentName(segments[0]));
  const frames: [number, number][] = [];
  await scanFile(first, FileKind.segment, (_r, s, e) => frames.push([s, e]));
  const bytes = await readFile(first);
  bytes[frames[1][0] + 12] ^= 0x40;
  await writeFile(first, bytes);
  const { records, stats } = await replayAll(dir);
  assert.deepEqual(records, [sent[0], ...sent.slice(frames.length)]);
  assert.equal(stats.corruptions.length, 1);
  assert.deepEqual({ ...stats.corruptions[0], detail: '' }, { file: first, offset: frames[1][0], reason: 'bad_crc', detail: '', truncated: false });
  assert.equal((await stat(first)).size, bytes.length, 'older segments are never truncated');

  await unlink(join(dir, segmentName(segments[1])));
  const gap = await replayAll(dir);
  assert.deepEqual(gap.stats.corruptions.map((c) => c.reason), ['bad_crc', 'missing_segment']);
});

test('files that are not ours, or from a newer version, stop replay untouched', async (t) => {
  const dir = await tempDir(t);
  // Loki's WAL names its segments the same way.
  const foreign = Buffer.from('\x00\x00\x00\x10loki-wal-record-bytes', 'latin1');
  await writeFile(join(dir, '00000000'), foreign);
  await assert.rejects(replayWal(dir, () => undefined), WalFormatError);
  assert.deepEqual(await readFile(join(dir, '00000000')), foreign);

  // A valid frame of an unknown record type.
  const payload = Buffer.from('future');
  const frame = Buffer.alloc(9 + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame[8] = 77;
  payload.copy(frame, 9);
  frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
  const header = Buffer.from([0x53, 0x4b, 0x57, 0x4c, 1, 0, 0, 0]);
  await writeFile(join(dir, '00000000'), Buffer.concat([header, frame]));
  await assert.rejects(replayWal(dir, () => undefined), /unknown record type 77/);
  header[4] = 2;
  await writeFile(join(dir, '00000000'), header);
  await assert.rejects(replayWal(dir, () => undefined), /unsupported WAL format version 2/);
});

test('replay of a missing or empty directory delivers nothing', async (t) => {
  const dir = await tempDir(t);
  const stats = (await replayAll(join(dir, 'nope'))).stats;
  assert.equal(stats.records, 0);
  assert.equal(stats.checkpoint, null);
});
