import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Entry } from '../../model/entry.js';
import { EMPTY_LABELS, type Labels } from '../../model/labels.js';
import type { WalRecord } from './record.js';
import { replayWal, type ReplayStats } from './replay.js';

/** Generators and helpers shared by the WAL's tests. */

const arbLabels = (): fc.Arbitrary<Labels> =>
  fc.uniqueArray(fc.record({ name: fc.string({ minLength: 1, maxLength: 6 }), value: fc.string({ unit: 'grapheme', maxLength: 8 }) }), {
    maxLength: 3, selector: (l) => l.name,
  }).map((ls) => (ls.length === 0 ? EMPTY_LABELS : ls.map((l) => ({ ...l })).sort((a, b) => (a.name < b.name ? -1 : 1))));

const arbEntry = (): fc.Arbitrary<Entry> =>
  fc.record({
    ts: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
    line: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
    metadata: arbLabels(),
  }).map((e) => ({ ...e })); // fc.record builds null-prototype objects; deepEqual compares prototypes

export const arbRecord = (): fc.Arbitrary<WalRecord> =>
  fc.oneof(
    fc.record({ type: fc.constant('series' as const), tenant: fc.string({ maxLength: 5 }), streamId: fc.nat(), labels: arbLabels() }).map((r) => ({ ...r })),
    fc.record({ type: fc.constant('entries' as const), tenant: fc.string({ maxLength: 5 }), streamId: fc.nat(), entries: fc.array(arbEntry(), { maxLength: 4 }) }).map((r) => ({ ...r })),
  );

let seq = 0;
/** A small entries record whose line names its sequence number. */
export function entriesRecord(streamId: number, lines: number, tenant = 'fake'): WalRecord {
  const entries: Entry[] = [];
  for (let i = 0; i < lines; i++) {
    const n = seq++;
    entries.push({ ts: BigInt(n) * 1000n, line: Buffer.from(`line ${n} ` + 'x'.repeat(n % 17)), metadata: n % 3 === 0 ? [{ name: 'n', value: String(n) }] : EMPTY_LABELS });
  }
  return { type: 'entries', tenant, streamId, entries };
}

export function seriesRecord(streamId: number, tenant = 'fake'): WalRecord {
  return { type: 'series', tenant, streamId, labels: [{ name: 'app', value: `app-${streamId}` }] };
}

/** Replays `dir` into an array. */
export async function replayAll(dir: string): Promise<{ records: WalRecord[]; stats: ReplayStats }> {
  const records: WalRecord[] = [];
  const stats = await replayWal(dir, (r) => records.push(r));
  return { records, stats };
}

/** A fresh temp directory, removed when the test ends. */
export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skald-wal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
