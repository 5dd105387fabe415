import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { EMPTY_LABELS } from '../../model/labels.js';
import { decodePayload, payloadSize, PayloadError, recordTypeByte, writePayload } from './codec.js';
import { crc32, crc32Table } from './crc32.js';
import { WalRecordError } from './errors.js';
import { columnsOf } from '../../model/entry.js';
import { RecordType, type WalAppendRecord, type WalRecord } from './record.js';
import { readUvarint, uvarintSize, writeUvarint } from './varint.js';
import { arbRecord } from './test-util.js';

function roundTrip(r: WalRecord): WalRecord {
  const size = payloadSize(r);
  const buf = Buffer.alloc(size + 4);
  const end = writePayload(buf, 2, r);
  assert.equal(end, 2 + size);
  return decodePayload(recordTypeByte(r), buf, 2, end);
}

test('series and entries records round trip, including metadata and awkward lines', () => {
  const series: WalRecord = {
    type: 'series', tenant: 'team-ä', streamId: 2 ** 53 - 1,
    labels: [{ name: 'app', value: 'api' }, { name: 'env', value: 'prod "eu" ✓' }],
  };
  const big = randomBytes(1 << 20);
  const entries: WalRecord = {
    type: 'entries', tenant: '', streamId: 0,
    entries: [
      { ts: 1_700_000_000_123_456_789n, line: Buffer.from('hello'), metadata: EMPTY_LABELS },
      { ts: -1n, line: Buffer.alloc(0), metadata: [{ name: 'trace_id', value: 'abc' }, { name: 'user', value: '' }] },
      { ts: (1n << 63n) - 1n, line: Buffer.from([0, 0xff, 0xc3, 0x28, 0x0a]), metadata: EMPTY_LABELS },
      { ts: -(1n << 63n), line: Buffer.from('日本語 🚀 ünïcödé', 'utf8'), metadata: [{ name: 'k', value: '🚀' }] },
      { ts: 5n, line: big, metadata: EMPTY_LABELS },
    ],
  };
  assert.deepEqual(roundTrip(series), series);
  const back = roundTrip(entries);
  assert.deepEqual(back, entries);
  // Lines are copies, not views of the read buffer.
  assert.equal(back.type === 'entries' && back.entries[4].line.buffer.byteLength >= big.length, true);
  assert.equal(roundTrip({ type: 'entries', tenant: 't', streamId: 1, entries: [] }).type, 'entries');
});

test('arbitrary records round trip (property)', () => {
  fc.assert(fc.property(arbRecord(), (r) => { assert.deepEqual(roundTrip(r), r); }), { numRuns: 300 });
});

test('invalid records are refused with WalRecordError', () => {
  const bad: WalRecord[] = [
    { type: 'series', tenant: 't', streamId: -1, labels: [] },
    { type: 'series', tenant: 't', streamId: 1.5, labels: [] },
    { type: 'entries', tenant: 't', streamId: 1, entries: [{ ts: 1n << 63n, line: Buffer.alloc(0), metadata: [] }] },
  ];
  for (const r of bad) assert.throws(() => payloadSize(r), WalRecordError);
});

test('malformed payloads throw instead of returning garbage', () => {
  const r: WalRecord = { type: 'entries', tenant: 'x', streamId: 3, entries: [{ ts: 1n, line: Buffer.from('abc'), metadata: [] }] };
  const buf = Buffer.alloc(payloadSize(r));
  writePayload(buf, 0, r);
  assert.throws(() => decodePayload(2, buf, 0, buf.length - 1));
  assert.throws(() => decodePayload(2, Buffer.concat([buf, Buffer.from([0])]), 0, buf.length + 1), PayloadError);
  assert.throws(() => decodePayload(9, buf, 0, buf.length), PayloadError);
});

test('uvarint covers 0 .. 2^53-1', () => {
  for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
    const buf = Buffer.alloc(uvarintSize(v));
    assert.equal(writeUvarint(buf, 0, v), buf.length);
    const cur = { off: 0 };
    assert.equal(readUvarint(buf, cur, buf.length), v);
    assert.equal(cur.off, buf.length);
  }
  assert.throws(() => readUvarint(Buffer.from([0x80]), { off: 0 }, 1));
  assert.throws(() => readUvarint(Buffer.alloc(9, 0xff), { off: 0 }, 9));
});

test('the table CRC-32 matches the native one', () => {
  for (const len of [0, 1, 7, 100, 4096]) {
    const b = randomBytes(len);
    assert.equal(crc32Table(b), crc32(b));
    assert.equal(crc32Table(b.subarray(len >> 1), crc32Table(b.subarray(0, len >> 1))), crc32(b));
  }
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('columns records decode to the entries they hold, line by line (type 2) or with the lines in one range (type 3)', () => {
  fc.assert(fc.property(arbRecord(), fc.boolean(), (r, withLines) => {
    if (r.type !== 'entries') return;
    const cols = columnsOf(r.entries);
    const lines = withLines ? { buf: cols.buf, start: 0, end: cols.buf.length } : undefined;
    const rec: WalAppendRecord = { type: 'columns', tenant: r.tenant, streamId: r.streamId, entries: cols, lines };
    assert.equal(recordTypeByte(rec), withLines ? RecordType.entryColumns : RecordType.entries);
    const size = payloadSize(rec);
    const buf = Buffer.alloc(size + 3);
    assert.equal(writePayload(buf, 3, rec), 3 + size);
    const back = decodePayload(recordTypeByte(rec), buf, 3, 3 + size);
    assert.deepEqual(back, { ...r, entries: r.entries.map((e) => ({ ...e, ts: BigInt.asIntN(64, e.ts) })) });
  }), { numRuns: 300 });
});

test('an entry-columns record whose lines range does not match its entries is refused', () => {
  const cols = columnsOf([{ ts: 1n, line: Buffer.from('abc'), metadata: EMPTY_LABELS }]);
  assert.throws(() => payloadSize({ type: 'columns', tenant: 't', streamId: 1, entries: cols, lines: { buf: cols.buf, start: 0, end: 2 } }));
});

test('malformed entry-columns payloads throw', () => {
  const cols = columnsOf([{ ts: 1n, line: Buffer.from('abc'), metadata: [{ name: 'k', value: 'v' }] }, { ts: 2n, line: Buffer.from('de'), metadata: EMPTY_LABELS }]);
  const rec: WalAppendRecord = { type: 'columns', tenant: 't', streamId: 1, entries: cols, lines: { buf: cols.buf, start: 0, end: cols.buf.length } };
  const buf = Buffer.alloc(payloadSize(rec));
  writePayload(buf, 0, rec);
  for (let cut = 1; cut < buf.length; cut++) {
    assert.throws(() => decodePayload(RecordType.entryColumns, buf, 0, buf.length - cut), `cut ${cut}`);
  }
});
