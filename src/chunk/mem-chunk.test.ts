import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChunkEncoding } from '../config/types.js';
import { columnsOf, halvesOf } from '../model/entry.js';
import { ByteWriter } from './bytes.js';
import { CutBlock } from './cut-block.js';
import { ChunkClosedError } from './errors.js';
import { MemChunk } from './mem-chunk.js';
import { decodeChunk } from './stored-chunk.js';
import { expected, flatten, type FlatEntry } from './test-util.js';

const ALL = [-(1n << 63n), (1n << 63n) - 1n] as const;
const T0 = 1_700_000_000_000_000_000n;

function fill(c: MemChunk, entries: FlatEntry[]): boolean[] {
  return entries.map((e) => c.append(e.ts, Buffer.from(e.line), e.md));
}

function line(i: number): string {
  return `ts=${i} level=info caller=server.go:${i % 97} msg="handled request" status=${200 + (i % 5)} bytes=${i * 37}`;
}

describe('MemChunk', () => {
  it('reads back in-order appends and counts them', () => {
    const c = new MemChunk({ encoding: 'snappy', blockSize: 2048 });
    const entries = Array.from({ length: 500 }, (_, i) => ({ ts: T0 + BigInt(i) * 1000n, line: line(i), md: [] }));
    assert.ok(fill(c, entries).every(Boolean));
    assert.equal(c.entryCount, 500);
    assert.equal(c.minTs, T0);
    assert.equal(c.maxTs, T0 + 499_000n);
    assert.equal(c.rawBytes, entries.reduce((n, e) => n + e.line.length, 0));
    assert.ok(c.blockCount > 10, `blocks: ${c.blockCount}`);
    assert.ok(c.compressedBytes > 0 && c.compressedBytes < c.rawBytes);
    assert.deepEqual(flatten(c.batches(...ALL)), entries);
    assert.deepEqual(flatten(c.batches(T0 + 100_000n, T0 + 200_000n)), entries.slice(100, 200));
    assert.equal(c.countInRange(T0 + 100_000n, T0 + 200_000n), 100);
    assert.equal(c.countInRange(...ALL), 500);
    assert.equal(c.countInRange(T0 + 5n, T0 + 5n), 0);
  });

  it('drops exact duplicates only: same ts and same line bytes, metadata ignored', () => {
    const c = new MemChunk({ encoding: 'none' });
    assert.equal(c.append(T0, Buffer.from('a')), true);
    assert.equal(c.append(T0, Buffer.from('a'), [{ name: 'k', value: 'v' }]), false);
    assert.equal(c.append(T0, Buffer.from('b')), true);
    assert.equal(c.append(T0 + 1n, Buffer.from('a')), true);
    assert.equal(c.append(T0 - 1n, Buffer.from('a')), true);
    assert.equal(c.append(T0, Buffer.from('b')), false);
    assert.equal(c.append(T0 - 1n, Buffer.from('a')), false);
    assert.equal(c.entryCount, 4);
  });

  it('detects duplicates among many entries sharing one timestamp', () => {
    const c = new MemChunk({ encoding: 'lz4' });
    for (let i = 0; i < 200; i++) assert.equal(c.append(T0, Buffer.from(`same-length-${String(i).padStart(3, '0')}`)), true);
    for (let i = 0; i < 200; i += 7) assert.equal(c.append(T0, Buffer.from(`same-length-${String(i).padStart(3, '0')}`)), false);
    assert.equal(c.entryCount, 200);
  });

  it('stays fast when a second-precision burst spreads one timestamp over many blocks', () => {
    const c = new MemChunk({ encoding: 'snappy', blockSize: 4096 });
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) assert.equal(c.append(T0, Buffer.from(line(i))), true);
    assert.ok(c.blockCount > 100);
    for (let i = 0; i < 20_000; i += 997) assert.equal(c.append(T0, Buffer.from(line(i))), false);
    const ms = performance.now() - t0;
    assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
    assert.equal(c.entryCount, 20_000);
  });

  it('detects duplicates of entries already cut into compressed blocks', () => {
    const c = new MemChunk({ encoding: 'gzip', blockSize: 1024 });
    const entries = Array.from({ length: 300 }, (_, i) => ({ ts: T0 + BigInt(i) * 10n, line: line(i), md: [] }));
    fill(c, entries);
    assert.ok(c.blockCount > 5);
    for (const i of [0, 13, 150, 299]) assert.equal(c.append(entries[i].ts, Buffer.from(entries[i].line)), false);
    assert.equal(c.append(entries[13].ts, Buffer.from('other line')), true);
    assert.equal(c.append(entries[13].ts + 1n, Buffer.from(entries[13].line)), true);
    assert.equal(c.entryCount, 302);
  });

  it('answers duplicate checks after closing, decompressing only blocks its entry filters cannot rule out', () => {
    const c = new MemChunk({ encoding: 'snappy', blockSize: 1024 });
    // Two interleaved time ranges make close() re-merge blocks: the merged ones are checked too.
    const entries = Array.from({ length: 600 }, (_, i) => ({ ts: T0 + BigInt(i % 300) * 10n + BigInt(i >= 300 ? 5 : 0), line: line(i), md: [] }));
    fill(c, entries);
    c.close();
    assert.ok(c.blockCount > 10);
    for (const i of [0, 13, 299, 300, 450, 599]) assert.equal(c.contains(entries[i].ts, Buffer.from(entries[i].line)), true);
    assert.equal(c.contains(entries[13].ts, Buffer.from('other line')), false);
    assert.equal(c.contains(entries[13].ts + 1n, Buffer.from(entries[13].line)), false);
    assert.equal(c.contains(T0 - 1n, Buffer.from(entries[0].line)), false);
    // Once every block has its filter, checks of absent entries almost never decompress one.
    for (let i = 0; i < 600; i++) c.contains(entries[i].ts, Buffer.from(`absent ${i}`));
    const read = CutBlock.prototype.read;
    let reads = 0;
    CutBlock.prototype.read = function (this: CutBlock, from: bigint, through: bigint) { reads++; return read.call(this, from, through); };
    try {
      for (let i = 0; i < 600; i++) assert.equal(c.contains(entries[i].ts, Buffer.from(`not there ${i}`)), false);
    } finally {
      CutBlock.prototype.read = read;
    }
    assert.ok(reads <= 12, `${reads} block decompressions for 600 absent entries`);
  });

  it('orders out-of-order appends, keeping push order for equal timestamps, and re-merges on close', () => {
    const c = new MemChunk({ encoding: 'zstd', blockSize: 600 });
    const entries: FlatEntry[] = [];
    for (let i = 0; i < 400; i++) {
      const ts = T0 + BigInt((i * 7919) % 97) * 1000n; // scattered, many repeats
      entries.push({ ts, line: `${line(i)} n=${i}`, md: i % 3 === 0 ? [{ name: 'trace_id', value: `t${i % 5}` }] : [] });
    }
    fill(c, entries);
    const want = expected(entries);
    assert.deepEqual(flatten(c.batches(...ALL)), want);
    const from = T0 + 20_000n;
    const through = T0 + 50_000n;
    assert.deepEqual(flatten(c.batches(from, through)), expected(entries, from, through));
    assert.equal(c.countInRange(from, through), expected(entries, from, through).length);
    const buf = c.encode();
    assert.equal(c.closed, true);
    const stats = c.blockStats();
    for (let i = 1; i < stats.length; i++) assert.ok(stats[i - 1].maxTs <= stats[i].minTs, `block ${i} overlaps`);
    assert.deepEqual(flatten(c.batches(...ALL)), want);
    const stored = decodeChunk(buf);
    assert.deepEqual(flatten(stored.batches(...ALL)), want);
    assert.equal(stored.entryCount, want.length);
    assert.throws(() => c.append(T0, Buffer.from('late')), ChunkClosedError);
  });

  it('reports full when the estimated compressed size reaches the target', () => {
    const c = new MemChunk({ encoding: 'snappy', blockSize: 4096, targetSize: 16 * 1024 });
    let i = 0;
    while (!c.isFull()) {
      c.append(T0 + BigInt(i), Buffer.from(`${line(i)} ${Math.random()}`));
      i++;
      assert.ok(i < 100_000);
    }
    assert.ok(c.estimatedSize() >= 16 * 1024);
    const size = c.encode().length;
    assert.ok(size >= 14 * 1024 && size < 24 * 1024, `encoded ${size}`);
  });

  it('serves reads taken before later appends and cuts unchanged (snapshots)', () => {
    const c = new MemChunk({ encoding: 'none', blockSize: 64 });
    c.append(T0, Buffer.from('first'));
    const snap = [...c.batches(...ALL)];
    for (let i = 1; i < 100; i++) c.append(T0 + BigInt(i), Buffer.from(line(i)));
    assert.deepEqual(flatten(snap).map((e) => e.line), ['first']);
  });

  for (const enc of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as ChunkEncoding[]) {
    it(`encodes and decodes with ${enc}`, () => {
      const c = new MemChunk({ encoding: enc, blockSize: 8192, labels: [{ name: 'app', value: 'api' }] });
      const entries = Array.from({ length: 1000 }, (_, i) => ({ ts: T0 + BigInt(i), line: line(i), md: [] }));
      fill(c, entries);
      const s = decodeChunk(c.encode());
      assert.equal(s.encoding, enc);
      assert.deepEqual(s.labels, [{ name: 'app', value: 'api' }]);
      assert.equal(s.fingerprint, c.fingerprint);
      assert.deepEqual(flatten(s.batches(...ALL)), entries);
    });
  }

  it('encodes into a pack being built: the same bytes as encode(), after what the writer holds', () => {
    const chunks = [0, 1].map((k) => {
      const c = new MemChunk({ encoding: 'snappy', blockSize: 1024, labels: [{ name: 'app', value: `a${k}` }] });
      fill(c, Array.from({ length: 200 }, (_, i) => ({ ts: T0 + BigInt(i), line: line(i + k), md: [] })));
      return c;
    });
    const w = new ByteWriter(16);
    w.bytes(Buffer.from('pack'));
    const lengths = chunks.map((c) => c.encodeInto(w));
    const pack = Buffer.from(w.finish());
    let at = 4;
    chunks.forEach((c, k) => {
      const own = pack.subarray(at, at + lengths[k]);
      assert.deepEqual(own, c.encode());
      assert.deepEqual(flatten(decodeChunk(own).batches(...ALL)), flatten(c.batches(...ALL)));
      at += lengths[k];
    });
    assert.equal(at, pack.length);
  });

  for (const enc of ['zstd', 'none', 'snappy'] as ChunkEncoding[]) {
    it(`merges blocks cut small into full ones when serialized (${enc}), keeping every entry`, () => {
      const c = new MemChunk({ encoding: enc, blockSize: 16 * 1024 });
      const entries = Array.from({ length: 1200 }, (_, i) => ({
        ts: T0 + BigInt(i >> 1), line: i % 50 === 0 ? '' : line(i),
        md: i % 7 === 0 ? [{ name: 'trace_id', value: `t${i % 3}` }] : [],
      }));
      // Cut every 40 entries (~3.5 KB), as memory pressure does.
      entries.forEach((e, i) => {
        c.append(e.ts, Buffer.from(e.line), e.md);
        if (i % 40 === 39) c.cutHead();
      });
      assert.equal(c.blockCount, 30);
      c.close();
      assert.equal(c.blockCount, 30, 'closing alone merges nothing');
      const encoded = c.encode();
      const merges = enc !== 'snappy';
      if (merges) {
        assert.ok(c.blockCount <= 8, `${c.blockCount} blocks after close`);
        for (const m of c.blockStats()) assert.ok(m.rawLength <= 16 * 1024);
      } else assert.equal(c.blockCount, 30, 'snappy frames do not concatenate');
      assert.deepEqual(flatten(c.batches(...ALL)), entries);
      const s = decodeChunk(encoded);
      assert.equal(s.blockCount, c.blockCount);
      assert.deepEqual(c.encode(), encoded);
      assert.deepEqual(flatten(s.batches(...ALL)), entries);
      assert.equal(s.countInRange(T0 + 100n, T0 + 400n), 600);
      // Duplicate checks still see merged blocks.
      assert.equal(c.contains(entries[777].ts, Buffer.from(entries[777].line)), true);
      assert.equal(c.contains(entries[777].ts, Buffer.from('absent')), false);
    });
  }

  it('handles an empty chunk', () => {
    const c = new MemChunk({ encoding: 'gzip' });
    assert.deepEqual([...c.batches(...ALL)], []);
    const s = decodeChunk(c.encode());
    assert.equal(s.entryCount, 0);
    assert.equal(s.blockCount, 0);
    assert.deepEqual([...s.batches(...ALL)], []);
  });

  it('splits blocks whose time span exceeds what a block can hold', () => {
    const c = new MemChunk({ encoding: 'none' });
    const ts = [-(1n << 62n), 0n, 1n << 62n];
    ts.forEach((t, i) => c.append(t, Buffer.from(`e${i}`)));
    const s = decodeChunk(c.encode());
    assert.equal(s.blockCount, 3);
    assert.deepEqual(flatten(s.batches(...ALL)).map((e) => e.ts), ts);
  });
});

describe('MemChunk.appendRun', () => {
  it('holds the same entries and bytes as appending one by one', () => {
    const md = [{ name: 'detected_level', value: 'info' }];
    for (const runLen of [1, 7, 40]) {
      const one = new MemChunk({ encoding: 'snappy', blockSize: 4096 });
      const run = new MemChunk({ encoding: 'snappy', blockSize: 4096 });
      let i = 0;
      for (let round = 0; round < 30; round++) {
        const entries = Array.from({ length: runLen }, () => ({ ts: T0 + BigInt(i) * 1_000_003n + (1n << 31n), line: line(i++), md: i % 3 === 0 ? md : [] }));
        fill(one, entries);
        const cols = columnsOf(entries.map((e) => ({ ts: e.ts, line: Buffer.from(e.line), metadata: e.md })));
        run.appendRun(halvesOf(cols.ts), cols.lineStart, cols.lineEnd, cols.buf, cols.metadata, cols.count);
      }
      assert.equal(run.entryCount, one.entryCount);
      assert.equal(run.minTs, one.minTs);
      assert.equal(run.maxTs, one.maxTs);
      assert.equal(run.rawBytes, one.rawBytes);
      const read = (c: MemChunk): unknown[] => flatten(c.batches(...ALL));
      assert.deepEqual(read(run), read(one));
      // Blocks are cut after a run rather than inside it: the stored chunk reads back the same.
      assert.deepEqual(flatten(decodeChunk(run.encode()).batches(...ALL)), read(one));
      if (runLen === 1) assert.deepEqual(run.encode(), one.encode(), 'runs of one make identical chunks');
    }
  });
});
