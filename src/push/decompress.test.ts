import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeflateRaw, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import snappy from 'snappy';
import { decodeContentEncoding, decodeSnappy, InflateError, snappyDecodedLength } from './decompress.js';

const MiB = 1 << 20;

async function rejection(p: Promise<unknown>): Promise<{ status?: number; message: string; produced?: number }> {
  try {
    await p;
  } catch (err) {
    return err as { status?: number; message: string };
  }
  assert.fail('expected a rejection');
}

/** 1 GiB of zeros as one raw deflate stream, built without holding it in memory. */
function deflateBomb(): Promise<Buffer> {
  return new Promise((resolve) => {
    const d = createDeflateRaw({ level: 1 });
    const chunks: Buffer[] = [];
    d.on('data', (c: Buffer) => chunks.push(c));
    d.on('end', () => resolve(Buffer.concat(chunks)));
    const zero = Buffer.alloc(MiB);
    let i = 0;
    const write = (): void => {
      while (i < 1024) {
        i++;
        if (!d.write(zero)) { d.once('drain', write); return; }
      }
      d.end();
    };
    write();
  });
}

test('gzip, deflate (raw and zlib-wrapped) and identity bodies', async () => {
  const data = Buffer.from('hello '.repeat(1000));
  assert.deepEqual(await decodeContentEncoding(gzipSync(data), 'gzip', MiB), data);
  assert.deepEqual(await decodeContentEncoding(deflateRawSync(data), 'deflate', MiB), data);
  assert.deepEqual(await decodeContentEncoding(deflateSync(data), 'deflate', MiB), data);
  assert.equal(await decodeContentEncoding(data, '', MiB), data);
  assert.equal(await decodeContentEncoding(data, 'snappy', MiB), data);
  // Concatenated gzip members are one body, as with Go's gzip.Reader.
  assert.deepEqual(await decodeContentEncoding(Buffer.concat([gzipSync(data), gzipSync(data)]), 'gzip', MiB), Buffer.concat([data, data]));
});

test('unsupported encodings and corrupt streams get Go reader texts', async () => {
  const br = await rejection(decodeContentEncoding(Buffer.from('x'), 'br', MiB));
  assert.equal(br.status, 400);
  assert.equal(br.message, 'Content-Encoding "br" not supported');
  assert.equal((await rejection(decodeContentEncoding(Buffer.from('not gzip'), 'gzip', MiB))).message, 'unexpected EOF');
  assert.equal((await rejection(decodeContentEncoding(Buffer.from('not a gzip body'), 'gzip', MiB))).message, 'gzip: invalid header');
  assert.equal((await rejection(decodeContentEncoding(Buffer.alloc(0), 'gzip', MiB))).message, 'EOF');
  const gz = gzipSync(Buffer.from('hello world'));
  const truncated = await rejection(decodeContentEncoding(gz.subarray(0, gz.length - 4), 'gzip', MiB));
  assert.ok(truncated instanceof InflateError);
  assert.equal(truncated.message, 'unexpected EOF');
  const bad = Buffer.from(gz);
  bad[bad.length - 6] ^= 1;
  assert.equal((await rejection(decodeContentEncoding(bad, 'gzip', MiB))).message, 'gzip: invalid checksum');
  const corrupt = await rejection(decodeContentEncoding(Buffer.from('not deflate'), 'deflate', MiB));
  assert.ok(corrupt instanceof InflateError);
  assert.match(corrupt.message, /^flate: corrupt input before offset \d+$/);
  assert.equal((corrupt as InflateError).produced, 0);
});

test('bodies over the cap are 413s, before and after inflation', async () => {
  const data = Buffer.alloc(2000, 0x61);
  const plain = await rejection(decodeContentEncoding(data, '', 1000));
  assert.equal(plain.status, 413);
  assert.equal(plain.message, 'received message larger than max (2000 vs 1000)');
  const inflated = await rejection(decodeContentEncoding(gzipSync(data), 'gzip', 1000));
  assert.equal(inflated.status, 413);
  assert.match(inflated.message, /^received message larger than max \(\d+ vs 1000\)$/);
});

test('a 1 GiB gzip bomb is rejected quickly with bounded memory', async () => {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
  assert.ok(bomb.length < 2 * MiB);
  const before = process.memoryUsage();
  const start = performance.now();
  const err = await rejection(decodeContentEncoding(bomb, 'gzip', 10 * MiB));
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  assert.equal(err.status, 413);
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.ok(after.arrayBuffers - before.arrayBuffers < 64 * MiB, 'output was not bounded');
});

test('a 1 GiB single-stream deflate bomb is rejected quickly with bounded memory', async () => {
  const bomb = await deflateBomb();
  const before = process.memoryUsage();
  const start = performance.now();
  const err = await rejection(decodeContentEncoding(bomb, 'deflate', 10 * MiB));
  const ms = performance.now() - start;
  assert.equal(err.status, 413);
  assert.ok(ms < 2000, `took ${ms} ms`);
  assert.ok(process.memoryUsage().arrayBuffers - before.arrayBuffers < 64 * MiB, 'output was not bounded');
});

test('snappy: declared length checked before decoding, corrupt input rejected', async () => {
  const data = Buffer.from('abc'.repeat(100));
  const packed = snappy.compressSync(data);
  assert.equal(snappyDecodedLength(packed), 300);
  assert.deepEqual(await decodeSnappy(packed, 1000), data);
  const tooBig = await rejection(decodeSnappy(packed, 299));
  assert.equal(tooBig.status, 413);
  assert.equal(tooBig.message, 'received message larger than max (300 vs 299)');
  // A header claiming 4 GiB is refused without allocating.
  const liar = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
  assert.equal((await rejection(decodeSnappy(liar, 100 * MiB))).status, 413);
  for (const bad of [Buffer.alloc(0), Buffer.from([0xff, 0xff, 0xff]), Buffer.from('{"streams":[]}'), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])]) {
    const err = await rejection(decodeSnappy(bad, MiB));
    assert.equal(err.status, 400);
    assert.equal(err.message, 'snappy: corrupt input');
  }
});
