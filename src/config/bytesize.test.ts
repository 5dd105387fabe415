import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatByteSize, parseByteSize } from './bytesize.js';
import { ValueError } from './errors.js';

describe('parseByteSize', () => {
  const cases: Array<[string, number]> = [
    ['256KB', 262_144], ['3MB', 3_145_728], ['256MB', 268_435_456], ['512MB', 536_870_912], ['1GB', 1_073_741_824],
    ['1536KB', 1_572_864], ['64kb', 65_536], ['1 MiB', 1_048_576], ['4GB', 4_294_967_296], ['0', 0], ['1048576', 1_048_576],
    ['7B', 7], ['2k', 2048], ['150GB', 161_061_273_600],
  ];
  for (const [input, n] of cases) it(`${input} = ${n}`, () => assert.equal(parseByteSize(input), n));

  for (const bad of ['', '1.5MB', 'MB', '-1KB', '10 parsecs']) {
    it(`rejects "${bad}"`, () => assert.throws(() => parseByteSize(bad), ValueError));
  }
});

describe('formatByteSize', () => {
  it('uses the largest exact unit, like Loki', () => {
    assert.equal(formatByteSize(0), '0B');
    assert.equal(formatByteSize(262_144), '256KB');
    assert.equal(formatByteSize(1_572_864), '1536KB');
    assert.equal(formatByteSize(3 * 1024 ** 2), '3MB');
    assert.equal(formatByteSize(1000), '1000B');
  });

  it('round-trips', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (n) => assert.equal(parseByteSize(formatByteSize(n)), n)));
  });
});
