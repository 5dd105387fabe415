import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatGoDuration, formatPromDuration, parseDuration } from './duration.js';
import { ValueError } from './errors.js';

describe('parseDuration', () => {
  const cases: Array<[string, number]> = [
    ['0', 0], ['0s', 0], ['5m', 300_000], ['1h30m', 5_400_000], ['1d', 86_400_000], ['1w', 604_800_000],
    ['30d1h', 2_595_600_000], ['1y', 31_536_000_000], ['1.5h', 5_400_000], ['300ms', 300], ['-1ns', -0.000001],
    ['1us', 0.001], ['1µs', 0.001], ['2h45m30.5s', 9_930_500], ['+10s', 10_000], ['.5s', 500], ['100ms', 100],
  ];
  for (const [input, ms] of cases) it(`${input} = ${ms}ms`, () => assert.equal(parseDuration(input), ms));

  for (const bad of ['', '5', '1.5d', 'h', '1x', '1h 30m', '--1s', 'ms']) {
    it(`rejects "${bad}"`, () => assert.throws(() => parseDuration(bad), ValueError));
  }
});

describe('formatGoDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'], [3_600_000, '1h0m0s'], [1_800_000, '30m0s'], [1500, '1.5s'], [300, '300ms'], [-0.000001, '-1ns'],
    [0.0015, '1.5µs'], [86_400_000, '24h0m0s'], [90_061_001, '25h1m1.001s'], [-3_600_000, '-1h0m0s'],
  ];
  for (const [ms, s] of cases) it(`${ms}ms = ${s}`, () => assert.equal(formatGoDuration(ms), s));

  it('round-trips whole nanoseconds', () => {
    fc.assert(fc.property(fc.integer({ min: -1e15, max: 1e15 }), (ns) => {
      const ms = ns / 1e6;
      assert.equal(parseDuration(formatGoDuration(ms)), parseDuration(`${ns}ns`));
    }));
  });
});

describe('formatPromDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'], [604_800_000, '1w'], [2_595_600_000, '30d1h'], [3_600_000, '1h'], [86_400_000, '1d'],
    [90 * 86_400_000, '90d'], [61_500, '1m1s500ms'], [31_536_000_000, '1y'],
  ];
  for (const [ms, s] of cases) it(`${ms}ms = ${s}`, () => assert.equal(formatPromDuration(ms), s));

  it('round-trips whole milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e13 }), (ms) => {
      assert.equal(parseDuration(formatPromDuration(ms)), ms);
    }));
  });
});
