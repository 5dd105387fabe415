import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { columnsOf, entriesOf, fromHalves, halvesOf, HI, hiOf, le64, LO, loOf, lt64, sliceColumns } from './entry.js';

const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

test('int64 halves round trip and order like bigints, whatever the low words', () => {
  const edges = [0n, 1n, -1n, (1n << 31n) - 1n, 1n << 31n, (1n << 32n) - 1n, 1n << 32n, -(1n << 63n), (1n << 63n) - 1n];
  const check = (a: bigint, b: bigint): void => {
    assert.equal(fromHalves(hiOf(a), loOf(a)), a);
    assert.equal(lt64(hiOf(a), loOf(a), hiOf(b), loOf(b)), a < b, `${a} < ${b}`);
    assert.equal(le64(hiOf(a), loOf(a), hiOf(b), loOf(b)), a <= b, `${a} <= ${b}`);
  };
  for (const a of edges) for (const b of edges) check(a, b);
  fc.assert(fc.property(int64, int64, (a, b) => check(a, b)));
});

test('a column view reads the halves that hiOf/loOf give', () => {
  const ts = new BigInt64Array([-5n, 1700000000123456789n, (1n << 31n) + 7n]);
  const v = halvesOf(ts);
  for (let i = 0; i < ts.length; i++) {
    assert.equal(v[2 * i + HI], hiOf(ts[i]));
    assert.equal(v[2 * i + LO], loOf(ts[i]));
  }
});

test('columns hold entries; slices are views', () => {
  const entries = [
    { ts: 1n, line: Buffer.from('a'), metadata: [] },
    { ts: 2n, line: Buffer.from('bb'), metadata: [{ name: 'k', value: 'v' }] },
    { ts: 3n, line: Buffer.from(''), metadata: [] },
  ];
  const c = columnsOf(entries);
  assert.deepEqual(entriesOf(c).map((e) => [e.ts, e.line.toString(), e.metadata]), entries.map((e) => [e.ts, e.line.toString(), e.metadata]));
  const s = sliceColumns(c, 1, 3);
  assert.deepEqual(entriesOf(s).map((e) => e.line.toString()), ['bb', '']);
  assert.equal(s.buf, c.buf);
});
