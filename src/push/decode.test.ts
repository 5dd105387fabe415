import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, gzipSync } from 'node:zlib';
import snappy from 'snappy';
import { decodePushRequest } from './decode.js';
import { encodePushProto, encodePushSnappy } from './proto-fixture.js';
import type { DecodeOptions, PushRequest } from './types.js';
import { pushEntriesOf } from './columns.js';

const MiB = 1 << 20;
const JSON_TYPE = 'application/json';

function opts(contentType: string | undefined, contentEncoding?: string, extra: Partial<DecodeOptions> = {}): DecodeOptions {
  return { contentType, contentEncoding, maxDecompressedBytes: MiB, ...extra };
}

async function failure(body: Buffer | string, o: DecodeOptions): Promise<[number, string]> {
  try {
    await decodePushRequest(Buffer.from(body), o);
  } catch (err) {
    const e = err as { status: number; message: string };
    return [e.status, e.message];
  }
  assert.fail('expected an error');
}

const jsonBody = JSON.stringify({ streams: [{ stream: { app: 'api' }, values: [['1700000000000000000', 'api error', { trace_id: 'abc' }]] }] });

function summary(req: PushRequest): unknown {
  return req.streams.map((s) => ({ labels: s.labels, entries: pushEntriesOf(s.entries).map((e) => [e.ts, e.line.toString(), e.metadata]) }));
}

const expected = [{ labels: '{app="api"}', entries: [[1700000000000000000n, 'api error', [{ name: 'trace_id', value: 'abc' }]]] }];

test('JSON, JSON+gzip, JSON+deflate, JSON with parameters', async () => {
  assert.deepEqual(summary(await decodePushRequest(Buffer.from(jsonBody), opts(JSON_TYPE))), expected);
  assert.deepEqual(summary(await decodePushRequest(gzipSync(jsonBody), opts(JSON_TYPE, 'gzip'))), expected);
  assert.deepEqual(summary(await decodePushRequest(deflateRawSync(jsonBody), opts(JSON_TYPE, 'deflate'))), expected);
  assert.deepEqual(summary(await decodePushRequest(Buffer.from(jsonBody), opts('application/json; charset=utf-8'))), expected);
});

test('protobuf+snappy whatever the Content-Type, with optional Content-Encoding', async () => {
  const body = encodePushSnappy([{ labels: '{app="api"}', entries: [{ timestamp: { seconds: 1700000000, nanos: 0 }, line: 'api error', structuredMetadata: [{ name: 'trace_id', value: 'abc' }] }] }]);
  for (const ct of ['application/x-protobuf', undefined, '', 'text/plain']) {
    assert.deepEqual(summary(await decodePushRequest(body, opts(ct))), expected);
  }
  assert.deepEqual(summary(await decodePushRequest(body, opts(undefined, 'snappy'))), expected);
  assert.deepEqual(summary(await decodePushRequest(gzipSync(body), opts('application/x-protobuf', 'gzip'))), expected);
});

test('legacy JSON on /api/prom/push; protobuf is the same on both paths', async () => {
  const legacy = JSON.stringify({ streams: [{ labels: '{app="api"}', entries: [{ ts: '2023-11-14T22:13:20Z', line: 'api error', structuredMetadata: { trace_id: 'abc' } }] }] });
  assert.deepEqual(summary(await decodePushRequest(Buffer.from(legacy), opts(JSON_TYPE, undefined, { legacy: true }))), expected);
  const proto = encodePushSnappy([{ labels: '{app="api"}', entries: [{ timestamp: { seconds: 1, nanos: 0 }, line: 'x' }] }]);
  assert.equal((await decodePushRequest(proto, opts(undefined, undefined, { legacy: true }))).streams.length, 1);
});

test('errors carry Loki\'s status and text', async () => {
  assert.deepEqual(await failure(jsonBody, opts(JSON_TYPE, 'br')), [400, 'Content-Encoding "br" not supported']);
  assert.deepEqual(await failure(jsonBody, opts(JSON_TYPE, 'GZIP')), [400, 'Content-Encoding "GZIP" not supported']);
  assert.deepEqual(await failure(jsonBody, opts('text/plain')), [400, 'snappy: corrupt input']);
  assert.deepEqual(await failure(Buffer.from([0xff, 0xff, 0xff]), opts('application/x-protobuf')), [400, 'snappy: corrupt input']);
  assert.deepEqual(await failure(Buffer.from([0x03, 0x08, 0xff, 0xff, 0xff]), opts('application/x-protobuf')), [400, 'unexpected EOF']);
  assert.deepEqual(await failure('not gzip', opts(JSON_TYPE, 'gzip')), [400, 'unexpected EOF']);
  assert.deepEqual(await failure('not deflate', opts(JSON_TYPE, 'deflate')), [400, 'EOF']);
  assert.match((await failure('not deflate', opts('application/x-protobuf', 'deflate')))[1], /^flate: corrupt input before offset/);
  assert.deepEqual(await failure(jsonBody, opts('application/json; charset')), [400, 'mime: invalid media parameter']);
  assert.deepEqual(await failure('', opts(JSON_TYPE)), [400, 'EOF']);
  const [status, msg] = await failure('{"streams":[{"stream":{"app":"api"},"values":[[1,"x"]]}]}', opts(JSON_TYPE));
  assert.equal(status, 400);
  assert.match(msg, /^loghttp\.PushRequest\.Streams: \[\]loghttp\.LogProtoStream: unmarshalerDecoder: /);
});

test('size limits are 413s: raw, inflated and snappy-declared', async () => {
  const big = JSON.stringify({ streams: [{ stream: { a: 'b' }, values: [['1', 'x'.repeat(2 * MiB)]] }] });
  assert.equal((await failure(big, opts(JSON_TYPE)))[0], 413);
  assert.equal((await failure(gzipSync(big), opts(JSON_TYPE, 'gzip')))[0], 413);
  const proto = snappy.compressSync(encodePushProto([{ labels: '{a="b"}', entries: [{ timestamp: { seconds: 1, nanos: 0 }, line: 'x'.repeat(2 * MiB) }] }]));
  assert.ok(proto.length < MiB);
  const [status, msg] = await failure(proto, opts(undefined));
  assert.equal(status, 413);
  assert.match(msg, /^received message larger than max \(\d+ vs 1048576\)$/);
});
