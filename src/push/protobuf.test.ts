import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BadRequestError } from '../util/errors.js';
import { decodePushProto } from './protobuf.js';
import { encodePushProto } from './proto-fixture.js';
import { pushEntriesOf } from './columns.js';

function decodeError(bytes: number[] | Buffer): string {
  try {
    decodePushProto(Buffer.from(bytes));
  } catch (err) {
    assert.ok(err instanceof BadRequestError, `unexpected ${String(err)}`);
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail('expected an error');
}

test('decodes streams, entries, timestamps, lines and structured metadata in order', () => {
  const body = encodePushProto([
    {
      labels: '{app="api", env="prod"}',
      hash: 42,
      entries: [
        { timestamp: { seconds: 1700000000, nanos: 5 }, line: 'first', structuredMetadata: [{ name: 'trace_id', value: 'abc' }, { name: 'a', value: '1' }] },
        { timestamp: { seconds: 1700000001, nanos: 0 }, line: 'second', parsed: [{ name: 'p', value: 'q' }] },
      ],
    },
    { labels: '{app="web"}', entries: [{ timestamp: { seconds: 0, nanos: 999999999 }, line: new Uint8Array([0xff, 0x00, 0x80]) }] },
  ]);
  const req = decodePushProto(body);
  assert.equal(req.streams.length, 2);
  const [s1, s2] = req.streams;
  assert.equal(s1.labels, '{app="api", env="prod"}');
  assert.deepEqual(pushEntriesOf(s1.entries).map((e) => [e.ts, e.line.toString()]), [[1700000000000000005n, 'first'], [1700000001000000000n, 'second']]);
  assert.deepEqual(pushEntriesOf(s1.entries)[0].metadata, [{ name: 'trace_id', value: 'abc' }, { name: 'a', value: '1' }]);
  assert.deepEqual(pushEntriesOf(s1.entries)[1].metadata, []);
  assert.equal(pushEntriesOf(s2.entries)[0].ts, 999999999n);
  assert.deepEqual([...pushEntriesOf(s2.entries)[0].line], [0xff, 0x00, 0x80]);
});

test('lines are subarrays of the body (no copy)', () => {
  const body = encodePushProto([{ labels: '{a="b"}', entries: [{ timestamp: { seconds: 1, nanos: 0 }, line: 'hello world' }] }]);
  const line = pushEntriesOf(decodePushProto(body).streams[0].entries)[0].line;
  assert.equal(line.buffer, body.buffer);
  assert.equal(body.indexOf('hello world'), line.byteOffset - body.byteOffset);
});

test('an entry without timestamp gets Go\'s zero time; empty bodies decode to no streams', () => {
  const req = decodePushProto(encodePushProto([{ labels: '', entries: [{ line: 'x' }] }]));
  assert.equal(pushEntriesOf(req.streams[0].entries)[0].ts, -62135596800n * 1_000_000_000n);
  assert.deepEqual(decodePushProto(Buffer.alloc(0)), { streams: [] });
});

test('timestamps are validated like gogo StdTimeUnmarshal', () => {
  const enc = (seconds: number | string, nanos: number): Buffer =>
    encodePushProto([{ labels: '{a="b"}', entries: [{ timestamp: { seconds, nanos }, line: 'x' }] }]);
  assert.equal(decodeError(enc(0, 1e9)), 'timestamp: &types.Timestamp{Seconds: 0,\nNanos: 1000000000,\n}: nanos not in range [0, 1e9)');
  assert.equal(decodeError(enc(-1, -2)), 'timestamp: &types.Timestamp{Seconds: -1,\nNanos: -2,\n}: nanos not in range [0, 1e9)');
  assert.equal(decodeError(enc(-62135596801, 0)), 'timestamp: &types.Timestamp{Seconds: -62135596801,\nNanos: 0,\n} before 0001-01-01');
  assert.equal(decodeError(enc(253402300800, 0)), 'timestamp: &types.Timestamp{Seconds: 253402300800,\nNanos: 0,\n} after 10000-01-01');
  assert.equal(decodeError(enc('9223372036854775807', 0)), 'timestamp: &types.Timestamp{Seconds: 9223372036854775807,\nNanos: 0,\n} after 10000-01-01');
  assert.equal(decodeError(enc('-9223372036854775808', 0)), 'timestamp: &types.Timestamp{Seconds: -9223372036854775808,\nNanos: 0,\n} before 0001-01-01');
  assert.equal(pushEntriesOf(decodePushProto(enc(-1, 0)).streams[0].entries)[0].ts, -1_000_000_000n);
});

test('malformed input gets gogo/protobuf error texts', () => {
  assert.equal(decodeError([0xff, 0xff, 0xff]), 'unexpected EOF');
  assert.equal(decodeError([0x0a, 0x05, 0x0a]), 'unexpected EOF');
  assert.equal(decodeError([0x08, 0x01]), 'proto: wrong wireType = 0 for field Streams');
  assert.equal(decodeError([0x0a, 0x02, 0x08, 0x01]), 'proto: wrong wireType = 0 for field Labels');
  assert.equal(decodeError([0x0a, 0x04, 0x12, 0x02, 0x10, 0x01]), 'proto: wrong wireType = 0 for field Line');
  assert.equal(decodeError([0x00]), 'proto: PushRequest: illegal tag 0 (wire type 0)');
  assert.equal(decodeError([0x0c]), 'proto: PushRequest: wiretype end group for non-group');
  assert.equal(decodeError([0x0a, 0x01, 0x04]), 'proto: StreamAdapter: wiretype end group for non-group');
  assert.equal(decodeError([0x0a, 0x02, 0x12, 0x00, 0x0a, 0x02, 0x12, 0x01, 0x07]), 'unexpected EOF');
  assert.equal(decodeError([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'proto: integer overflow');
  assert.equal(decodeError([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'proto: negative length found during unmarshaling');
  assert.equal(decodeError([0x0f]), 'proto: wrong wireType = 7 for field Streams');
  assert.equal(decodeError([0x17]), 'proto: illegal wireType 7');
  assert.equal(decodeError([0x1b, 0x08, 0x01]), 'unexpected EOF');
});

test('unknown fields of every wire type are skipped', () => {
  const known = encodePushProto([{ labels: '{a="b"}', entries: [{ timestamp: { seconds: 2, nanos: 0 }, line: 'x' }] }]);
  const unknown = Buffer.from([
    0x28, 0x96, 0x01, // field 5 varint
    0x31, 1, 2, 3, 4, 5, 6, 7, 8, // field 6 fixed64
    0x3d, 1, 2, 3, 4, // field 7 fixed32
    0x42, 0x02, 0x61, 0x62, // field 8 bytes
    0x4b, 0x08, 0x01, 0x4c, // field 9 group with a varint inside
  ]);
  const req = decodePushProto(Buffer.concat([unknown, known, unknown]));
  assert.equal(req.streams.length, 1);
  assert.equal(pushEntriesOf(req.streams[0].entries)[0].line.toString(), 'x');
});

test('random bytes never crash or hang the decoder', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodePushProto(Buffer.from(bytes));
      } catch (err) {
        assert.ok(err instanceof BadRequestError);
      }
    }),
    { numRuns: 3000 },
  );
});

test('mutated valid bodies decode or fail with a 400', () => {
  const body = encodePushProto([
    { labels: '{a="b"}', entries: [{ timestamp: { seconds: 5, nanos: 6 }, line: 'abc', structuredMetadata: [{ name: 'k', value: 'v' }] }] },
  ]);
  fc.assert(
    fc.property(fc.nat(body.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(body.length), (pos, byte, cut) => {
      const b = Buffer.from(body);
      b[pos] = byte;
      try {
        decodePushProto(b.subarray(0, cut));
      } catch (err) {
        assert.ok(err instanceof BadRequestError);
      }
    }),
    { numRuns: 3000 },
  );
});
