import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLine } from './test-helpers.js';

const LINE = 'level=debug method=GET status=500 x';
const STREAM = { app: 'api', job: 'prod/api', pod: 'p-1' };

describe('drop and keep', () => {
  const cases: [string, Record<string, string>][] = [
    ['| logfmt | drop level, method', { app: 'api', job: 'prod/api', pod: 'p-1', status: '500' }],
    ['| logfmt | drop level="debug", status="200"', { app: 'api', job: 'prod/api', pod: 'p-1', method: 'GET', status: '500' }],
    ['| logfmt | drop method=~"GET|POST", pod', { app: 'api', job: 'prod/api', level: 'debug', status: '500' }],
    ['| logfmt | keep pod, level', { pod: 'p-1', level: 'debug' }],
    ['| logfmt | keep level="info", status', { status: '500' }],
    ['| logfmt | keep level, status | status > 100', { level: 'debug', status: '500' }],
  ];
  for (const [p, want] of cases) it(p, () => assert.deepEqual(runLine(p, LINE, STREAM).labels, want));

  it('keep always keeps the error labels', () => {
    assert.deepEqual(runLine('| json | keep pod', 'oops', STREAM).labels, {
      pod: 'p-1', __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol',
    });
  });

  it('drop removes the error labels', () => {
    assert.deepEqual(runLine('| json | drop __error__, __error_details__', 'oops', STREAM).labels, STREAM);
    assert.deepEqual(runLine('| json | drop __error__="JSONParserErr"', '{"a":1,', STREAM).labels, {
      ...STREAM, a: '1', __error_details__: 'Value is array, but can\'t find closing \']\' symbol',
    });
    // Without any other change Loki returns the stream labels: details alone do not count.
    assert.deepEqual(runLine('| json | drop __error__="JSONParserErr"', 'oops', STREAM).labels, STREAM);
  });

  it('drops structured metadata and keeps it by name', () => {
    assert.deepEqual(runLine('| drop trace_id', 'x', STREAM, { trace_id: 't', span: 's' }).labels, { ...STREAM, span: 's' });
    assert.deepEqual(runLine('| keep trace_id', 'x', STREAM, { trace_id: 't', span: 's' }).labels, { trace_id: 't' });
  });
});
