import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsLowerTest, containsTest, equalLowerTest, equalTest } from './contains.js';

describe('byte substring tests', () => {
  const b = (s: string) => Buffer.from(s, 'utf8');
  const cases: [string, (l: Buffer) => boolean, string, boolean][] = [
    ['contains', containsTest('needle'), 'hay needle stack', true],
    ['contains 1 byte', containsTest('x'), 'abc', false],
    ['contains empty', containsTest(''), '', true],
    ['contains longer than line', containsTest('abcdef'), 'abc', false],
    ['ci letters only', containsLowerTest('error'), 'an ERROR here', true],
    ['ci letters only, at end', containsLowerTest('error'), 'an eRrOr', true],
    ['ci with anchor byte', containsLowerTest('level=error'), 'LEVEL=Error x', true],
    ['ci anchor not first', containsLowerTest('level=error'), 'level=erro', false],
    ['ci repeated candidates', containsLowerTest('aab'), 'aaaaaaAAB', true],
    ['ci non-ASCII needle', containsLowerTest('straße'), 'STRAßE', true],
    ['equal', equalTest('abc'), 'abc', true],
    ['equal prefix', equalTest('abc'), 'abcd', false],
    ['equal ci', equalLowerTest('abc'), 'ABC', true],
  ];
  for (const [name, t, line, want] of cases) it(name, () => assert.equal(t(b(line)), want));
});
