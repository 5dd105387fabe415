import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { added, runLine } from './test-helpers.js';

describe('| logfmt', () => {
  const cases: [string, string, string, Record<string, string>][] = [
    ['pairs', '| logfmt', 'a=1 b="two words" c=', { a: '1', b: 'two words' }],
    ['keep-empty', '| logfmt --keep-empty', 'a=1 c= d', { a: '1', c: '', d: '' }],
    ['the last duplicate wins', '| logfmt', 'status=200 status=999', { status: '999' }],
    ['dotted keys', '| logfmt', 'http.status_code=500 1a=x', { http_status_code: '500', _1a: 'x' }],
    ['escapes in quotes', '| logfmt', 'q="it\'s \\"fine\\"" p=C:\\logs', { q: 'it\'s "fine"', p: 'C:\\logs' }],
    ['clash with a stream label', '| logfmt', 'app=x job=y', { app_extracted: 'x', job_extracted: 'y' }],
    ['skips malformed pairs', '| logfmt', '=ts=1 level=warn x"y d=e', { level: 'warn', d: 'e' }],
    ['a closing quote ends the value', '| logfmt', 'a="b"c', { a: 'b' }],
    ['non-strict never errors', '| logfmt', 'a=1 b="unterminated', { a: '1' }],
    ['unicode values', '| logfmt', 'user=田中 emoji=😀', { user: '田中', emoji: '😀' }],
  ];
  for (const [name, p, line, want] of cases) {
    it(name, () => assert.deepEqual(added(runLine(p, line)), want));
  }

  const strict: [string, Record<string, string>][] = [
    ['a=1 b="unterminated', { a: '1', __error__: 'LogfmtParserErr', __error_details__: 'logfmt syntax error at pos 20 : unterminated quoted value' }],
    ['=ts=1 level=warn', { __error__: 'LogfmtParserErr', __error_details__: 'logfmt syntax error at pos 1 : unexpected \'=\'' }],
    ['a=1 b"c=2', { a: '1', __error__: 'LogfmtParserErr', __error_details__: 'logfmt syntax error at pos 6 : unexpected \'"\'' }],
    ['a=1 b=x=y', { a: '1', __error__: 'LogfmtParserErr', __error_details__: 'logfmt syntax error at pos 8 : unexpected \'=\'' }],
  ];
  for (const [line, want] of strict) {
    it(`--strict: ${line}`, () => assert.deepEqual(added(runLine('| logfmt --strict', line)), want));
  }
});

describe('| logfmt with parameters', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['| logfmt took, j="job_id"', 'job_id=7 took=1s other=x', { took: '1s', j: '7' }],
    ['| logfmt missing', 'a=1', { missing: '' }],
    ['| logfmt app', 'app=x', { app_extracted: 'x' }],
    ['| logfmt --strict a', 'a=1 "b', { a: '1', __error__: 'LogfmtParserErr', __error_details__: 'logfmt syntax error at pos 5 : unexpected \'"\'' }],
  ];
  for (const [p, line, want] of cases) {
    it(`${p} on ${line}`, () => assert.deepEqual(added(runLine(p, line)), want));
  }
});
