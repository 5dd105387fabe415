import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { query } from './test-util.js';
import { extrapolatedRate, quantile, rangeAccFactory, type RangeAcc } from './range-functions.js';
import type { RangeAggregation } from '../syntax/ast.js';

function acc(q: string): RangeAcc {
  const e = query(q) as RangeAggregation;
  return rangeAccFactory(e)!();
}

function run(a: RangeAcc, values: number[]): number {
  a.reset();
  values.forEach((v, i) => a.add(i * 1e9, v));
  return a.value();
}

describe('quantile', () => {
  it('interpolates linearly between ranks', () => {
    assert.equal(quantile(0.5, [4, 1, 3, 2]), 2.5);
    assert.equal(quantile(0.25, [1, 2, 3, 4, 5]), 2);
    assert.equal(quantile(0.9, [10, 20]), 19);
    assert.equal(quantile(0, [3, 1, 2]), 1);
    assert.equal(quantile(1, [3, 1, 2]), 3);
  });

  it('handles out-of-range φ and empty input like Prometheus', () => {
    assert.equal(quantile(-0.1, [1]), -Infinity);
    assert.equal(quantile(1.1, [1]), Infinity);
    assert.ok(Number.isNaN(quantile(0.5, [])));
  });

  it('sorts NaN first', () => {
    assert.ok(Number.isNaN(quantile(0, [2, NaN, 1])));
    assert.equal(quantile(1, [2, NaN, 1]), 2);
  });
});

describe('extrapolatedRate (rate_counter)', () => {
  const ns = 1e9;
  it('is 0 with fewer than two samples', () => {
    assert.equal(extrapolatedRate([0], [5], 60_000_000_000n), 0);
  });

  it('extrapolates with Loki\'s nanosecond/millisecond mix', () => {
    // Samples every 10s from 0 to 50s, counter 10..60; range 60s (60000 ms → durationToStart 60).
    const ts = [0, 10, 20, 30, 40, 50].map((s) => s * ns);
    const vs = [10, 20, 30, 40, 50, 60];
    // result 50; sampled 5e7 (ns/1000); avg 1e7; durationToZero = 5e7·10/50 = 1e7 → start 60 < 1.1e7 → +60; end +0.
    const expected = (50 * ((5e7 + 60) / 5e7)) / 60;
    assert.equal(extrapolatedRate(ts, vs, 60_000_000_000n), expected);
  });

  it('adds counter resets', () => {
    const ts = [0, 10 * ns, 20 * ns];
    const vs = [5, 8, 2];
    // 2 - 5 + 8 (reset) = 5.
    const expected = (5 * ((2e7 + 60) / 2e7)) / 60;
    assert.equal(extrapolatedRate(ts, vs, 60_000_000_000n), expected);
  });
});

describe('range accumulators', () => {
  const u = '{a="b"} | unwrap x [1m]';
  it('sum, avg, min, max, first, last', () => {
    assert.equal(run(acc(`sum_over_time(${u})`), [1, 2, 3.5]), 6.5);
    assert.equal(run(acc(`avg_over_time(${u})`), [1, 2, 6]), 3);
    assert.equal(run(acc(`min_over_time(${u})`), [3, 1, 2]), 1);
    assert.equal(run(acc(`max_over_time(${u})`), [3, 1, 2]), 3);
    assert.equal(run(acc(`first_over_time(${u})`), [3, 1, 2]), 3);
    assert.equal(run(acc(`last_over_time(${u})`), [3, 1, 2]), 2);
  });

  it('rate over unwrap divides the sum by the range in seconds', () => {
    assert.equal(run(acc(`rate(${u})`), [30, 30]), 1);
  });

  it('population stddev and stdvar', () => {
    assert.equal(run(acc(`stdvar_over_time(${u})`), [2, 4, 4, 4, 5, 5, 7, 9]), 4);
    assert.equal(run(acc(`stddev_over_time(${u})`), [2, 4, 4, 4, 5, 5, 7, 9]), 2);
  });

  it('quantile_over_time', () => {
    assert.equal(run(acc(`quantile_over_time(0.5, ${u})`), [1, 2, 3, 4]), 2.5);
  });

  it('min/max ignore NaN unless all are NaN', () => {
    assert.equal(run(acc(`max_over_time(${u})`), [NaN, 1, 2]), 2);
    assert.equal(run(acc(`min_over_time(${u})`), [2, NaN, 1]), 1);
    assert.ok(Number.isNaN(run(acc(`max_over_time(${u})`), [NaN])));
  });

  it('avg keeps an infinite mean finite-proof', () => {
    assert.equal(run(acc(`avg_over_time(${u})`), [Infinity, 1, Infinity]), Infinity);
    assert.ok(Number.isNaN(run(acc(`avg_over_time(${u})`), [Infinity, -Infinity])));
  });

  it('accumulators are reusable after reset', () => {
    const a = acc(`sum_over_time(${u})`);
    run(a, [100]);
    assert.equal(run(a, [1]), 1);
  });

  it('count-like functions have no accumulator', () => {
    assert.equal(rangeAccFactory(query('count_over_time({a="b"}[1m])') as RangeAggregation), undefined);
    assert.equal(rangeAccFactory(query('rate({a="b"}[1m])') as RangeAggregation), undefined);
  });
});
