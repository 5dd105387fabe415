import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration } from '../syntax/index.js';
import { parseFloat64 } from '../syntax/index.js';
import { fastDuration, fastDurationBytes, simpleIntBytes } from './fast-duration.js';

describe('fastDuration', () => {
  const ok = ['0', '1s', '1.5h', '300ms', '-5m', '+2h', '1h30m15s', '77.9ms', '219µs', '388us', '0.000000001s', '10ns', '.5s', '5.s', '1.123456789123s'];
  for (const s of ok) it(`${s} equals time.ParseDuration`, () => assert.equal(fastDuration(s), Number(parseGoDuration(s))));
  const slow = ['', 'abc', '1d', '1', '5s3', '2562047h48m', '1.1234567890123456s', '-', '1constructor', '1toString', '1sm', '1mss', '1Ms'];
  for (const s of slow) it(`${JSON.stringify(s)} takes the exact path`, () => assert.equal(fastDuration(s), undefined));

  it('fastDurationBytes equals fastDuration on ASCII, also inside a longer buffer', () => {
    const extra = ['0s', '-0', '+0', '00', '1.', '.', '1..2s', '1s2', 's', '1ns1us1ms1s1m1h', '9007199254740993ns', '-1.5h', '2.000000000000001s', '1e3s', '12', '3sx'];
    for (const s of [...ok.filter((x) => /^[\x00-\x7f]*$/.test(x)), ...slow.filter((x) => /^[\x00-\x7f]*$/.test(x)), ...extra]) {
      const b = Buffer.from(`7${s}9`, 'latin1');
      assert.equal(fastDurationBytes(b, 1, b.length - 1), fastDuration(s), s);
    }
  });

  it('simpleIntBytes equals ParseFloat on the integers it takes', () => {
    for (const s of ['0', '-0', '500', '007', '-12', '123456789012345']) {
      const b = Buffer.from(`9${s}9`);
      assert.ok(Object.is(simpleIntBytes(b, 1, b.length - 1), parseFloat64(s)), s);
    }
    for (const s of ['', '-', '+5', '1_000', '1e3', '1.5', '0x10', '1234567890123456', 'Inf', ' 1']) {
      const b = Buffer.from(`9${s}9`);
      assert.equal(simpleIntBytes(b, 1, b.length - 1), undefined, s);
    }
  });
});
