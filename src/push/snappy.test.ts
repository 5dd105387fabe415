import assert from 'node:assert/strict';
import { test } from 'node:test';
import snappy from 'snappy';
import { decodeSnappyBody, snappyDecodedLength } from './decompress.js';
import { SNAPPY_SLACK, snappyDecodeInto } from './snappy.js';

/** Decodes a whole snappy block (preamble included) into a buffer with `slack` spare bytes. */
function decode(block: Uint8Array, slack = SNAPPY_SLACK): Buffer | undefined {
  const b = Buffer.from(block);
  const n = snappyDecodedLength(b);
  if (n < 0) return undefined;
  let start = 0;
  while (b[start] >= 0x80) start++;
  const out = Buffer.alloc(n + slack, 0xee);
  return snappyDecodeInto(b, start + 1, out, n) ? out.subarray(0, n) : undefined;
}

function uvarint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A deterministic pseudo-random source (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Log-like text: repeated fields and values (short copies), random ids (literals), runs. */
function logText(bytes: number, seed: number): Buffer {
  const r = rng(seed);
  const words = ['level=info', 'level=error', 'msg="request served"', 'path=/api/v1/users', 'status=200', 'duration=', 'caller=handler.go:', '{"time":"2024-05-01T12:00:00Z",', 'trace_id='];
  let s = '';
  while (s.length < bytes) {
    const k = r();
    if (k < 0.6) s += words[Math.floor(r() * words.length)] + ' ';
    else if (k < 0.9) s += Math.floor(r() * 1e9).toString(36) + ' ';
    else s += 'x'.repeat(1 + Math.floor(r() * 300)) + '\n';
  }
  return Buffer.from(s.slice(0, bytes));
}

test('decodes what the native snappy encoder produces, with or without spare bytes', () => {
  const r = rng(7);
  const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(100_000, 0x61)];
  for (const n of [1, 5, 15, 16, 17, 31, 60, 61, 255, 256, 1000, 65_535, 65_536, 70_000, 300_000]) {
    inputs.push(logText(n, n));
    inputs.push(Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256))));
  }
  for (const input of inputs) {
    const block = snappy.compressSync(input);
    for (const slack of [0, 3, SNAPPY_SLACK]) {
      const got = decode(block, slack);
      assert.ok(got !== undefined, `length ${input.length}, slack ${slack}`);
      assert.ok(got.equals(input), `length ${input.length}, slack ${slack}`);
    }
  }
});

test('every element form: long literals, 1/2/4-byte offsets, overlapping copies', () => {
  const lit = (bytes: number[]): number[] => {
    const n = bytes.length - 1;
    if (n < 60) return [n << 2, ...bytes];
    if (n < 256) return [60 << 2, n, ...bytes];
    if (n < 65536) return [61 << 2, n & 0xff, n >> 8, ...bytes];
    return [62 << 2, n & 0xff, (n >> 8) & 0xff, n >> 16, ...bytes];
  };
  const text = Array.from(logText(70_000, 3));
  const body = [
    ...lit(text), // literal with a 3-byte length
    (63 << 2) | 3, 0x40, 0x00, 0x01, 0x00, // copy4: length 64, offset 65,600
    (4 << 2) | 2, 0x10, 0x00, // copy2: length 5, offset 16
    (7 << 2) | 1, 1, // copy1: length 11, offset 1 (a run)
    (2 << 2) | 1, 3, // copy1: length 6, offset 3 (overlapping)
    ...lit([0x41, 0x42]),
    ...lit(Array.from({ length: 300 }, (_, i) => i & 0xff)), // literal with a 2-byte length
  ];
  const expected = [...text];
  const copy = (offset: number, length: number): void => {
    for (let i = 0; i < length; i++) expected.push(expected[expected.length - offset]);
  };
  copy(65_600, 64);
  copy(16, 5);
  copy(1, 11);
  copy(3, 6);
  expected.push(0x41, 0x42, ...Array.from({ length: 300 }, (_, i) => i & 0xff));
  const block = [...uvarint(expected.length), ...body];
  for (const slack of [0, SNAPPY_SLACK]) assert.deepEqual([...decode(Buffer.from(block), slack)!], expected);
  // The native decoder agrees.
  assert.deepEqual([...(snappy.uncompressSync(Buffer.from(block), { asBuffer: true }) as Buffer)], expected);
});

test('corrupt input is refused as Go snappy refuses it', () => {
  const ok = [...uvarint(8), 3 << 2, 0x61, 0x62, 0x63, 0x64, (0 << 2) | 1, 4]; // "abcd" + copy1(4, offset 4)
  assert.equal(decode(Buffer.from(ok))?.toString(), 'abcdabcd');
  const cases: Array<[string, number[]]> = [
    ['offset 0', [...uvarint(8), 3 << 2, 0x61, 0x62, 0x63, 0x64, 1, 0]],
    ['offset past the output so far', [...uvarint(8), 3 << 2, 0x61, 0x62, 0x63, 0x64, 1, 5]],
    ['copy past the declared length', [...uvarint(7), 3 << 2, 0x61, 0x62, 0x63, 0x64, 1, 4]],
    ['literal past the declared length', [...uvarint(3), 3 << 2, 0x61, 0x62, 0x63, 0x64]],
    ['literal past the input', [...uvarint(8), 7 << 2, 0x61, 0x62]],
    ['fewer bytes than declared', [...uvarint(9), 3 << 2, 0x61, 0x62, 0x63, 0x64, 1, 4]],
    ['truncated copy1', [...uvarint(8), 3 << 2, 0x61, 0x62, 0x63, 0x64, 1]],
    ['truncated copy2', [...uvarint(8), 3 << 2, 0x61, 0x62, 0x63, 0x64, (3 << 2) | 2, 4]],
    ['truncated copy4', [...uvarint(8), 3 << 2, 0x61, 0x62, 0x63, 0x64, (3 << 2) | 3, 4, 0, 0]],
    ['truncated literal length', [...uvarint(8), 61 << 2, 7]],
    ['elements after the declared length', [...uvarint(4), 3 << 2, 0x61, 0x62, 0x63, 0x64, 0]],
  ];
  for (const [name, block] of cases) assert.equal(decode(Buffer.from(block)), undefined, name);
  // Every truncation of a real block fails (its output comes out short).
  const block = snappy.compressSync(logText(5000, 9));
  let start = 0;
  while (block[start] >= 0x80) start++;
  for (let cut = start + 1; cut < block.length; cut++) assert.equal(decode(block.subarray(0, cut)), undefined, `cut at ${cut}`);
  // An output buffer shorter than the declared length is refused, not overrun.
  assert.equal(snappyDecodeInto(Buffer.from(ok), 1, Buffer.alloc(4), 8), false);
});

test('decodeSnappyBody: pooled buffers come back after release, errors as before', async () => {
  const a = logText(200_000, 1);
  const first = await decodeSnappyBody(snappy.compressSync(a), 1 << 20);
  assert.ok(first.data.equals(a));
  const memory = first.data.buffer;
  first.release();
  first.release(); // twice is harmless: the buffer is not handed out twice
  const second = await decodeSnappyBody(snappy.compressSync(logText(150_000, 2)), 1 << 20);
  const third = await decodeSnappyBody(snappy.compressSync(logText(150_000, 3)), 1 << 20);
  assert.equal(second.data.buffer, memory, 'the released buffer is reused');
  assert.notEqual(third.data.buffer, memory, 'a buffer in use is not handed out');
  assert.ok(second.data.equals(logText(150_000, 2)));
  assert.ok(third.data.equals(logText(150_000, 3)));
  second.release();
  third.release();
  await assert.rejects(decodeSnappyBody(snappy.compressSync(a), 1000), { status: 413, message: 'received message larger than max (200000 vs 1000)' });
  await assert.rejects(decodeSnappyBody(Buffer.from([5, 0]), 1000), { status: 400, message: 'snappy: corrupt input' });
});
