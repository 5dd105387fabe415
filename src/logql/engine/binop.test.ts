import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BinaryOp } from '../syntax/ast.js';
import { literalBinop, mergeValues, resultLabels, vectorBinop } from './binop.js';
import { query, runInstant, runRange, samplesOf, stepVectors, vectorOf, matrixOf } from './test-util.js';
import type { StepVectors } from './vectors.js';

const X = 'count_over_time({x="y"}[1m])';
const Y = 'count_over_time({x="z"}[1m])';
const node = (q: string) => query(q) as BinaryOp;

const left = stepVectors([[[{ c: 'a', p: '1' }, 6], [{ c: 'a', p: '2' }, 3], [{ c: 'b', p: '1' }, 0]]]);
const right = stepVectors([[[{ c: 'a' }, 3], [{ c: 'b' }, 0]]]);

function vv(q: string, l: StepVectors, r: StepVectors) {
  return samplesOf(vectorBinop(node(q), l, r))[0];
}

describe('mergeValues (Loki MergeBinOp)', () => {
  it('arithmetic with NaN for division and modulo by zero', () => {
    assert.equal(mergeValues('+', 1, 2, true, 1), 3);
    assert.equal(mergeValues('-', 1, 2, true, 1), -1);
    assert.equal(mergeValues('*', 3, 2, true, 3), 6);
    assert.equal(mergeValues('/', 3, 2, true, 3), 1.5);
    assert.ok(Number.isNaN(mergeValues('/', 1, 0, true, 1)!));
    assert.ok(Number.isNaN(mergeValues('/', -1, 0, true, -1)!));
    assert.ok(Number.isNaN(mergeValues('%', 5, 0, true, 5)!));
    assert.equal(mergeValues('%', -7, 3, true, -7), -1);
    assert.equal(mergeValues('^', 2, 10, true, 2), 1024);
    assert.equal(mergeValues('^', 1, NaN, true, 1), 1);
  });

  it('comparisons filter, or give 0/1 with bool', () => {
    assert.equal(mergeValues('>', 5, 3, true, 5), 5);
    assert.equal(mergeValues('>', 1, 3, true, 1), undefined);
    assert.equal(mergeValues('>', 1, 3, false, 1), 0);
    assert.equal(mergeValues('==', 3, 3, false, 3), 1);
    assert.equal(mergeValues('!=', NaN, NaN, true, NaN)?.toString(), 'NaN');
    assert.equal(mergeValues('<=', 2, 2, true, 2), 2);
  });
});

describe('literal and vector', () => {
  const v = stepVectors([[[{ a: '1' }, 4], [{ a: '2' }, 1]]]);
  it('keeps labels; the literal side decides the operand order', () => {
    assert.deepEqual(samplesOf(literalBinop(node(`${X} - 1`), 1, v, false))[0], [['{a="1"}', 3], ['{a="2"}', 0]]);
    assert.deepEqual(samplesOf(literalBinop(node(`10 - ${X}`), 10, v, true))[0], [['{a="1"}', 6], ['{a="2"}', 9]]);
    assert.deepEqual(samplesOf(literalBinop(node(`2 ^ ${X}`), 2, v, true))[0], [['{a="1"}', 16], ['{a="2"}', 2]]);
  });

  it('comparisons return the vector value, or 0/1 with bool', () => {
    assert.deepEqual(samplesOf(literalBinop(node(`${X} > 2`), 2, v, false))[0], [['{a="1"}', 4]]);
    assert.deepEqual(samplesOf(literalBinop(node(`2 < ${X}`), 2, v, true))[0], [['{a="1"}', 4]]);
    assert.deepEqual(samplesOf(literalBinop(node(`${X} > bool 2`), 2, v, false))[0], [['{a="1"}', 1], ['{a="2"}', 0]]);
  });
});

describe('vector matching', () => {
  it('one-to-one on full labels', () => {
    const a = stepVectors([[[{ c: 'a' }, 6], [{ c: 'b' }, 1], [{ c: 'c' }, 1]]]);
    assert.deepEqual(vv(`${X} / ${Y}`, a, right), [['{c="a"}', 2], ['{c="b"}', NaN]]);
  });

  it('on() and ignoring() one-to-one keep the matching labels only', () => {
    const l = stepVectors([[[{ c: 'a', p: '1' }, 6]]]);
    assert.deepEqual(vv(`${X} + on (c) ${Y}`, l, right), [['{c="a"}', 9]]);
    assert.deepEqual(vv(`${X} + ignoring (p) ${Y}`, l, right), [['{c="a"}', 9]]);
  });

  it('group_left keeps the many side and copies included labels', () => {
    const one = stepVectors([[[{ c: 'a', team: 't1' }, 3], [{ c: 'b', team: 't2' }, 2]]]);
    assert.deepEqual(vv(`${X} / on (c) group_left (team) ${Y}`, left, one), [
      ['{c="a", p="1", team="t1"}', 2], ['{c="a", p="2", team="t1"}', 1], ['{c="b", p="1", team="t2"}', 0],
    ]);
  });

  it('group_right is group_left mirrored', () => {
    assert.deepEqual(vv(`${Y} / on (c) group_right ${X}`, right, left), [['{c="a", p="1"}', 0.5], ['{c="a", p="2"}', 1], ['{c="b", p="1"}', NaN]]);
  });

  it('comparisons between vectors keep the left value', () => {
    assert.deepEqual(vv(`${X} >= on (c) group_left ${Y}`, left, right), [['{c="a", p="1"}', 6], ['{c="a", p="2"}', 3], ['{c="b", p="1"}', 0]]);
    assert.deepEqual(vv(`${X} > bool on (c) group_left ${Y}`, left, right), [['{c="a", p="1"}', 1], ['{c="a", p="2"}', 0], ['{c="b", p="1"}', 0]]);
  });

  it('many-to-many is a 500', () => {
    assert.throws(() => vv(`${Y} / on (c) ${X}`, right, left), { status: 500, message: 'found duplicate series on the right hand-side;many-to-many matching not allowed: matching labels must be unique on one side' });
    assert.throws(() => vv(`${X} / on (c) group_right ${Y}`, left, right), { status: 500, message: /duplicate series on the left hand-side/ });
  });

  it('many-to-one without group_left is a 500', () => {
    assert.throws(() => vv(`${X} / on (c) ${Y}`, left, right), { status: 500, message: 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)' });
  });

  it('group_left whose results collide is a 500', () => {
    const l = stepVectors([[[{ c: 'a', p: '1' }, 1], [{ c: 'a', p: '2' }, 1]]]);
    const r = stepVectors([[[{ c: 'a', p: 'x' }, 1]]]);
    assert.throws(() => vv(`${X} / on (c) group_left (p) ${Y}`, l, r), { status: 500, message: /grouping labels must ensure unique matches/ });
  });

  it('duplicates only matter within one step', () => {
    const r = stepVectors([[[{ c: 'a', p: '1' }, 1]], [[{ c: 'a', p: '2' }, 2]]]);
    const l = stepVectors([[[{ c: 'a' }, 4]], [[{ c: 'a' }, 4]]]);
    assert.deepEqual(samplesOf(vectorBinop(node(`${X} / on (c) ${Y}`), l, r)), [[['{c="a"}', 4]], [['{c="a"}', 2]]]);
  });

  it('resultLabels removes included labels missing on the one side', () => {
    const many = [{ name: 'c', value: 'a' }, { name: 't', value: 'old' }];
    assert.deepEqual(resultLabels(many, [{ name: 'c', value: 'a' }], { on: true, labels: ['c'], card: 'many-to-one', include: ['t'] }), [{ name: 'c', value: 'a' }]);
  });
});

describe('set operations', () => {
  const a = stepVectors([[[{ c: 'a', p: '1' }, 1], [{ c: 'b', p: '1' }, 2]], [[{ c: 'a', p: '1' }, 1]]]);
  const b = stepVectors([[[{ c: 'a', p: '2' }, 10], [{ c: 'x', p: '9' }, 20]], []]);
  const set = (q: string) => samplesOf(vectorBinop(node(q), a, b));
  it('and / unless / or with on()', () => {
    assert.deepEqual(set(`${X} and on (c) ${Y}`), [[['{c="a", p="1"}', 1]], []]);
    assert.deepEqual(set(`${X} unless on (c) ${Y}`), [[['{c="b", p="1"}', 2]], [['{c="a", p="1"}', 1]]]);
    assert.deepEqual(set(`${X} or on (c) ${Y}`), [[['{c="a", p="1"}', 1], ['{c="b", p="1"}', 2], ['{c="x", p="9"}', 20]], [['{c="a", p="1"}', 1]]]);
  });

  it('full label matching by default', () => {
    assert.deepEqual(set(`${X} and ${Y}`), [[], []]);
    assert.deepEqual(set(`${X} or ${Y}`)[0].length, 4);
  });
});

describe('through the parser', () => {
  const v = async (q: string) => vectorOf(await runInstant([], q, 1_700_000_000));
  it('precedence and associativity', async () => {
    assert.deepEqual(await v('vector(1) + vector(2) * vector(3)'), [['{}', 7]]);
    assert.deepEqual(await v('2 * vector(3) ^ 2'), [['{}', 18]]);
    assert.deepEqual(await v('vector(2) ^ vector(3) ^ vector(2)'), [['{}', 512]]);
    assert.deepEqual(await v('vector(10) - vector(2) - vector(3)'), [['{}', 5]]);
    assert.deepEqual(await v('vector(10) / vector(2) * vector(5)'), [['{}', 25]]);
    assert.deepEqual(await v('vector(1) + vector(2) > vector(2)'), [['{}', 3]]);
    assert.deepEqual(await v('vector(1) or vector(2) and vector(3)'), [['{}', 1]]);
  });

  it('literal-only expressions and comparisons', async () => {
    assert.deepEqual(await v('vector(2) > vector(1)'), [['{}', 2]]);
    assert.deepEqual(await v('vector(1) > vector(2)'), []);
    assert.deepEqual(await v('vector(1) == bool vector(2)'), [['{}', 0]]);
    assert.deepEqual(await v('vector(1) unless vector(2)'), []);
    assert.deepEqual(await v('sum(vector(1)) / 0'), [['{}', NaN]]);
  });

  it('range queries apply the operation at every step', async () => {
    const m = matrixOf(await runRange([], 'vector(1) - vector(0.5)', 1_700_000_000, 1_700_000_060, 20));
    assert.deepEqual(m['{}'].map(([, x]) => x), [0.5, 0.5, 0.5, 0.5]);
  });
});
