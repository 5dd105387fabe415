import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DurationError, formatGoDuration, formatPromDuration, parseDuration, parseGoDuration, parsePromDuration } from './duration.js';

const S = 1_000_000_000n;

test('parsePromDuration: Prometheus units in decreasing order, no fractions', () => {
  assert.equal(parsePromDuration('5m'), 300n * S);
  assert.equal(parsePromDuration('1h30m'), 5400n * S);
  assert.equal(parsePromDuration('2d'), 172_800n * S);
  assert.equal(parsePromDuration('1y'), 31_536_000n * S);
  assert.equal(parsePromDuration('250ms'), 250_000_000n);
  assert.equal(parsePromDuration('0'), 0n);
  assert.throws(() => parsePromDuration('1.5h'), new DurationError('unknown unit "." in duration "1.5h"'));
  assert.throws(() => parsePromDuration('30m:5m'), new DurationError('unknown unit "m:" in duration "30m:5m"'));
  assert.throws(() => parsePromDuration('5m1h'), new DurationError('not a valid duration string: "5m1h"'));
  assert.throws(() => parsePromDuration(''), new DurationError('empty duration string'));
  assert.throws(() => parsePromDuration('-5m'), new DurationError('not a valid duration string: "-5m"'));
  assert.throws(() => parsePromDuration('300y'), new DurationError('duration out of range'));
});

test('parseGoDuration: Go time.ParseDuration', () => {
  assert.equal(parseGoDuration('1.5h'), 5400n * S);
  assert.equal(parseGoDuration('-5m'), -300n * S);
  assert.equal(parseGoDuration('300us'), 300_000n);
  assert.equal(parseGoDuration('1µs'), 1000n);
  assert.equal(parseGoDuration('10ns'), 10n);
  assert.equal(parseGoDuration('.5s'), 500_000_000n);
  assert.equal(parseGoDuration('1h0m0.5s'), 3600n * S + 500_000_000n);
  assert.throws(() => parseGoDuration('1'), new DurationError('time: missing unit in duration "1"'));
  assert.throws(() => parseGoDuration('1d'), new DurationError('time: unknown unit "d" in duration "1d"'));
  assert.throws(() => parseGoDuration('abc'), new DurationError('time: invalid duration "abc"'));
  assert.throws(() => parseGoDuration('3000000h'), new DurationError('time: invalid duration "3000000h"'));
});

test('parseDuration: Prometheus first, then Go', () => {
  assert.equal(parseDuration('1d'), 86_400n * S);
  assert.equal(parseDuration('1.5m'), 90n * S);
  assert.equal(parseDuration('-0'), 0n);
});

test('formatPromDuration: model.Duration', () => {
  assert.equal(formatPromDuration(300n * S), '5m');
  assert.equal(formatPromDuration(5400n * S), '1h30m');
  assert.equal(formatPromDuration(90n * S), '1m30s');
  assert.equal(formatPromDuration(86_400n * 90n * S), '90d');
  assert.equal(formatPromDuration(86_400n * 7n * S), '1w');
  assert.equal(formatPromDuration(31_536_000n * S), '1y');
  assert.equal(formatPromDuration(250_000_000n), '250ms');
  assert.equal(formatPromDuration(0n), '0s');
});

test('formatGoDuration: time.Duration', () => {
  assert.equal(formatGoDuration(300n * S), '5m0s');
  assert.equal(formatGoDuration(3600n * S), '1h0m0s');
  assert.equal(formatGoDuration(90n * S + 500_000_000n), '1m30.5s');
  assert.equal(formatGoDuration(250_000_000n), '250ms');
  assert.equal(formatGoDuration(1500n), '1.5µs');
  assert.equal(formatGoDuration(10n), '10ns');
  assert.equal(formatGoDuration(-300n * S), '-5m0s');
  assert.equal(formatGoDuration(0n), '0s');
  assert.equal(formatGoDuration((1n << 63n) - 1n), '2562047h47m16.854775807s');
});
