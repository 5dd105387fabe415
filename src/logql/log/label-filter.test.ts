import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { added, runLines } from './test-helpers.js';

const LINES = [
  'status=500 duration=1.5s bytes=20KB method=GET',
  'status=200 duration=250ms bytes=9.2KB method=POST',
  'status=abc duration=soon bytes=lots method=GET',
  'method=PUT',
  'status= duration= bytes=',
];

function kept(filter: string): number[] {
  return runLines('| logfmt --keep-empty | ' + filter, LINES).flatMap((r, i) => (r.line === undefined ? [] : [i]));
}

describe('label filters', () => {
  const cases: [string, number[]][] = [
    ['status >= 500', [0, 2, 4]],
    ['status == 200', [1, 2, 4]],
    ['status != 200', [0, 2, 4]],
    ['duration > 1s', [0, 2, 4]],
    ['duration <= 250ms', [1, 2, 4]],
    ['bytes > 10KB', [0, 2, 4]],
    // `9KiB` travels as `9.2kB` between Loki's frontend and querier.
    ['bytes == 9KiB', [1, 2, 4]],
    ['method="GET"', [0, 2]],
    ['method=~"G.*|P.T"', [0, 2, 3]],
    ['method!~"GET"', [1, 3, 4]],
    ['missing=""', [0, 1, 2, 3, 4]],
    ['method=~".*"', [0, 1, 2, 3, 4]],
    ['method!~".*"', []],
    ['status >= 500 or method="PUT"', [0, 2, 3, 4]],
    ['status >= 500 and method="GET"', [0, 2]],
    ['status >= 500, method="GET"', [0, 2]],
    ['method="PUT" or method="POST" and status == 200', [1, 3]],
    ['(method="PUT" or method="POST") and status == 200', [1]],
  ];
  for (const [f, want] of cases) it(f, () => assert.deepEqual(kept(f), want));

  it('marks unconvertible values with LabelFilterErr and the Go error text', () => {
    const r = runLines('| logfmt | status > 1', ['status=abc']);
    assert.deepEqual(added(r[0]), { status: 'abc', __error__: 'LabelFilterErr', __error_details__: 'strconv.ParseFloat: parsing "abc": invalid syntax' });
    const d = runLines('| logfmt | d > 1s', ['d=1d']);
    assert.deepEqual(added(d[0]), { d: '1d', __error__: 'LabelFilterErr', __error_details__: 'time: unknown unit "d" in duration "1d"' });
    const b = runLines('| logfmt | b > 1KB', ['b=12XB']);
    assert.deepEqual(added(b[0]), { b: '12XB', __error__: 'LabelFilterErr', __error_details__: 'unhandled size name: xb' });
  });

  it('keeps an earlier error instead of a LabelFilterErr', () => {
    const r = runLines('| json | status > 1 | __error__="JSONParserErr"', ['{"status":"x",']);
    assert.deepEqual(added(r[0]), { status: 'x', __error__: 'JSONParserErr', __error_details__: 'Value is array, but can\'t find closing \']\' symbol' });
  });

  it('filters on __error__', () => {
    const lines = ['{"a":1}', 'not json'];
    assert.deepEqual(runLines('| json | __error__=""', lines).map((r) => r.line !== undefined), [true, false]);
    assert.deepEqual(runLines('| json | __error__!=""', lines).map((r) => r.line !== undefined), [false, true]);
  });

  it('ip label filters', () => {
    const lines = ['ip=10.1.2.3', 'ip=192.168.0.1', 'ip=2001:db8::5', 'other=1'];
    const f = (q: string) => runLines('| logfmt | ' + q, lines).map((r) => r.line !== undefined);
    assert.deepEqual(f('ip = ip("10.0.0.0/8")'), [true, false, false, false]);
    assert.deepEqual(f('ip != ip("10.0.0.0/8")'), [false, true, true, false]);
    assert.deepEqual(f('ip = ip("2001:db8::/32")'), [false, false, true, false]);
  });

  it('label regexes go through Loki\'s simplifier (contains, not anchored)', () => {
    const lines = ['path=/api/v1', 'path=/v2/api/x', 'path=/other'];
    assert.deepEqual(runLines('| logfmt | path=~"/api/.*"', lines).map((r) => r.line !== undefined), [true, true, false]);
    assert.deepEqual(runLines('| logfmt | path=~"/api/v[0-9]"', lines).map((r) => r.line !== undefined), [true, false, false]);
  });
});
