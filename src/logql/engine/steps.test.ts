import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goSeconds, makeSteps, stepTimeNs } from './steps.js';

const S = 1_000_000_000n;

describe('makeSteps', () => {
  it('evaluates at start, start+step, … ≤ end without alignment', () => {
    const s = makeSteps({ start: 197n * S, end: 5861n * S, stepMs: 420_000, instant: false });
    assert.equal(s.count, 14);
    assert.equal(s.ms[0], 197_000);
    assert.equal(s.ms[13], 197_000 + 13 * 420_000);
    assert.equal(stepTimeNs(s, 13), (197n + 13n * 420n) * S);
  });

  it('includes end when it falls on a step', () => {
    assert.equal(makeSteps({ start: 0n, end: 600n * S, stepMs: 300_000, instant: false }).count, 3);
  });

  it('floors start and ceils end to the step when aligning', () => {
    const s = makeSteps({ start: 197n * S, end: 5861n * S, stepMs: 420_000, instant: false, alignSteps: true });
    assert.equal(s.ms[0], 0);
    assert.equal(s.ms[s.count - 1], 5880_000);
    assert.equal(s.count, 15);
  });

  it('has no steps when end is before start', () => {
    assert.equal(makeSteps({ start: 10n * S, end: 5n * S, stepMs: 1000, instant: false }).count, 0);
  });

  it('has one step for instant queries, at ms precision', () => {
    const s = makeSteps({ start: 1767232799_999_999_999n, end: 1767232799_999_999_999n, stepMs: 0, instant: true });
    assert.equal(s.count, 1);
    assert.equal(s.ms[0], 1767232799_999);
  });

  it('accepts sub-second steps', () => {
    const s = makeSteps({ start: 0n, end: S, stepMs: 250, instant: false });
    assert.equal(s.count, 5);
    assert.deepEqual(Array.from(s.ms), [0, 250, 500, 750, 1000]);
  });

  it('refuses a zero step', () => {
    assert.throws(() => makeSteps({ start: 0n, end: S, stepMs: 0, instant: false }), RangeError);
  });
});

describe('goSeconds', () => {
  it('is Go Duration.Seconds()', () => {
    assert.equal(goSeconds(300n * S), 300);
    assert.equal(goSeconds(1_500_000_000n), 1.5);
    assert.equal(goSeconds(1n), 1e-9);
  });
});
