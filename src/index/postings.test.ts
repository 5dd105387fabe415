import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intersect, subtract, union } from './postings.js';

const set = fc.uniqueArray(fc.nat({ max: 200 }), { maxLength: 60 }).map((a) => Uint32Array.from(a.sort((x, y) => x - y)));

describe('postings', () => {
  it('intersect, subtract and union agree with sets', () => {
    fc.assert(
      fc.property(set, set, set, (a, b, c) => {
        const A = new Set(a);
        const B = new Set(b);
        assert.deepEqual([...intersect(a, b)], [...a].filter((x) => B.has(x)));
        assert.deepEqual([...subtract(a, b)], [...a].filter((x) => !B.has(x)));
        assert.deepEqual([...union([a, b, c], 201)], [...new Set([...A, ...b, ...c])].sort((x, y) => x - y));
      }),
    );
  });
});
