import { copyBytes, HI, LO, tsHalves, type Entry, type EntryColumns } from '../../model/entry.js';
import { EMPTY_LABELS, type Label, type Labels } from '../../model/labels.js';
import { WalError, WalRecordError } from './errors.js';
import { MAX_RECORD_BYTES } from './format.js';
import { RecordType, type LinesRange, type WalAppendRecord, type WalRecord } from './record.js';
import { readUvarint, uvarintSize, writeUvarint, type Cursor } from './varint.js';

/**
 * Record payloads. Strings are uvarint length + UTF-8; timestamps int64 LE; lines are copied
 * as bytes. Encoding is two passes (size, then write) so a push becomes one Buffer.
 */

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function strSize(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  return uvarintSize(n) + n;
}

function labelsSize(labels: Labels): number {
  let n = uvarintSize(labels.length);
  for (let i = 0; i < labels.length; i++) n += strSize(labels[i].name) + strSize(labels[i].value);
  return n;
}

function checkStreamId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new WalRecordError(`invalid stream id ${id}`);
}

/** Payload bytes of entries given as columns. */
function columnsSize(c: EntryColumns): number {
  let n = uvarintSize(c.count);
  const md = c.metadata;
  let prev: Labels | null = null;
  let prevSize = 1;
  for (let i = 0; i < c.count; i++) {
    const len = c.lineEnd[i] - c.lineStart[i];
    n += 8 + (len < 0x80 ? 1 : uvarintSize(len)) + len;
    if (md === null) {
      n += 1;
    } else {
      // Entries of a push usually share one metadata array: size it once.
      const m = md[i];
      if (m !== prev) {
        prev = m;
        prevSize = labelsSize(m);
      }
      n += prevSize;
    }
  }
  return n;
}

/**
 * Entry-columns payload (type 3) after tenant and id: count, count × int64 LE timestamps,
 * count × uvarint line lengths, metadata as runs of entries sharing one label set (uvarint run
 * count, then per run uvarint length and labels), then the lines back to back.
 */
function entryColumnsSize(c: EntryColumns, lines: LinesRange): number {
  const n = c.count;
  let size = uvarintSize(n) + 8 * n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const len = c.lineEnd[i] - c.lineStart[i];
    size += len < 0x80 ? 1 : uvarintSize(len);
    total += len;
  }
  if (total !== lines.end - lines.start) throw new WalError('wal_internal', 'lines range does not match the entries');
  const md = c.metadata;
  let runs = 0;
  let prev: Labels | null = null;
  for (let i = 0; i < n; i++) {
    const m = md === null ? EMPTY_LABELS : md[i];
    if (i === 0 || m !== prev) {
      runs++;
      size += uvarintSize(runLength(md, i, n)) + labelsSize(m);
      prev = m;
    }
  }
  return size + uvarintSize(runs) + total;
}

/** Entries from i on sharing md[i] (the same array). */
function runLength(md: readonly Labels[] | null, i: number, n: number): number {
  if (md === null) return n - i;
  const m = md[i];
  let j = i + 1;
  while (j < n && md[j] === m) j++;
  return j - i;
}

/** An int64 from its 32-bit halves, little-endian, without a bigint; returns the offset after it. */
function writeInt64Halves(buf: Buffer, off: number, lo: number, hi: number): number {
  buf[off] = lo;
  buf[off + 1] = lo >>> 8;
  buf[off + 2] = lo >>> 16;
  buf[off + 3] = lo >>> 24;
  buf[off + 4] = hi;
  buf[off + 5] = hi >>> 8;
  buf[off + 6] = hi >>> 16;
  buf[off + 7] = hi >>> 24;
  return off + 8;
}

function writeEntryColumns(buf: Buffer, off: number, c: EntryColumns, lines: LinesRange): number {
  const n = c.count;
  off = writeUvarint(buf, off, n);
  const v = tsHalves(c);
  for (let i = 0; i < n; i++) {
    off = writeInt64Halves(buf, off, v[2 * i + LO], v[2 * i + HI]);
  }
  for (let i = 0; i < n; i++) {
    const len = c.lineEnd[i] - c.lineStart[i];
    if (len < 0x80) buf[off++] = len;
    else off = writeUvarint(buf, off, len);
  }
  const md = c.metadata;
  let runs = 0;
  for (let i = 0; i < n; i += runLength(md, i, n)) runs++;
  off = writeUvarint(buf, off, runs);
  for (let i = 0; i < n;) {
    const k = runLength(md, i, n);
    off = writeUvarint(buf, off, k);
    off = writeLabels(buf, off, md === null ? EMPTY_LABELS : md[i]);
    i += k;
  }
  if (lines.end > lines.start) copyBytes(buf, off, lines.buf, lines.start, lines.end);
  return off + lines.end - lines.start;
}

/** Payload bytes of `r`; validates what the encoder cannot represent. */
export function payloadSize(r: WalAppendRecord): number {
  checkStreamId(r.streamId);
  let n = strSize(r.tenant) + uvarintSize(r.streamId);
  if (r.type === 'series') {
    n += labelsSize(r.labels);
  } else if (r.type === 'columns') {
    n += r.lines === undefined ? columnsSize(r.entries) : entryColumnsSize(r.entries, r.lines);
  } else {
    n += uvarintSize(r.entries.length);
    for (const e of r.entries) {
      if (e.ts < INT64_MIN || e.ts > INT64_MAX) throw new WalRecordError(`timestamp ${e.ts} outside int64`);
      n += 8 + uvarintSize(e.line.length) + e.line.length + labelsSize(e.metadata);
    }
  }
  if (n > MAX_RECORD_BYTES) throw new WalRecordError(`record of ${n} bytes exceeds ${MAX_RECORD_BYTES}`);
  return n;
}

export function recordTypeByte(r: WalAppendRecord): number {
  if (r.type === 'series') return RecordType.series;
  return r.type === 'columns' && r.lines !== undefined ? RecordType.entryColumns : RecordType.entries;
}

function writeStr(buf: Buffer, off: number, s: string): number {
  off = writeUvarint(buf, off, Buffer.byteLength(s, 'utf8'));
  return off + buf.write(s, off, 'utf8');
}

function writeLabels(buf: Buffer, off: number, labels: Labels): number {
  off = writeUvarint(buf, off, labels.length);
  for (let i = 0; i < labels.length; i++) {
    off = writeStr(buf, off, labels[i].name);
    off = writeStr(buf, off, labels[i].value);
  }
  return off;
}

/** Entries as an entries payload: per entry int64 LE ts, uvarint length, line, labels. */
function writeColumns(buf: Buffer, off: number, c: EntryColumns): number {
  const n = c.count;
  off = writeUvarint(buf, off, n);
  if (n === 0) return off;
  const v = tsHalves(c);
  const ls = c.lineStart;
  const le = c.lineEnd;
  const src = c.buf;
  const md = c.metadata;
  let prev: Labels | null = null;
  let prevAt = 0;
  let prevLen = 0;
  for (let i = 0; i < n; i++) {
    off = writeInt64Halves(buf, off, v[2 * i + LO], v[2 * i + HI]);
    const s = ls[i];
    const len = le[i] - s;
    if (len < 0x80) buf[off++] = len;
    else off = writeUvarint(buf, off, len);
    if (len > 0) copyBytes(buf, off, src, s, s + len);
    off += len;
    if (md === null) {
      buf[off++] = 0;
      continue;
    }
    const m = md[i];
    if (m === prev) {
      // Same metadata array as the previous entry: copy the bytes written for it (no allocation).
      buf.copyWithin(off, prevAt, prevAt + prevLen);
      off += prevLen;
    } else {
      prev = m;
      prevAt = off;
      off = writeLabels(buf, off, m);
      prevLen = off - prevAt;
    }
  }
  return off;
}

/** Writes the payload of `r` at `off` (sized by payloadSize); returns the end offset. */
export function writePayload(buf: Buffer, off: number, r: WalAppendRecord): number {
  off = writeStr(buf, off, r.tenant);
  off = writeUvarint(buf, off, r.streamId);
  if (r.type === 'series') return writeLabels(buf, off, r.labels);
  if (r.type === 'columns') return r.lines === undefined ? writeColumns(buf, off, r.entries) : writeEntryColumns(buf, off, r.entries, r.lines);
  off = writeUvarint(buf, off, r.entries.length);
  for (const e of r.entries) {
    off = buf.writeBigInt64LE(e.ts, off);
    off = writeUvarint(buf, off, e.line.length);
    buf.set(e.line, off);
    off += e.line.length;
    off = writeLabels(buf, off, e.metadata);
  }
  return off;
}

/** A payload whose checksum matched but whose bytes do not decode. */
export class PayloadError extends Error {
  constructor(message: string) { super(message); this.name = 'PayloadError'; }
}

function readStr(buf: Buffer, cur: Cursor, end: number): string {
  const n = readUvarint(buf, cur, end);
  if (n > end - cur.off) throw new PayloadError('string past end of record');
  const s = buf.toString('utf8', cur.off, cur.off + n);
  cur.off += n;
  return s;
}

function readLabels(buf: Buffer, cur: Cursor, end: number): Labels {
  const count = readUvarint(buf, cur, end);
  if (count === 0) return EMPTY_LABELS;
  if (count > (end - cur.off) / 2) throw new PayloadError('label count past end of record');
  const out: Label[] = new Array<Label>(count);
  for (let i = 0; i < count; i++) out[i] = { name: readStr(buf, cur, end), value: readStr(buf, cur, end) };
  return out;
}

/** An entry-columns payload (see writeEntryColumns) from cur.off: its entries. */
function readEntryColumns(buf: Buffer, cur: Cursor, end: number): Entry[] {
  const count = readUvarint(buf, cur, end);
  if (count > (end - cur.off) / 9) throw new PayloadError('entry count past end of record');
  const ts = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    ts[i] = buf.readBigInt64LE(cur.off);
    cur.off += 8;
  }
  const lens = new Array<number>(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    lens[i] = readUvarint(buf, cur, end);
    total += lens[i];
  }
  const runs = readUvarint(buf, cur, end);
  if (runs > end - cur.off) throw new PayloadError('metadata run count past end of record');
  const md = new Array<Labels>(count);
  let filled = 0;
  for (let r = 0; r < runs; r++) {
    const k = readUvarint(buf, cur, end);
    const labels = readLabels(buf, cur, end);
    if (k > count - filled) throw new PayloadError('metadata runs longer than the entries');
    md.fill(labels, filled, filled + k);
    filled += k;
  }
  if (filled !== count) throw new PayloadError('metadata runs shorter than the entries');
  if (total !== end - cur.off) throw new PayloadError('lines do not fill the record');
  // One copy for all lines: the read buffer is reused.
  const lines = Buffer.from(buf.subarray(cur.off, end));
  cur.off = end;
  const out = new Array<Entry>(count);
  let off = 0;
  for (let i = 0; i < count; i++) {
    out[i] = { ts: ts[i], line: lines.subarray(off, off + lens[i]), metadata: md[i] };
    off += lens[i];
  }
  return out;
}

/**
 * Decodes buf[start, end). Lines are copied out: the read buffer is reused and a line
 * must not pin it in memory. Throws PayloadError (or VarintError) on malformed bytes.
 */
export function decodePayload(type: number, buf: Buffer, start: number, end: number): WalRecord {
  const cur: Cursor = { off: start };
  const tenant = readStr(buf, cur, end);
  const streamId = readUvarint(buf, cur, end);
  let rec: WalRecord;
  if (type === RecordType.series) {
    rec = { type: 'series', tenant, streamId, labels: readLabels(buf, cur, end) };
  } else if (type === RecordType.entries) {
    const count = readUvarint(buf, cur, end);
    if (count > (end - cur.off) / 10) throw new PayloadError('entry count past end of record');
    const entries: Entry[] = new Array<Entry>(count);
    for (let i = 0; i < count; i++) {
      if (end - cur.off < 8) throw new PayloadError('timestamp past end of record');
      const ts = buf.readBigInt64LE(cur.off);
      cur.off += 8;
      const n = readUvarint(buf, cur, end);
      if (n > end - cur.off) throw new PayloadError('line past end of record');
      const line = Buffer.from(buf.subarray(cur.off, cur.off + n));
      cur.off += n;
      entries[i] = { ts, line, metadata: readLabels(buf, cur, end) };
    }
    rec = { type: 'entries', tenant, streamId, entries };
  } else if (type === RecordType.entryColumns) {
    rec = { type: 'entries', tenant, streamId, entries: readEntryColumns(buf, cur, end) };
  } else {
    throw new PayloadError(`unknown record type ${type}`);
  }
  if (cur.off !== end) throw new PayloadError(`${end - cur.off} trailing bytes in record`);
  return rec;
}
