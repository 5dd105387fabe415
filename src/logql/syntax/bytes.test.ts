import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BytesError, formatBytes, parseBytes } from './bytes.js';

test('parseBytes: go-humanize, SI and IEC, case-insensitive suffix', () => {
  assert.equal(parseBytes('10KB'), 10_000n);
  assert.equal(parseBytes('10kB'), 10_000n);
  assert.equal(parseBytes('8MiB'), 8_388_608n);
  assert.equal(parseBytes('1.5 GB'), 1_500_000_000n);
  assert.equal(parseBytes('42'), 42n);
  assert.equal(parseBytes('5b'), 5n);
  assert.equal(parseBytes('1,000B'), 1000n);
  assert.equal(parseBytes('2Ki'), 2048n);
  assert.throws(() => parseBytes('10XB'), new BytesError('unhandled size name: xb'));
  assert.throws(() => parseBytes('KB'), new BytesError('strconv.ParseFloat: parsing "": invalid syntax'));
  assert.throws(() => parseBytes('20EB'), new BytesError('too large: 20EB'));
});

test('formatBytes: humanize.Bytes (lossy, as Loki prints byte filters)', () => {
  assert.equal(formatBytes(5n), '5 B');
  assert.equal(formatBytes(10_000n), '10 kB');
  assert.equal(formatBytes(9216n), '9.2 kB');
  assert.equal(formatBytes(8_388_608n), '8.4 MB');
  assert.equal(formatBytes(5_000_000n), '5.0 MB');
  assert.equal(formatBytes(1024n), '1.0 kB');
  assert.equal(formatBytes(1_000_000_000_000n), '1.0 TB');
  assert.equal(formatBytes(12_500n), '12 kB');
  assert.equal(formatBytes(13_500n), '14 kB');
});
