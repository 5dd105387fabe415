import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simplifyRegex } from './regex-simplify.js';

const s = (re: string, isLabel: boolean, v: string): boolean | undefined => simplifyRegex(re, isLabel)?.testStr(v);

describe('Loki\'s regex simplifier', () => {
  const cases: [string, boolean, string, boolean | undefined][] = [
    ['foo', false, 'xfoox', true],
    ['foo', true, 'xfoox', false],
    ['foo', true, 'foo', true],
    ['(?i)foo', false, 'xFOOx', true],
    ['foo|bar', true, 'bar', true],
    ['foo|bar', true, 'xbar', false],
    ['.*foo.*', false, 'afoob', true],
    // Concatenations are contains tests even for labels.
    ['foo.*', true, 'xfoo', true],
    ['.*', true, 'a\nb', true],
    ['.+', true, '', false],
    ['.+', true, '\n', true],
    ['', false, 'x', true],
    ['f(oo|ee)', false, 'xfeex', true],
    ['f(oo|ee)', false, 'fe', false],
    ['foo|foobar', true, 'xfoo', true],
    ['[a-z]+', false, 'abc', undefined],
    ['^foo$', false, 'foo', undefined],
    ['(?s).*', false, 'x', undefined],
    ['foo.*bar.*baz', false, 'foobarbaz', undefined],
  ];
  for (const [re, isLabel, v, want] of cases) {
    it(`${JSON.stringify(re)} ${isLabel ? 'label' : 'line'} ${JSON.stringify(v)}`, () => assert.equal(s(re, isLabel, v), want));
  }
});
