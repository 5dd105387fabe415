import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockFrames, compressBlock, decodeBlock, decompressBlock, encodeBlock, mergeBlocks, type BlockVersion } from '../chunk/block.js';
import type { EntryBatch } from '../chunk/batch.js';
import { CHUNK_ENCODINGS, getCodec } from '../chunk/codec.js';
import { CorruptChunkError } from '../chunk/errors.js';
import type { Labels } from '../model/labels.js';
import { BlockScratch } from './block-decoder.js';
import { Needle } from './line-prefilter.js';

function batch(n: number, line: (i: number) => string, md: (i: number) => Labels): EntryBatch {
  const lines = Array.from({ length: n }, (_, i) => Buffer.from(line(i)));
  const lineStart = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) lineStart[i + 1] = lineStart[i] + lines[i].length;
  return { count: n, ts: BigInt64Array.from(lines.map((_, i) => 100n + BigInt(i * 3))), lines: Buffer.concat(lines), lineStart, metadata: Array.from({ length: n }, (_, i) => md(i)) };
}

function rows(b: { count: number; ts: BigInt64Array; lineStart: Uint32Array; metadata: readonly Labels[] | null }, lines?: Buffer) {
  const out = [];
  for (let i = 0; i < b.count; i++) out.push([b.ts[i], b.lineStart[i + 1] - b.lineStart[i], lines?.toString('utf8', b.lineStart[i], b.lineStart[i + 1]), JSON.stringify(b.metadata?.[i] ?? [])]);
  return out;
}

/** The block in `version`'s compressed form, with its table row. */
function stored(b: EntryBatch, encoding: (typeof CHUNK_ENCODINGS)[number], version: BlockVersion) {
  const codec = getCodec(encoding);
  const raw = Buffer.from(encodeBlock(b));
  const linesSize = b.lineStart[b.count];
  let data: Buffer;
  let rawLength = raw.length;
  if (version === 2) data = compressBlock(codec, raw, linesSize);
  else {
    // Format 1: lines right after the lengths, metadata last, one frame.
    let colsEnd = 0;
    for (let k = 0; k < 1 + 2 * b.count; k++) while (raw[colsEnd++] >= 0x80);
    const v1 = Buffer.concat([raw.subarray(0, colsEnd), raw.subarray(raw.length - linesSize), raw.subarray(colsEnd, raw.length - linesSize)]);
    rawLength = v1.length;
    data = codec.compress(v1);
  }
  return { data, meta: { minTs: b.ts[0], maxTs: b.ts[b.count - 1], rawLength, linesSize }, raw };
}

describe('BlockScratch', () => {
  const b = batch(200, (i) => (i === 150 ? 'msg="found the needle-xyz here"' : `msg="line ${i}" level=info`), (i) => (i % 2 ? [{ name: 'detected_level', value: 'info' }] : []));
  const ranges: [bigint, bigint][] = [[0n, 10_000n], [103n, 400n], [400n, 401n], [10_000n, 20_000n]];

  for (const version of [1, 2] as const) {
    it(`reads format-${version} blocks whole, by range and as columns`, () => {
      for (const enc of CHUNK_ENCODINGS) {
        const { data, meta, raw } = stored(b, enc, version);
        const scratch = new BlockScratch();
        for (const [from, through] of ranges) {
          const want = decodeBlock(raw, meta.minTs, from, through);
          for (const stable of [false, true]) {
            const got = scratch.decodeBlock(enc, data, meta, version, from, through, stable);
            assert.deepEqual(rows(got, got.lines), rows(want, want.lines), `${enc} ${from} ${through}`);
          }
          const cols = scratch.decodeColumns(enc, data, meta, version, from, through);
          assert.deepEqual(rows(cols), rows(want), `${enc} columns ${from} ${through}`);
        }
      }
    });

    it(`skips format-${version} blocks without the needed bytes, and only those`, () => {
      const { data, meta } = stored(b, 'zstd', version);
      const scratch = new BlockScratch();
      assert.equal(scratch.decodeBlock('zstd', data, meta, version, 0n, 10_000n, false, new Needle(Buffer.from('no such thing'))).count, 0);
      assert.equal(scratch.decodeBlock('zstd', data, meta, version, 0n, 10_000n, false, new Needle(Buffer.from('needle-xyz'))).count, 200);
    });
  }

  it('rejects a block whose frames do not add up, or whose head fails its CRC', () => {
    const { data, meta } = stored(b, 'zstd', 2);
    const scratch = new BlockScratch();
    const bad = Buffer.from(data);
    bad[10] ^= 0x01;
    assert.throws(() => scratch.decodeColumns('zstd', bad, meta, 2, 0n, 10_000n, false), CorruptChunkError);
    assert.equal(scratch.decodeColumns('zstd', data, meta, 2, 0n, 10_000n, false).count, 200);
    assert.throws(() => scratch.decodeBlock('zstd', data, { ...meta, linesSize: meta.linesSize - 1 }, 2, 0n, 10_000n, false), CorruptChunkError);
    assert.throws(() => scratch.decodeColumns('zstd', data.subarray(0, 20), meta, 2, 0n, 10_000n), CorruptChunkError);
  });
});

describe('Needle', () => {
  it('finds what Buffer.indexOf finds, whichever byte it anchors on', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const alphabet = 'abcxyz-='.slice(0, 2 + rnd(7));
      const hay = Buffer.from(Array.from({ length: rnd(400) }, () => alphabet[rnd(alphabet.length)]).join(''));
      const lit = Buffer.from(Array.from({ length: 1 + rnd(4) }, () => alphabet[rnd(alphabet.length)]).join(''));
      const needle = new Needle(lit);
      for (let from = 0; from <= hay.length; from += 1 + rnd(40)) assert.equal(needle.indexOf(hay, from), hay.indexOf(lit, from), `${lit} in ${hay} from ${from}`);
    }
  });
});

describe('BlockScratch, merged blocks', () => {
  /** A block merged from `parts` blocks of `per` entries each: its lines are `parts` zstd frames. */
  function merged(encoding: 'zstd' | 'none', parts: number, per: number) {
    const codec = getCodec(encoding);
    const all = batch(parts * per, (i) => (i % 9 === 0 ? '' : `entry ${i} ${'x'.repeat(i % 13)}`), (i) => (i % 4 === 0 ? [{ name: 'k', value: `v${i % 3}` }] : []));
    const stored = Array.from({ length: parts }, (_, k) => {
      const b = sliceEntries(all, k * per, (k + 1) * per);
      const raw = encodeBlock(b);
      const linesSize = b.lineStart[b.count];
      return { data: compressBlock(codec, raw, linesSize), minTs: b.ts[0], maxTs: b.ts[b.count - 1], rawLength: raw.length, linesSize };
    });
    const m = mergeBlocks(codec, stored);
    return { all, data: m.data, meta: { minTs: all.ts[0], maxTs: all.ts[all.count - 1], rawLength: m.rawLength, linesSize: m.linesSize }, parts: stored };
  }

  for (const encoding of ['zstd', 'none'] as const) {
    it(`decodes any time range of a merged block like the whole block sliced (${encoding})`, () => {
      const { all, data, meta } = merged(encoding, 5, 40);
      const s = new BlockScratch();
      const whole = rows(decodeBlock(decompressBlockOf(encoding, data, meta), meta.minTs), undefined);
      for (const [a, b] of [[0, 200], [199, 200], [150, 200], [0, 1], [39, 41], [80, 120], [7, 7], [0, 199], [120, 121]]) {
        const from = all.ts[a];
        const through = b < all.count ? all.ts[b] : all.ts[all.count - 1] + 1n;
        const got = s.decodeBlock(encoding, data, meta, 2, from, through, false);
        assert.deepEqual(rows(got, got.lines), rows(sliceEntries(all, a, b), sliceEntries(all, a, b).lines), `[${a}, ${b})`);
        assert.deepEqual(rows(got).map((r) => r[0]), whole.slice(a, b).map((r) => r[0]));
      }
    });
  }

  it('decompresses only the frames holding the wanted lines', () => {
    const { all, data, meta, parts } = merged('zstd', 4, 50);
    // Garble the content of the first part's lines frame (past its frame and block headers): a
    // read of the newest entries never decompresses it, a read of the oldest does.
    const broken = Buffer.from(data);
    const linesAt = data.length - parts.reduce((n, p) => n + linesFrameLength(p), 0);
    assert.ok(linesFrameLength(parts[0]) > 40);
    broken.fill(0x5a, linesAt + 20, linesAt + 36);
    const s = new BlockScratch();
    const tail = s.decodeBlock('zstd', broken, meta, 2, all.ts[180], all.ts[199] + 1n, false);
    assert.equal(tail.count, 20);
    assert.equal(tail.lines.toString(), sliceEntries(all, 180, 200).lines.toString());
    const garbled = (a: number, b: number): boolean => {
      try {
        return s.decodeBlock('zstd', broken, meta, 2, all.ts[a], all.ts[b], false).lines.toString() !== sliceEntries(all, a, b).lines.toString();
      } catch (err) {
        return err instanceof CorruptChunkError;
      }
    };
    assert.ok(garbled(1, 40));
    assert.equal(garbled(60, 120), false);
  });
});

function sliceEntries(b: EntryBatch, a: number, z: number): EntryBatch {
  const lineStart = new Uint32Array(z - a + 1);
  for (let i = a; i <= z; i++) lineStart[i - a] = b.lineStart[i] - b.lineStart[a];
  return { count: z - a, ts: b.ts.slice(a, z), lines: b.lines.subarray(b.lineStart[a], b.lineStart[z]), lineStart, metadata: b.metadata === null ? null : b.metadata.slice(a, z) };
}

function decompressBlockOf(encoding: 'zstd' | 'none', data: Buffer, meta: { rawLength: number; linesSize: number }) {
  return decompressBlock(getCodec(encoding), data, meta.rawLength, meta.linesSize, 2);
}

function linesFrameLength(p: { data: Buffer; rawLength: number; linesSize: number }): number {
  return blockFrames(p.data, p.rawLength, p.linesSize).lines.length;
}
