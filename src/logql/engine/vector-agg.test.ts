import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VectorAggregation } from '../syntax/ast.js';
import { query, samplesOf, stepVectors } from './test-util.js';
import { vectorAggregate } from './vector-agg.js';

const input = stepVectors([
  [[{ app: 'a', pod: '1' }, 1], [{ app: 'a', pod: '2' }, 4], [{ app: 'b', pod: '1' }, 10], [{ pod: '3' }, 2]],
  [[{ app: 'a', pod: '1' }, 3]],
  [],
]);

function agg(q: string) {
  return samplesOf(vectorAggregate(query(q) as VectorAggregation, input));
}

const X = 'count_over_time({x="y"}[1m])';

describe('vector aggregations', () => {
  it('sum by / without / no grouping', () => {
    assert.deepEqual(agg(`sum by (app) (${X})`), [[['{app="a"}', 5], ['{app="b"}', 10], ['{}', 2]], [['{app="a"}', 3]], []]);
    assert.deepEqual(agg(`sum without (pod) (${X})`), [[['{app="a"}', 5], ['{app="b"}', 10], ['{}', 2]], [['{app="a"}', 3]], []]);
    assert.deepEqual(agg(`sum(${X})`), [[['{}', 17]], [['{}', 3]], []]);
    assert.deepEqual(agg(`sum without () (${X})`)[0].length, 4);
  });

  it('avg min max count', () => {
    assert.deepEqual(agg(`avg by (app) (${X})`)[0], [['{app="a"}', 2.5], ['{app="b"}', 10], ['{}', 2]]);
    assert.deepEqual(agg(`min by (pod) (${X})`)[0], [['{pod="1"}', 1], ['{pod="2"}', 4], ['{pod="3"}', 2]]);
    assert.deepEqual(agg(`max(${X})`)[0], [['{}', 10]]);
    assert.deepEqual(agg(`count by (pod) (${X})`)[0], [['{pod="1"}', 2], ['{pod="2"}', 1], ['{pod="3"}', 1]]);
  });

  it('population stddev and stdvar', () => {
    assert.deepEqual(agg(`stdvar(${X})`)[0], [['{}', 12.1875]]);
    assert.deepEqual(agg(`stddev(${X})`)[0], [['{}', Math.sqrt(12.1875)]]);
    assert.deepEqual(agg(`stddev(${X})`)[1], [['{}', 0]]);
  });

  it('topk/bottomk keep full labels, per group, ordered by value', () => {
    assert.deepEqual(agg(`topk(2, ${X})`)[0], [['{app="b", pod="1"}', 10], ['{app="a", pod="2"}', 4]]);
    assert.deepEqual(agg(`bottomk(1, ${X}) by (app)`)[0], [['{app="a", pod="1"}', 1], ['{app="b", pod="1"}', 10], ['{pod="3"}', 2]]);
    assert.deepEqual(agg(`topk(10, ${X})`)[1], [['{app="a", pod="1"}', 3]]);
  });

  it('sort and sort_desc', () => {
    assert.deepEqual(agg(`sort(${X})`)[0].map(([, v]) => v), [1, 2, 4, 10]);
    assert.deepEqual(agg(`sort_desc(${X})`)[0].map(([, v]) => v), [10, 4, 2, 1]);
  });

  it('NaN: max/min skip it, sorting puts it last', () => {
    const nan = stepVectors([[[{ a: '1' }, NaN], [{ a: '2' }, 3], [{ a: '3' }, 1]]]);
    const run = (q: string) => samplesOf(vectorAggregate(query(q) as VectorAggregation, nan))[0];
    assert.deepEqual(run(`max(${X})`), [['{}', 3]]);
    assert.deepEqual(run(`min(${X})`), [['{}', 1]]);
    assert.ok(Number.isNaN(run(`sum(${X})`)[0][1]));
    assert.deepEqual(run(`sort_desc(${X})`).map(([k]) => k), ['{a="2"}', '{a="3"}', '{a="1"}']);
    assert.deepEqual(run(`sort(${X})`).map(([k]) => k), ['{a="3"}', '{a="2"}', '{a="1"}']);
    assert.deepEqual(run(`topk(2, ${X})`).map(([k]) => k), ['{a="2"}', '{a="3"}']);
  });

  it('approx_topk is a 500 without its configuration', () => {
    assert.throws(() => vectorAggregate(query(`approx_topk(2, ${X})`) as VectorAggregation, input), { status: 500 });
  });
});
