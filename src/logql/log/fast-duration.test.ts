import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoDuration } from '../syntax/index.js';
import { fastDuration } from './fast-duration.js';

describe('fastDuration', () => {
  const ok = ['0', '1s', '1.5h', '300ms', '-5m', '+2h', '1h30m15s', '77.9ms', '219µs', '388us', '0.000000001s', '10ns', '.5s', '5.s', '1.123456789123s'];
  for (const s of ok) it(`${s} equals time.ParseDuration`, () => assert.equal(fastDuration(s), Number(parseGoDuration(s))));
  const slow = ['', 'abc', '1d', '1', '5s3', '2562047h48m', '1.1234567890123456s', '-'];
  for (const s of slow) it(`${JSON.stringify(s)} takes the exact path`, () => assert.equal(fastDuration(s), undefined));
});
