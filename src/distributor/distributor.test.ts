import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, defaultLimits } from '../config/index.js';
import type { IngesterConfig, LimitsConfig } from '../config/types.js';
import { Ingester, type ChunkFlusher } from '../ingester/ingester.js';
import { Wal } from '../ingester/wal/index.js';
import { LabelMatcher } from '../model/matcher.js';
import { Metrics } from '../metrics/metrics.js';
import { decodePushRequest } from '../push/index.js';
import { encodePushSnappy, type FixtureStream } from '../push/proto-fixture.js';
import { Logger } from '../util/logger.js';
import { Distributor } from './distributor.js';

const LIMITS: LimitsConfig = { ...defaultLimits(), reject_old_samples: false, per_stream_rate_limit: 1e12, per_stream_rate_limit_burst: 1e12 };
const NO_FLUSH: ChunkFlusher = { flush: async () => undefined };
const T0 = 1_700_000_000;

function push(app: string, from: number, lines: number): FixtureStream[] {
  return [{
    labels: `{app="${app}"}`,
    entries: Array.from({ length: lines }, (_, i) => ({ timestamp: { seconds: T0 + from + i, nanos: 0 }, line: `${app} line ${from + i} ${'x'.repeat(i % 50)}` })),
  }];
}

function expectedLines(app: string, from: number, lines: number): string[] {
  return push(app, from, lines)[0].entries.map((e) => `${BigInt(e.timestamp!.seconds) * 1_000_000_000n} ${e.line as string}`);
}

function linesIn(ing: Ingester, app: string): string[] {
  const out: string[] = [];
  for (const s of ing.select('t', [new LabelMatcher('app', '=', app)])) {
    for (const c of s.chunksOverlapping(-(1n << 63n), (1n << 63n) - 1n)) {
      for (const b of c.batches(c.minTs, c.maxTs + 1n)) {
        for (let i = 0; i < b.count; i++) out.push(`${b.ts[i]} ${b.lines.toString('utf8', b.lineStart[i], b.lineStart[i + 1])}`);
      }
    }
  }
  return out;
}

test('a decoded body\'s pooled buffer is reused only after its entries are copied to memory and the WAL', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skald-distributor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const base = defaultConfig().ingester;
  const cfg: IngesterConfig = { ...base, chunk_encoding: 'snappy', wal: { ...base.wal, dir: join(dir, 'wal'), fsync: 'never' } };
  const ing = new Ingester(cfg, () => LIMITS, NO_FLUSH, new Metrics(), new Logger());
  await ing.start();
  const dist = new Distributor(() => LIMITS, ing, new Metrics());
  const opts = { contentType: 'application/x-protobuf', contentEncoding: undefined, maxDecompressedBytes: 100 << 20 };

  const first = await decodePushRequest(encodePushSnappy(push('a', 0, 300)), opts);
  assert.equal(typeof first.release, 'function', 'snappy bodies are decoded into pooled buffers');
  const firstMemory = first.streams[0].entries.buf.buffer;
  await dist.push('t', first);
  // The same pooled memory now carries another body: what the ingester holds must not change.
  const second = await decodePushRequest(encodePushSnappy(push('b', 0, 300)), opts);
  assert.equal(second.streams[0].entries.buf.buffer, firstMemory, 'the released buffer was reused');
  await dist.push('t', second);
  // A request that fails validation gives its buffer back too.
  const bad = await decodePushRequest(encodePushSnappy([{ labels: '{app=', entries: [{ timestamp: { seconds: T0, nanos: 0 }, line: 'x' }] }]), opts);
  await assert.rejects(dist.push('t', bad), /parse/);
  const third = await decodePushRequest(encodePushSnappy(push('a', 300, 10)), opts);
  assert.equal(third.streams[0].entries.buf.buffer, firstMemory);
  await dist.push('t', third);

  const wantA = [...expectedLines('a', 0, 300), ...expectedLines('a', 300, 10)];
  assert.deepEqual(linesIn(ing, 'a'), wantA);
  assert.deepEqual(linesIn(ing, 'b'), expectedLines('b', 0, 300));
  await ing.stop(false);

  // And the WAL got the lines as sent.
  const replayed: string[] = [];
  await Wal.replay(cfg.wal.dir, (r) => {
    if (r.type === 'entries') for (const e of r.entries) replayed.push(`${e.ts} ${e.line.toString('utf8')}`);
  });
  assert.deepEqual(replayed.sort(), [...wantA, ...expectedLines('b', 0, 300)].sort());
});
