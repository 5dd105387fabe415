import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLines } from './test-helpers.js';

const LINES = [
  'level=info msg="GET /api" status=200',
  'level=ERROR msg="POST /api" status=500',
  'level=warn msg="database connection lost"',
  '',
  'Straße café ERROR',
  '\tspaces only  ',
];

/** Which of LINES pass a pipeline. */
function kept(pipeline: string, lines: readonly string[] = LINES): number[] {
  return runLines(pipeline, lines).flatMap((r, i) => (r.line === undefined ? [] : [i]));
}

describe('line filters', () => {
  const cases: [string, number[]][] = [
    ['|= "api"', [0, 1]],
    ['!= "api"', [2, 3, 4, 5]],
    ['|= ""', [0, 1, 2, 3, 4, 5]],
    ['!= ""', []],
    ['|~ "status=(4|5)\\\\d\\\\d"', [1]],
    ['!~ "status=\\\\d+"', [2, 3, 4, 5]],
    ['|~ "(?i)error"', [1, 4]],
    ['|~ "(?i)STRASSE"', []],
    ['|~ "(?i)straße"', [4]],
    ['|~ ".*"', [0, 1, 2, 3, 4, 5]],
    ['!~ ".*"', []],
    ['|~ ".+"', [0, 1, 2, 4, 5]],
    ['|~ "^$"', [3]],
    ['|~ "^\\\\s+$"', []],
    ['|~ "api|lost"', [0, 1, 2]],
    ['|= "GET" or "lost"', [0, 2]],
    ['!= "GET" or "lost"', [1, 3, 4, 5]],
    ['|= "GET" |= "api"', [0]],
    ['|= "api" != "POST"', [0]],
    // Always-true terms vanish from `or` (Loki's isTrueFilter): `|= "GET" or ""` is `|= "GET"`.
    ['|= "GET" or ""', [0]],
    ['|~ "GET" or ".*"', [0]],
    ['|> "level=<_> msg=<_>"', [0, 1, 2]],
    ['|> "<_> status=<_>"', [0, 1]],
    ['|> "<_>status=200"', [0]],
    ['!> "<_> status=<_>"', [2, 3, 4, 5]],
    // A leading literal is not anchored; a trailing one must end the line.
    ['|> "ERROR"', [4]],
    ['|> "level"', []],
    ['|> "<_>ERROR"', [4]],
  ];
  for (const [p, want] of cases) {
    it(p, () => assert.deepEqual(kept(p), want));
  }

  it('regexes are unanchored and byte based', () => {
    assert.deepEqual(kept('|~ "café"'), [4]);
    assert.deepEqual(kept('|~ "^level"'), [0, 1, 2]);
  });
});

describe('ip() line filters', () => {
  const lines = [
    'src=10.0.0.1 dst=8.8.8.8',
    'src=192.168.1.5 action=DROP',
    'src=172.16.3.4 action=ACCEPT',
    'addr=2001:db8::1 proto=udp',
    'addr=fe80::1%eth0',
    'version 1.2.3 not an ip',
    'near 10.0.0.256 miss',
  ];
  const cases: [string, number[]][] = [
    ['|= ip("10.0.0.0/8")', [0]],
    ['!= ip("10.0.0.0/8")', [1, 2, 3, 4, 5, 6]],
    ['|= ip("192.168.1.5")', [1]],
    ['|= ip("172.16.0.0-172.16.255.255")', [2]],
    ['|= ip("2001:db8::/32")', [3]],
    ['|= ip("8.8.8.8")', [0]],
    // Inside `or` ip(...) is a plain substring.
    ['|= ip("10.0.0.0/8") or ip("172.16.0.0/12")', []],
    ['|= "DROP" or ip("10.0.0.0/8")', [1]],
  ];
  for (const [p, want] of cases) {
    it(p, () => assert.deepEqual(kept(p, lines), want));
  }
});

describe('filter reordering', () => {
  it('moves line filters in front of decolorize', () => {
    const r = runLines('| decolorize |= "ERROR["', ['\u001b[31mERROR\u001b[0m[0000] x', 'ERROR[0000] y']);
    assert.deepEqual(r.map((x) => x.line), [undefined, 'ERROR[0000] y']);
  });

  it('keeps line filters after line_format where they are', () => {
    const r = runLines('| logfmt | line_format "{{.status}}" |= "500"', ['status=500 a=1', 'status=200 b=500']);
    assert.deepEqual(r.map((x) => x.line), ['500', undefined]);
  });

  it('moves filters in front of parsers (the filter sees the raw line)', () => {
    const r = runLines('| json | line_format "x" |= "x"', ['{"a":"x"}', '{"a":"y"}']);
    assert.deepEqual(r.map((x) => x.line), ['x', 'x']);
  });
});
