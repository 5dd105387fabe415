import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../config/index.js';
import type { IngesterConfig } from '../config/types.js';
import { columnsOf, type Entry, type StreamEntries } from '../model/entry.js';
import { EMPTY_LABELS, labelsToString, type Labels } from '../model/labels.js';
import { LabelMatcher } from '../model/matcher.js';
import { Metrics } from '../metrics/metrics.js';
import { Logger } from '../util/logger.js';
import { Ingester, type ChunkFlusher, type FlushItem } from './ingester.js';
import { hexNoise, UNLIMITED } from './test-util.js';
import { Wal } from './wal/index.js';

/** Keeps flushed chunks' entries, as the store would. */
class FakeFlusher implements ChunkFlusher {
  readonly items: FlushItem[] = [];
  readonly entries = new Map<string, string[]>();
  async flush(items: readonly FlushItem[]): Promise<void> {
    for (const it of items) {
      this.items.push(it);
      const l = this.entries.get(it.stream.key) ?? [];
      for (const b of it.chunk.batches(it.chunk.minTs, it.chunk.maxTs + 1n)) {
        for (let i = 0; i < b.count; i++) l.push(`${b.ts[i]} ${b.lines.toString('utf8', b.lineStart[i], b.lineStart[i + 1])}`);
      }
      this.entries.set(it.stream.key, l);
    }
  }
}


async function setup(t: { after(fn: () => Promise<void>): void }, over: Partial<IngesterConfig> = {}): Promise<{ ing: Ingester; flusher: FakeFlusher; dir: string; cfg: IngesterConfig }> {
  const dir = await mkdtemp(join(tmpdir(), 'skald-ingester-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = defaultConfig().ingester;
  const cfg: IngesterConfig = { ...base, chunk_encoding: 'snappy', ...over, wal: { ...base.wal, dir: join(dir, 'wal'), fsync: 'never', ...over.wal } };
  const flusher = new FakeFlusher();
  const ing = new Ingester(cfg, () => UNLIMITED, flusher, new Metrics(), new Logger());
  await ing.start();
  t.after(() => ing.stop(false));
  return { ing, flusher, dir, cfg };
}

function stream(app: string, entries: Entry[], metadata: Labels = EMPTY_LABELS): StreamEntries {
  const labels = [{ name: 'app', value: app }];
  return { labels, key: labelsToString(labels), entries: columnsOf(entries.map((e) => ({ ...e, metadata }))) };
}

/** Line i with `pad` bytes of hex noise, so that it does not compress to nothing. */
const line = (i: number, pad = 0): string => `line ${i} ${hexNoise(i, pad)}`;
const e = (ts: bigint, text: string): Entry => ({ ts, line: Buffer.from(text), metadata: EMPTY_LABELS });

/** Every entry of a stream, from memory and from what was flushed, as "ts line", in time order. */
function allEntries(ing: Ingester, flusher: FakeFlusher, app: string): string[] {
  const key = labelsToString([{ name: 'app', value: app }]);
  const out = [...(flusher.entries.get(key) ?? [])];
  for (const s of ing.select('fake', [new LabelMatcher('app', '=', app)])) {
    for (const c of s.chunksOverlapping(-(1n << 63n), (1n << 63n) - 1n)) {
      if (flusher.items.some((it) => it.chunk === c)) continue;
      for (const b of c.batches(c.minTs, c.maxTs + 1n)) {
        for (let i = 0; i < b.count; i++) out.push(`${b.ts[i]} ${b.lines.toString('utf8', b.lineStart[i], b.lineStart[i + 1])}`);
      }
    }
  }
  return out.sort((a, b) => (BigInt(a.split(' ')[0]) < BigInt(b.split(' ')[0]) ? -1 : 1));
}

test('push appends in order, drops duplicates and refuses entries too far behind; the WAL holds what was appended', async (t) => {
  const { ing, cfg } = await setup(t, { max_chunk_age: 2 * 3600_000 });
  const base = 1_700_000_000_000_000_000n;
  // Low words on both sides of 2^31 so the int64 halves' order is exercised.
  const ts = [base, base + (1n << 31n), base + (1n << 32n) - 1n, base + (1n << 32n)];
  let r = await ing.push('fake', [stream('a', ts.map((x, i) => e(x, line(i))))]);
  assert.deepEqual([r.appendedLines, r.errors], [4, []]);
  const old = base - 2n * 3600n * 1_000_000_000n;
  r = await ing.push('fake', [stream('a', [e(ts[1], line(1)), e(old, 'old'), e(ts[1] - 1n, 'late'), e(ts[3] + 5n, 'new')])]);
  assert.equal(r.appendedLines, 2, 'duplicate skipped, too old refused');
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0], /entry too far behind/);
  await ing.stop(false);

  const replayed: string[] = [];
  await Wal.replay(cfg.wal.dir, (rec) => {
    if (rec.type === 'entries') for (const x of rec.entries) replayed.push(`${x.ts} ${x.line.toString()}`);
  });
  assert.deepEqual(replayed, [...ts.map((x, i) => `${x} ${line(i)}`), `${ts[1] - 1n} late`, `${ts[3] + 5n} new`]);
});

test('structured metadata goes to the chunk and the WAL with each entry', async (t) => {
  const { ing, cfg } = await setup(t);
  const md = [{ name: 'detected_level', value: 'info' }];
  await ing.push('fake', [stream('m', [e(1n, 'a'), e(2n, 'b')], md)]);
  const [s] = ing.select('fake', [new LabelMatcher('app', '=', 'm')]);
  const [b] = s.head.batches(0n, 10n);
  assert.deepEqual(b.metadata, [md, md]);
  await ing.stop(false);
  const seen: Labels[] = [];
  await Wal.replay(cfg.wal.dir, (rec) => { if (rec.type === 'entries') for (const x of rec.entries) seen.push(x.metadata); });
  assert.deepEqual(seen, [md, md]);
});

test('memory_flush_threshold: heads are cut first, then the largest chunks are flushed; nothing is lost', async (t) => {
  const threshold = 256 * 1024;
  const { ing, flusher } = await setup(t, { memory_flush_threshold: threshold, chunk_block_size: 64 * 1024 });
  const apps = ['a', 'b', 'c', 'd'];
  let n = 0;
  for (let round = 0; round < 60; round++) {
    const streams = apps.map((app, k) => stream(app, Array.from({ length: 20 }, (_, j) => e(BigInt(round * 100 + j), line(n++, 40 + k * 20)))));
    await ing.push('fake', streams);
  }
  await ing.flushSweep('memory');
  assert.ok(flusher.items.length > 0, 'chunks were flushed');
  assert.ok(flusher.items.every((it) => it.reason === 'memory'));
  let total = 0;
  for (const app of apps) {
    const got = allEntries(ing, flusher, app);
    total += got.length;
    assert.equal(new Set(got).size, got.length, 'no entry twice');
  }
  assert.equal(total, n, 'every entry is in memory or flushed');
  let mem = 0;
  for (const app of apps) for (const s of ing.select('fake', [new LabelMatcher('app', '=', app)])) mem += s.memoryBytes;
  assert.ok(mem <= threshold, `memory ${mem} back under the threshold`);
});

test('replay flushes when the WAL holds more than memory_flush_threshold', async (t) => {
  const { ing, cfg } = await setup(t, { memory_flush_threshold: 0 });
  let n = 0;
  for (let round = 0; round < 40; round++) {
    await ing.push('fake', [stream('r', Array.from({ length: 500 }, (_, j) => e(BigInt(round * 1000 + j), line(n++, 200))))]);
  }
  await ing.stop(false);
  const flusher = new FakeFlusher();
  const again = new Ingester({ ...cfg, memory_flush_threshold: 1 << 20 }, () => UNLIMITED, flusher, new Metrics(), new Logger());
  await again.start();
  t.after(() => again.stop(false));
  assert.ok(flusher.items.length > 0, 'flushed during replay');
  const got = allEntries(again, flusher, 'r');
  assert.equal(got.length, n);
});

test('a request holding one stream twice (and new streams) is logged exactly, whatever the head buffers do', async (t) => {
  const { ing, cfg } = await setup(t, { chunk_block_size: 8 * 1024 });
  const expected: string[] = [];
  let n = 0;
  const batch = (app: string, k: number, pad: number): StreamEntries => {
    const es = Array.from({ length: k }, () => e(BigInt(++n), line(n, pad)));
    for (const x of es) expected.push(`${app} ${x.ts} ${x.line.toString()}`);
    return stream(app, es);
  };
  for (let round = 0; round < 5; round++) {
    // The second "dup" batch grows and cuts the head the first one's lines were in; the new
    // streams' heads take buffers from the pool meanwhile.
    await ing.push('fake', [batch('dup', 3, 50), batch(`new${round}`, 2, 30), batch('dup', 60, 300), batch(`other${round}`, 40, 300)]);
  }
  await ing.stop(false);
  const ids = new Map<number, string>();
  const got: string[] = [];
  await Wal.replay(cfg.wal.dir, (rec) => {
    if (rec.type === 'series') ids.set(rec.streamId, rec.labels[0].value);
    else for (const x of rec.entries) got.push(`${ids.get(rec.streamId)} ${x.ts} ${x.line.toString()}`);
  });
  assert.deepEqual(got.sort(), expected.sort());
});
