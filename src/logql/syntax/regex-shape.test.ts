import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpr } from './parse.js';
import { exprToString } from './printer.js';
import { labelRegexIsLiteralFilter } from './regex-shape.js';

test('regexes Loki reduces to literal filters', () => {
  for (const re of ['GET|POST', 'curl.*', '.*q=.*', '/api/v1/.*', '(?i)error', 'error|warn', 'warn|warning', 'GET|POST|PUT',
    '.*', '.+', '', '(foo)', 'x\\.y', 'f|foo|foobar', '[a]', '.{0,}']) {
    assert.equal(labelRegexIsLiteralFilter(re), true, re);
  }
});

test('regexes Loki keeps as regexes', () => {
  for (const re of ['5..', 'a|b', '[0-9]+', '\\d+', 'foo.*bar', 'abc|abd|aef', '(?s).*', 'a{2}', '^foo$', 'api-(\\w+)-.*']) {
    assert.equal(labelRegexIsLiteralFilter(re), false, re);
  }
});

test('label regex filters print in backticks unless reduced; !~ never', () => {
  const s = (q: string) => exprToString(parseExpr(q));
  assert.equal(s('{a="b"} | x=~"5.." | y=~"api|web" | z!~"5.."'), '{a="b"} | x=~`5..` | y=~"api|web" | z!~"5.."');
  assert.equal(s('{a="b"} | x=~"a`b|c"'), '{a="b"} | x=~"a`b|c"');
});
