import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lexer } from './lexer.js';
import { tokName } from './tokens.js';

/** Tokens as `NAME(text)[value]@line:col`. */
function lex(input: string): { tokens: string[]; errors: string[] } {
  const lx = new Lexer(input);
  const tokens: string[] = [];
  for (;;) {
    const t = lx.next();
    tokens.push(`${tokName(t.type)}${t.text ? `(${t.text})` : ''}${t.value ? `[${t.value}]` : ''}@${t.line}:${t.col}`);
    if (t.type === 0) break;
  }
  return { tokens, errors: lx.errors.map((e) => e.message) };
}

const kind = (t: string) => t.slice(0, t.lastIndexOf('@'));

test('selector tokens and positions (1-based columns, in characters)', () => {
  assert.deepEqual(lex('{app="api"}').tokens, ['{@1:1', 'IDENTIFIER(app)@1:2', '=@1:5', 'STRING(api)@1:6', '}@1:11', '$end@1:12']);
  assert.deepEqual(lex('{ü="é"}').tokens, ['{@1:1', 'IDENTIFIER(ü)@1:2', '=@1:3', 'STRING(é)@1:4', '}@1:7', '$end@1:8']);
});

test('two-character operators and consumed suffixes lose the line, as in Loki', () => {
  assert.deepEqual(lex('a != b').tokens, ['IDENTIFIER(a)@1:1', '!=@0:3', 'IDENTIFIER(b)@1:6', '$end@1:7']);
  assert.deepEqual(lex('[5m]').tokens, ['RANGE(5m)[300000000000]@0:1', '$end@1:5']);
});

test('keywords are case-insensitive; function names only before ( or by/without (', () => {
  assert.deepEqual(lex('SUM by (x) (Rate(').tokens.map(kind),
    ['SUM', 'by', '(', 'IDENTIFIER(x)', ')', '(', 'RATE', '(', '$end']);
  assert.deepEqual(lex('rate count = bytes').tokens.map(kind),
    ['IDENTIFIER(rate)', 'IDENTIFIER(count)', '=', 'IDENTIFIER(bytes)', '$end']);
  assert.deepEqual(lex('sum without(x)(').tokens.map(kind), ['SUM', 'without', '(', 'IDENTIFIER(x)', ')', '(', '$end']);
  assert.deepEqual(lex('Json OFFSET').tokens.map(kind), ['json', 'offset', '$end']);
});

test('durations, byte sizes and numbers', () => {
  const kinds = (s: string) => lex(s).tokens.map(kind);
  assert.deepEqual(kinds('5m 1h30m 1.5h 300us -5m 10KB 8MiB 5 0.5 1e3 .5'), [
    'DURATION(5)[300000000000]', 'DURATION(1)[5400000000000]', 'DURATION(1.5)[5400000000000]', 'DURATION(300)[300000]',
    'DURATION(-)[-300000000000]', 'BYTES(10)[10000]', 'BYTES(8)[8388608]', 'NUMBER(5)', 'NUMBER(0.5)', 'NUMBER(1e3)',
    'NUMBER(.5)', '$end',
  ]);
  // `5mb` is a duration followed by an identifier; `-1` is minus and a number.
  assert.deepEqual(kinds('5mb -1'), ['DURATION(5)[300000000000]', 'IDENTIFIER(b)', '-', 'NUMBER(1)', '$end']);
});

test('parser flags, comments, char literals', () => {
  const kinds = (s: string) => lex(s).tokens.map(kind);
  assert.deepEqual(kinds('logfmt --strict --keep-empty --other'), ['logfmt', 'PARSER_FLAG(--strict)', 'PARSER_FLAG(--keep-empty)', '-', '-', 'IDENTIFIER(other)', '$end']);
  assert.deepEqual(kinds('a # comment\nb // go comment\nc /* block */ d'), ['IDENTIFIER(a)', 'IDENTIFIER(b)', 'IDENTIFIER(c)', 'IDENTIFIER(d)', '$end']);
  assert.deepEqual(kinds("'x' @"), ["IDENTIFIER('x')", 'IDENTIFIER(@)', '$end']);
});

test('strings: Go escapes, raw strings, errors', () => {
  assert.deepEqual(lex('"a\\tb\\u00e9\\x41" `c\\d`').tokens.map(kind), ['STRING(a\tbéA)', 'STRING(c\\d)', '$end']);
  assert.deepEqual(lex('"abc').errors, ['parse error at line 1, col 1: literal not terminated', 'parse error at line 1, col 1: invalid syntax']);
  assert.deepEqual(lex('"\\q"').errors.slice(0, 1), ['parse error at line 1, col 1: invalid char escape']);
});

test('scanner errors reported like Go', () => {
  assert.deepEqual(lex('08').errors, ["parse error at line 1, col 1: invalid digit '8' in octal literal"]);
  assert.deepEqual(lex('0B').errors, ['parse error at line 1, col 1: binary literal has no digits']);
  assert.deepEqual(lex('[5x]').errors, ['parse error at line 0, col 1: unknown unit "x" in duration "5x"']);
  assert.deepEqual(lex('[5m').errors, ["parse error at line 0, col 1: missing closing ']' in duration"]);
  assert.deepEqual(lex('').tokens, ['$end@0:0']);
  assert.deepEqual(lex('\n').tokens, ['$end@2:1']);
});
