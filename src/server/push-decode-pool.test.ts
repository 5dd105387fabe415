import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodePushRequest, type DecodeOptions, type PushRequest } from '../push/index.js';
import { encodePushSnappy } from '../push/proto-fixture.js';
import { HttpError } from '../util/errors.js';
import { mainThread } from './fair-scheduler.js';
import { PushDecodePool, decodeForTenant } from './push-decode-pool.js';

const JSON_OPTS: DecodeOptions = { contentType: 'application/json', contentEncoding: undefined, maxDecompressedBytes: 1 << 20 };

function jsonBody(): Buffer {
  return Buffer.from(JSON.stringify({
    streams: [
      { stream: { app: 'x', n: '1' }, values: [['1700000000000000001', 'first "quoted" line'], ['1700000000000000002', 'second', { trace_id: 'abc' }]] },
      { stream: { app: 'y' }, values: Array.from({ length: 500 }, (_, i) => [String(1700000000000000000n + BigInt(i)), `line ${i} ünïcödé`]) },
    ],
  }));
}

/** Everything a decoded request carries, as plain values. */
function plain(push: PushRequest): unknown {
  return push.streams.map((s) => {
    const e = s.entries;
    const lines = Array.from({ length: e.count }, (_, i) => e.buf.toString('utf8', e.lineStart[i], e.lineEnd[i]));
    return { labels: s.labels, count: e.count, ts: [...e.ts], lines, metadata: e.metadata?.map((m) => [...m]) ?? null, exact: e.exact ? [...e.exact] : null };
  });
}

describe('PushDecodePool', () => {
  const pool = new PushDecodePool();
  after(() => pool.close());

  it('decodes JSON, gzip and snappy protobuf in a worker thread exactly as the main thread does, with Buffers for lines', async () => {
    for (const [body, opts] of [
      [jsonBody(), JSON_OPTS],
      [gzipSync(jsonBody()), { ...JSON_OPTS, contentEncoding: 'gzip' }],
      [encodePushSnappy([
        { labels: '{app="p"}', entries: [{ timestamp: { seconds: 1700000000, nanos: 5 }, line: 'proto line', structuredMetadata: [{ name: 'trace_id', value: 't1' }] }] },
        { labels: '{app="q", n="2"}', entries: Array.from({ length: 300 }, (_, i) => ({ timestamp: { seconds: 1700000000 + i, nanos: 0 }, line: `line ${i}` })) },
      ]), { ...JSON_OPTS, contentType: 'application/x-protobuf' }],
    ] as const) {
      const { push, ms } = await pool.decode(body, opts);
      assert.ok(ms >= 0);
      assert.deepEqual(plain(push), plain(await decodePushRequest(Buffer.from(body), opts)));
      for (const s of push.streams) assert.ok(Buffer.isBuffer(s.entries.buf));
    }
  });

  it('fails with the status and text of the main thread\'s error', async () => {
    for (const [body, opts] of [
      [Buffer.from('{"streams": [{"stream": {"a": "b"}, "values": [["x", "y"]]}]}'), JSON_OPTS],
      [Buffer.from('not json'), JSON_OPTS],
      [Buffer.from('x'.repeat(100)), { ...JSON_OPTS, contentType: 'application/x-protobuf' }],
      [jsonBody(), { ...JSON_OPTS, contentEncoding: 'br' }],
    ] as const) {
      const expected = await decodePushRequest(Buffer.from(body), opts).then(() => undefined, (e: unknown) => e);
      assert.ok(expected instanceof HttpError, 'the case must fail on the main thread');
      await assert.rejects(pool.decode(body, opts), (err: unknown) => err instanceof HttpError && err.status === expected.status && err.message === expected.message);
    }
  });

  it('keeps working for concurrent requests', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => pool.decode(jsonBody(), JSON_OPTS)));
    for (const r of results) assert.equal(r.push.streams[1].entries.count, 500);
  });

  it('decodes a big body of a tenant that shares the process in the worker, charged to the tenant', async () => {
    const big = Buffer.from(JSON.stringify({ streams: [{ stream: { app: 'big' }, values: Array.from({ length: 3000 }, (_, i) => [String(1700000000000000000n + BigInt(i)), `line ${i} of a big push`]) }] }));
    assert.ok(big.length >= 32 * 1024);
    // Decoding packs lines within the body: each decode gets its own copy.
    const alone = await decodeForTenant('pool-test-a', Buffer.from(big), JSON_OPTS);
    const done = mainThread.enter('pool-test-b');
    try {
      const shared = await decodeForTenant('pool-test-a', Buffer.from(big), JSON_OPTS);
      assert.deepEqual(plain(shared), plain(alone));
      assert.ok(mainThread.stats('pool-test-a').usageMs > 0);
    } finally {
      done();
    }
  });
});
