import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonIterError } from './iterator.js';
import { decodeJsonV1 } from './v1.js';
import { pushEntriesOf } from '../columns.js';

const ZERO_TIME = -62135596800n * 1_000_000_000n;

function decode(json: string | object): ReturnType<typeof decodeJsonV1> {
  return decodeJsonV1(Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)));
}

function decodeError(json: string | object): string {
  try {
    decode(json);
  } catch (err) {
    assert.ok(err instanceof JsonIterError, `unexpected ${String(err)}`);
    return err.message;
  }
  assert.fail('expected an error');
}

const stream = (values: unknown): object => ({ streams: [{ stream: { app: 'api' }, values }] });
const STREAM_ERR = 'loghttp.PushRequest.Streams: []loghttp.LogProtoStream: unmarshalerDecoder: ';

test('decodes streams with sorted labels, timestamps, lines and structured metadata', () => {
  const req = decode({
    streams: [
      { stream: { env: 'prod', app: 'api' }, values: [['1700000000000000001', 'first', { trace_id: 'abc', status: '500' }], ['19', 'second']] },
      { stream: { app: 'web' }, values: [['20', 'third']] },
    ],
  });
  assert.equal(req.streams.length, 2);
  assert.equal(req.streams[0].labels, '{app="api", env="prod"}');
  assert.deepEqual(pushEntriesOf(req.streams[0].entries).map((e) => [e.ts, e.line.toString()]), [[1700000000000000001n, 'first'], [19n, 'second']]);
  assert.deepEqual(pushEntriesOf(req.streams[0].entries)[0].metadata, [{ name: 'trace_id', value: 'abc' }, { name: 'status', value: '500' }]);
  assert.deepEqual(pushEntriesOf(req.streams[0].entries)[1].metadata, []);
  assert.equal(req.streams[1].labels, '{app="web"}');
});

test('lines without escapes are subarrays of the body; escapes are decoded', () => {
  const body = Buffer.from(JSON.stringify(stream([['1', 'plain line'], ['2', 'tab\there é 😀 \u0001']])));
  const req = decodeJsonV1(body);
  const [plain, escaped] = pushEntriesOf(req.streams[0].entries);
  assert.equal(plain.line.buffer, body.buffer);
  assert.equal(escaped.line.toString(), 'tab\there é 😀 \u0001');
  assert.equal(pushEntriesOf(decode('{"streams":[{"stream":{"a":"b"},"values":[["1","\\ud83d\\ude00 \\u00e9 \\/"]]}]}').streams[0].entries)[0].line.toString(), '😀 é /');
});

test('follows Loki\'s lenient value decoding', () => {
  // Missing or extra elements, null values, missing fields.
  assert.deepEqual(pushEntriesOf(decode(stream([['19']])).streams[0].entries).map((e) => [e.ts, e.line.length]), [[19n, 0]]);
  assert.equal(pushEntriesOf(decode(stream([[]])).streams[0].entries)[0].ts, ZERO_TIME);
  assert.equal(pushEntriesOf(decode(stream([['19', 'x', { a: 'b' }, 'extra', 5]])).streams[0].entries)[0].line.toString(), 'x');
  assert.deepEqual(pushEntriesOf(decode(stream(null)).streams[0].entries), []);
  assert.deepEqual(pushEntriesOf(decode(stream([null, ['1', 'x']])).streams[0].entries).length, 1);
  assert.equal(decode({ streams: [{ values: [['1', 'x']] }] }).streams[0].labels, '');
  assert.equal(pushEntriesOf(decode(stream([['-1', 'x']])).streams[0].entries)[0].ts, -1n);
  // Stream label values of any type are read as strings; duplicate keys keep the last.
  assert.equal(decode('{"streams":[{"stream":{"n":1,"b":true,"a":"x","a":"y"},"values":[]}]}').streams[0].labels, '{a="y", b="true", n="1"}');
  // Structured metadata keys are unescaped, values are kept as sent.
  const sm = pushEntriesOf(decode('{"streams":[{"stream":{"a":"b"},"values":[["1","x",{"k\\u0041":"v\\"q"}]]}]}').streams[0].entries)[0].metadata;
  assert.deepEqual(sm, [{ name: 'kA', value: 'v\\"q' }]);
  // Field names of the outer document match case-insensitively; others are skipped.
  assert.equal(decode('{"other":[1,{"x":null}],"STREAMS":[{"stream":{"a":"b"},"values":[["1","x"]]}]}').streams.length, 1);
  assert.deepEqual(decode('null'), { streams: [] });
  assert.deepEqual(decode('{}'), { streams: [] });
  assert.deepEqual(decode('{"streams":null}'), { streams: [] });
  assert.equal(decode('{"streams":[]} trailing').streams.length, 0);
});

test('type errors give jsonparser/jsoniter texts with their context (recorded from Loki)', () => {
  assert.equal(
    decodeError(stream([['not-a-timestamp', 'invalid push timestamp']])),
    STREAM_ERR + `Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol, error found in #10 byte of ...|estamp"]]}]}|..., bigger context ...|s":[["not-a-timestamp","invalid push timestamp"]]}]}|...`,
  );
  assert.equal(
    decodeError(stream([[1000000000, 'non-string push timestamp']])),
    STREAM_ERR + `Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol, error found in #10 byte of ...|estamp"]]}]}|..., bigger context ...|alues":[[1000000000,"non-string push timestamp"]]}]}|...`,
  );
  assert.equal(
    decodeError(stream([[{ ts: '1000000000' }, 'object push timestamp']])),
    STREAM_ERR + `Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol, error found in #10 byte of ...|estamp"]]}]}|..., bigger context ...|":[[{"ts":"1000000000"},"object push timestamp"]]}]}|...`,
  );
  assert.equal(
    decodeError(stream([['1000000000', 500]])),
    STREAM_ERR + `Value is string, but can't find closing '"' symbol, error found in #10 byte of ...|00",500]]}]}|..., bigger context ...|ream":{"app":"api"},"values":[["1000000000",500]]}]}|...`,
  );
  assert.ok(decodeError(stream([['19', 'ok'], 'not-a-push-value'])).startsWith(STREAM_ERR + 'Unknown value type, error found in'));
  assert.ok(decodeError(stream('not-values')).startsWith(STREAM_ERR + 'Unknown value type'));
  assert.ok(decodeError({ streams: ['not-a-stream'] }).startsWith(STREAM_ERR + "Value looks like object, but can't find closing '}' symbol"));
  assert.ok(decodeError({ streams: [{ stream: null, values: [] }] }).startsWith(STREAM_ERR + 'Value looks like object'));
  assert.ok(decodeError(stream([['19', 'x', { status: 500 }]])).startsWith(STREAM_ERR + "Value is string, but can't find closing"));
  assert.ok(decodeError(stream([['19', 'x', null]])).startsWith(STREAM_ERR + 'Value looks like object'));
  assert.ok(decodeError(stream([['99999999999999999999']])).startsWith(STREAM_ERR + 'Value is number, but overflowed while parsing'));
  // A failed element does not advance the role: the line is then read as the timestamp.
  assert.ok(decodeError(stream([['99999999999999999999', 'x']])).startsWith(STREAM_ERR + 'Value looks like Number/Boolean/None'));
  assert.ok(decodeError(stream([['1.5', 'x']])).startsWith(STREAM_ERR + 'Value looks like Number/Boolean/None'));
});

test('structural errors give jsoniter texts', () => {
  assert.equal(decodeError(''), 'EOF');
  assert.equal(decodeError('[{"streams": []}]'), 'readObjectStart: expect { or n, but found [, error found in #1 byte of ...|[{"streams"|..., bigger context ...|[{"streams": []}]|...');
  assert.ok(decodeError('   ').startsWith('readObjectStart: expect { or n, but found \u0000'));
  assert.ok(decodeError({ streams: 'not-streams' }).startsWith('loghttp.PushRequest.Streams: []loghttp.LogProtoStream: decode slice: expect [ or n, but found "'));
  assert.ok(decodeError('{"streams":[]').startsWith('loghttp.PushRequest.isObjectEnd: object ended prematurely, unexpected char \u0000'));
  assert.ok(decodeError('{streams:[]}').startsWith('loghttp.PushRequest.readFieldHash: expect ", but found s'));
  assert.ok(decodeError('{"streams" []}').startsWith('loghttp.PushRequest.readFieldHash: expect :, but found ['));
  assert.ok(decodeError('{"streams":[{"stream":{"a":"b"},"values":[["1","a\tb"]]}]}').startsWith(
    'loghttp.PushRequest.Streams: []loghttp.LogProtoStream: trySkipString: invalid control character found: 9'));
  assert.ok(decodeError('{"streams":[{"stream":{"a":"b"},"values":[["1","a\\qb"]]}]}').startsWith(
    'loghttp.PushRequest.Streams: []loghttp.LogProtoStream: readEscapedChar: invalid escape char after \\'));
  assert.ok(decodeError('{"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}').startsWith('loghttp.PushRequest.Streams: []loghttp.LogProtoStream: decode slice: expect ], but found'));
  assert.ok(decodeError('{"streams":[{"stream":{"a":"b"},"values":[["1","x"').startsWith('loghttp.PushRequest.Streams: []loghttp.LogProtoStream: ReadArrayCB'));
  assert.ok(decodeError('{"streams":[{"stream":{"a":"b"},"values":[["1","x]]}]}').startsWith('loghttp.PushRequest.Streams: []loghttp.LogProtoStream: readStringSlowPath: unexpected end of input'));
  assert.ok(decodeError('{"streams":[tru]}').startsWith('loghttp.PushRequest.Streams: []loghttp.LogProtoStream: skipThreeBytes: expect rue'));
});

test('deep nesting fails without exhausting the stack', () => {
  const deep = '{"streams":[{"x":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}]}';
  assert.ok(decodeError(deep).includes('incrementDepth: exceeded max depth'));
  const shallow = '{"streams":[{"x":' + '['.repeat(5000) + ']'.repeat(5000) + ',"stream":{"a":"b"}}]}';
  assert.equal(decode(shallow).streams[0].labels, '{a="b"}');
});

test('arbitrary input never crashes or hangs the decoder', () => {
  const check = (s: string): void => {
    try {
      decode(s);
    } catch (err) {
      assert.ok(err instanceof JsonIterError, String(err));
    }
  };
  fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 2000 });
  fc.assert(fc.property(fc.json({ maxDepth: 6 }), check), { numRuns: 1000 });
  const entry = fc.tuple(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.string()), fc.string(), fc.dictionary(fc.string(), fc.string()));
  fc.assert(
    fc.property(fc.array(fc.record({ stream: fc.dictionary(fc.string(), fc.string()), values: fc.array(entry, { maxLength: 5 }) }), { maxLength: 4 }), (streams) => {
      const text = JSON.stringify({ streams });
      check(text);
      // Truncations and byte flips of valid documents.
      for (let i = 0; i < text.length; i += 7) check(text.slice(0, i));
    }),
    { numRuns: 300 },
  );
});

test('escaped lines decode to the same text as JSON.parse, across arena chunks and read chunks', () => {
  const text = fc.string({ maxLength: 300, unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\t', '/', 'é', '😀', '\u0001'), fc.string({ minLength: 1, maxLength: 1 })) });
  fc.assert(
    fc.property(fc.array(fc.tuple(text, fc.boolean()), { minLength: 1, maxLength: 40 }), (lines) => {
      const values = lines.map(([l, big], i) => [String(i), big ? l.repeat(300) : l]);
      const req = decode({ streams: [{ stream: { a: 'b' }, values }] });
      assert.deepEqual(pushEntriesOf(req.streams[0].entries).map((e) => e.line.toString('utf8')), values.map((v) => v[1]));
    }),
    { numRuns: 150 },
  );
});
