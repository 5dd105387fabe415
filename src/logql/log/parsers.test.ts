import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { added, runLine } from './test-helpers.js';

describe('| regexp', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['| regexp "(?P<method>\\\\w+) (?P<path>\\\\S+)"', 'GET /api x', { method: 'GET', path: '/api' }],
    ['| regexp "(?P<a>x)|(?P<b>y)"', 'y', { a: '', b: 'y' }],
    ['| regexp "(?P<a>z)"', 'nothing', {}],
    ['| regexp "(?P<app>\\\\w+)"', 'word', { app_extracted: 'word' }],
    ['| regexp "(\\\\d+) (?P<n>\\\\d+)"', '1 2', { n: '2' }],
  ];
  for (const [p, line, want] of cases) {
    it(`${p} on ${line}`, () => assert.deepEqual(added(runLine(p, line)), want));
  }
});

describe('| pattern', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['| pattern "<ip> - <_> [<ts>] \\"<method> <path> <_>\\" <status>"', '1.2.3.4 - - [01/Jan] "GET /a HTTP/1.1" 200 55',
      { ip: '1.2.3.4', ts: '01/Jan', method: 'GET', path: '/a', status: '200 55' }],
    ['| pattern "INFO <rest>"', 'INFO all of it', { rest: 'all of it' }],
    ['| pattern "INFO <rest>"', 'WARN x INFO y', {}],
    // A missing literal: the capture takes the rest of the line and matching stops.
    ['| pattern "<a> x <b> y <c>"', '1 x 2 z 3', { a: '1', b: '2 z 3' }],
    ['| pattern "<app> <n>"', 'x 1', { app_extracted: 'x', n: '1' }],
    ['| pattern "<a> <b>"', '', {}],
  ];
  for (const [p, line, want] of cases) {
    it(`${p} on ${line}`, () => assert.deepEqual(added(runLine(p, line)), want));
  }
});

describe('| unpack', () => {
  const cases: [string, string, string, Record<string, string>][] = [
    ['applies labels and replaces the line', '{"_entry":"level=info x","pod":"p1","n":5}', 'level=info x', { pod: 'p1' }],
    ['no _entry: nothing applied', '{"pod":"p1"}', '{"pod":"p1"}', {}],
    ['escaped entry', '{"_entry":"a \\"b\\"","app":"z"}', 'a "b"', { app_extracted: 'z' }],
    ['not an object', 'plain', 'plain', { __error__: 'JSONParserErr', __error_details__: 'expecting json object(6), but it is not' }],
    ['broken object', '{"_entry":"x",', '{"_entry":"x",', { __error__: 'JSONParserErr', __error_details__: 'Value is array, but can\'t find closing \']\' symbol' }],
  ];
  for (const [name, line, wantLine, want] of cases) {
    it(name, () => {
      const r = runLine('| unpack', line);
      assert.equal(r.line, wantLine);
      assert.deepEqual(added(r), want);
    });
  }
});

describe('parsers in sequence', () => {
  it('a later parser does not override keys an earlier one set', () => {
    const r = runLine('| unpack | logfmt', '{"_entry":"level=info pod=line","pod":"packed"}');
    assert.deepEqual(added(r), { pod: 'packed', level: 'info' });
  });
});
