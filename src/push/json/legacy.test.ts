import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonIterError } from './iterator.js';
import { decodeJsonLegacy, parseRFC3339 } from './legacy.js';
import { pushEntriesOf } from '../columns.js';

const decode = (v: unknown): ReturnType<typeof decodeJsonLegacy> => decodeJsonLegacy(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)));

function decodeError(v: unknown): string {
  try {
    decode(v);
  } catch (err) {
    assert.ok(err instanceof JsonIterError);
    return err.message;
  }
  assert.fail('expected an error');
}

test('decodes the /api/prom/push shape', () => {
  const req = decode({
    streams: [{
      labels: '{test="test"}',
      entries: [
        { ts: '2019-09-13T18:32:22.380001319Z', line: 'super line' },
        { ts: '2019-09-13T18:32:23.380001319Z', line: 'super line with labels', structuredMetadata: { a: '1', b: '2' } },
      ],
    }],
  });
  assert.equal(req.streams[0].labels, '{test="test"}');
  assert.deepEqual(pushEntriesOf(req.streams[0].entries).map((e) => [e.ts, e.line.toString()]), [
    [1568399542380001319n, 'super line'],
    [1568399543380001319n, 'super line with labels'],
  ]);
  assert.deepEqual(pushEntriesOf(req.streams[0].entries)[1].metadata, [{ name: 'a', value: '1' }, { name: 'b', value: '2' }]);
  assert.deepEqual(decode('null'), { streams: [] });
  assert.equal(pushEntriesOf(decode({ STREAMS: [{ Labels: '{a="b"}', Entries: [{ TS: '1970-01-01T00:00:01+01:00', LINE: 'x' }] }] }).streams[0].entries)[0].ts, -3599_000_000_000n);
});

test('errors name the field like jsoniter does', () => {
  assert.equal(decodeError(''), 'EOF');
  assert.match(decodeError('[1]'), /^readObjectStart: expect \{ or n, but found \[/);
  assert.match(decodeError({ streams: 1 }), /^push\.PushRequest\.Streams: \[\]push\.Stream: decode slice/);
  assert.match(decodeError({ streams: [{ labels: 5 }] }), /push\.Stream\.Labels: ReadString/);
  assert.match(decodeError({ streams: [{ labels: '{}', entries: [{ ts: 'yesterday', line: 'x' }] }] }), /push\.Entry\.Timestamp: unmarshalerDecoder: parsing time "yesterday"/);
  assert.match(decodeError({ streams: [{ labels: '{}', entries: [{ ts: 5, line: 'x' }] }] }), /Time\.UnmarshalJSON: input is not a JSON string/);
  assert.match(decodeError('{"streams":['), /^push\.PushRequest\.ReadObjectCB: /);
});

test('RFC3339 timestamps as Go parses them', () => {
  assert.equal(parseRFC3339('1970-01-01T00:00:00Z'), 0n);
  assert.equal(parseRFC3339('2024-02-29T12:00:00.5Z'), 1709208000500000000n);
  assert.equal(parseRFC3339('2024-01-01T00:00:00.123456789123Z'), 1704067200123456789n);
  assert.equal(parseRFC3339('2023-02-29T00:00:00Z'), undefined);
  assert.equal(parseRFC3339('2024-01-01 00:00:00Z'), undefined);
  assert.equal(parseRFC3339('2024-01-01T24:00:00Z'), undefined);
});
