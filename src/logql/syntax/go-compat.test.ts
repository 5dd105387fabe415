import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureGroupNames, compileRegex, goRegexError } from '../../util/regex.js';
import { formatFixed, formatFloatF, formatFloatG } from './go-format.js';
import { NumError, SyntaxErr, atoi, byteLength, parseFloat64, quote, unquote } from './go-strconv.js';

test('formatFloatG: fmt %v', () => {
  const cases: [number, string][] = [[1000, '1000'], [1e6, '1e+06'], [123456, '123456'], [1234567, '1.234567e+06'],
    [0.30000000000000004, '0.30000000000000004'], [0.0001, '0.0001'], [0.00001, '1e-05'], [1e21, '1e+21'], [-2.5, '-2.5'],
    [-0, '-0'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [1e100, '1e+100']];
  for (const [v, s] of cases) assert.equal(formatFloatG(v), s, String(v));
});

test('formatFloatF: strconv.FormatFloat(v, \'f\', -1, 64)', () => {
  assert.equal(formatFloatF(1e21), '1000000000000000000000');
  assert.equal(formatFloatF(1e-7), '0.0000001');
  assert.equal(formatFloatF(0.5), '0.5');
  assert.equal(formatFloatF(-1), '-1');
  assert.equal(formatFloatF(NaN), 'NaN');
});

test('formatFixed: %f with exact decimals, ties to even', () => {
  assert.equal(formatFixed(1, 6), '1.000000');
  assert.equal(formatFixed(0.0078125, 6), '0.007812');
  assert.equal(formatFixed(12.5, 0), '12');
  assert.equal(formatFixed(13.5, 0), '14');
  assert.equal(formatFixed(0.1, 20), '0.10000000000000000555');
  assert.equal(formatFixed(-0, 1), '-0.0');
});

test('quote: strconv.Quote', () => {
  assert.equal(quote('plain'), '"plain"');
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quote('\n\t\x00\x7f'), '"\\n\\t\\x00\\x7f"');
  assert.equal(quote('é😀'), '"é😀"');
  assert.equal(quote('\u00a0\u200b'), '"\\u00a0\\u200b"');
  assert.equal(quote('\u{e0001}'), '"\\U000e0001"');
});

test('unquote: Go string literals and raw strings', () => {
  assert.equal(unquote('"a\\x41\\101\\u00e9\\U0001F600"'), 'aAAé😀');
  assert.equal(unquote('"\\xc3\\xa9"'), 'é');
  assert.equal(unquote('`a\\b`'), 'a\\b');
  assert.throws(() => unquote('"\\ud800"'), SyntaxErr);
  assert.throws(() => unquote('"\\q"'), SyntaxErr);
  assert.throws(() => unquote('"a'), SyntaxErr);
});

test('parseFloat64 and atoi: strconv', () => {
  assert.equal(parseFloat64('1e3'), 1000);
  assert.equal(parseFloat64('1_000.5'), 1000.5);
  assert.equal(parseFloat64('0x1p4'), 16);
  assert.equal(parseFloat64('.5'), 0.5);
  assert.equal(parseFloat64('-Inf'), -Infinity);
  assert.throws(() => parseFloat64('0x10'), new NumError('strconv.ParseFloat: parsing "0x10": invalid syntax'));
  assert.throws(() => parseFloat64('1e999'), new NumError('strconv.ParseFloat: parsing "1e999": value out of range'));
  assert.throws(() => parseFloat64('_1'), NumError);
  assert.equal(atoi('007'), 7);
  assert.throws(() => atoi('1.5'), new NumError('strconv.Atoi: parsing "1.5": invalid syntax'));
  assert.equal(byteLength('aé😀'), 1 + 2 + 4);
});

test('goRegexError: Go regexp error texts', () => {
  assert.equal(goRegexError('(unclosed'), 'error parsing regexp: missing closing ): `(unclosed`');
  assert.equal(goRegexError('a)'), 'error parsing regexp: unexpected ): `a)`');
  assert.equal(goRegexError('(['), 'error parsing regexp: missing closing ]: `[`');
  assert.equal(goRegexError('a**'), 'error parsing regexp: invalid nested repetition operator: `**`');
  assert.equal(goRegexError('\\q'), 'error parsing regexp: invalid escape sequence: `\\q`');
  assert.equal(goRegexError('\\C'), 'error parsing regexp: invalid escape sequence: `\\C`');
  assert.equal(goRegexError('a\\'), 'error parsing regexp: trailing backslash at end of expression: ``');
  assert.equal(goRegexError('(?P<x>a)(?P<x>b)'), undefined);
  assert.equal(goRegexError('(?i)a.*b'), undefined);
});

test('regex helpers: Go capture names and duplicate names', () => {
  assert.deepEqual(captureGroupNames('(a)(?:b)(?P<x>c)[(](?<y>d)\\(e[[:alpha:]](f)'), ['', 'x', 'y', '']);
  assert.ok(compileRegex('(?P<x>a)|(?P<x>b)').test('b'));
});
