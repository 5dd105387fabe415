import { endianness } from 'node:os';
import { EMPTY_LABELS, type Labels } from './labels.js';
import type { Nanos } from './time.js';

/** One log entry. The line stays bytes from the push body to the chunk. */
export interface Entry {
  readonly ts: Nanos;
  readonly line: Buffer;
  /** Structured metadata, sorted by name; EMPTY_LABELS when none. */
  readonly metadata: Labels;
}

/**
 * Entries as columns, the write path's unit: entry i has timestamp ts[i] (int64 ns), line
 * buf[lineStart[i], lineEnd[i]) and metadata?.[i]. A push's columns are views of the request
 * body and of typed arrays shared by the whole request, so an entry costs no object.
 */
export interface EntryColumns {
  readonly count: number;
  readonly ts: BigInt64Array;
  readonly buf: Buffer;
  readonly lineStart: Uint32Array;
  readonly lineEnd: Uint32Array;
  /** Structured metadata per entry (EMPTY_LABELS when none); null when no entry has any. */
  readonly metadata: readonly Labels[] | null;
  /** halvesOf(ts), when the producer made it already (it saves a view per reader). */
  readonly ts32?: Int32Array;
}

/** Entries of one stream of one push request, labels already validated and canonical. */
export interface StreamEntries {
  readonly labels: Labels;
  /** labelsToString(labels): the stream's identity within a tenant. */
  readonly key: string;
  readonly entries: EntryColumns;
}

const LITTLE_ENDIAN = endianness() === 'LE';
/** Index of the low / high 32-bit half of int64 i in a 32-bit view: lo at 2i + LO, hi at 2i + HI. */
export const LO = LITTLE_ENDIAN ? 0 : 1;
export const HI = LITTLE_ENDIAN ? 1 : 0;
export const TWO_32 = 4294967296;

/**
 * A 32-bit view of an int64 column: hot loops read timestamp i as two int32 numbers,
 * hi = v[2i + HI] and lo = v[2i + LO], instead of making a bigint per read. Both halves are
 * kept as signed int32 values (small integers to V8, never boxed); the low half's bits are
 * the unsigned low word, so it is compared with lt64/le64.
 */
export function halvesOf(ts: BigInt64Array): Int32Array {
  return new Int32Array(ts.buffer, ts.byteOffset, ts.length * 2);
}

/** The 32-bit view of c's timestamps (see halvesOf). */
export function tsHalves(c: EntryColumns): Int32Array {
  return c.ts32 ?? halvesOf(c.ts);
}

/** The int64 with halves (hi, lo) as a bigint. */
export function fromHalves(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** High half of an int64 bigint. */
export function hiOf(t: bigint): number {
  return Number(BigInt.asIntN(32, t >> 32n));
}

/** Low half of an int64 bigint, as an int32 bit pattern. */
export function loOf(t: bigint): number {
  return Number(BigInt.asIntN(32, t));
}

/** (aHi, aLo) < (bHi, bLo) as int64s; flipping the sign bit orders the low halves as unsigned. */
export function lt64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && (aLo ^ SIGN) < (bLo ^ SIGN));
}

/** (aHi, aLo) <= (bHi, bLo) as int64s. */
export function le64(aHi: number, aLo: number, bHi: number, bLo: number): boolean {
  return aHi < bHi || (aHi === bHi && (aLo ^ SIGN) <= (bLo ^ SIGN));
}

const SIGN = -0x80000000;

/** Copies src[start, end) to dst at off; a plain Uint8Array view is the cheapest source to set from. */
export function copyBytes(dst: Uint8Array, off: number, src: Uint8Array, start: number, end: number): void {
  dst.set(new Uint8Array(src.buffer, src.byteOffset + start, end - start), off);
}

/** Columns holding `entries` (lines copied into one buffer). */
export function columnsOf(entries: readonly Entry[]): EntryColumns {
  const n = entries.length;
  let bytes = 0;
  let anyMeta = false;
  for (const e of entries) {
    bytes += e.line.length;
    if (e.metadata.length > 0) anyMeta = true;
  }
  const ts = new BigInt64Array(n);
  const buf = Buffer.allocUnsafe(bytes);
  const lineStart = new Uint32Array(n);
  const lineEnd = new Uint32Array(n);
  const metadata: Labels[] | null = anyMeta ? new Array<Labels>(n) : null;
  let off = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    ts[i] = BigInt.asIntN(64, e.ts);
    lineStart[i] = off;
    buf.set(e.line, off);
    off += e.line.length;
    lineEnd[i] = off;
    if (metadata !== null) metadata[i] = e.metadata;
  }
  return { count: n, ts, buf, lineStart, lineEnd, metadata };
}

/** Line i as a view (no copy). */
export function lineAt(c: EntryColumns, i: number): Buffer {
  return c.buf.subarray(c.lineStart[i], c.lineEnd[i]);
}

/** Entry i as an object; lines are views. For slow paths and tests. */
export function entryAt(c: EntryColumns, i: number): Entry {
  return { ts: c.ts[i], line: lineAt(c, i), metadata: c.metadata === null ? EMPTY_LABELS : c.metadata[i] };
}

export function entriesOf(c: EntryColumns): Entry[] {
  const out: Entry[] = new Array<Entry>(c.count);
  for (let i = 0; i < c.count; i++) out[i] = entryAt(c, i);
  return out;
}

/** Entries [start, end) of c as columns (views). */
export function sliceColumns(c: EntryColumns, start: number, end: number): EntryColumns {
  if (start === 0 && end === c.count) return c;
  return {
    count: end - start,
    ts: c.ts.subarray(start, end),
    buf: c.buf,
    lineStart: c.lineStart.subarray(start, end),
    lineEnd: c.lineEnd.subarray(start, end),
    metadata: c.metadata === null ? null : c.metadata.slice(start, end),
  };
}

/** Sum of line lengths. */
export function linesBytes(c: EntryColumns): number {
  let n = 0;
  for (let i = 0; i < c.count; i++) n += c.lineEnd[i] - c.lineStart[i];
  return n;
}

/** Whether the lines of c are back to back in its buffer (decoders arrange it; see ColumnBuilder). */
export function linesContiguous(c: EntryColumns): boolean {
  for (let i = 1; i < c.count; i++) if (c.lineStart[i] !== c.lineEnd[i - 1]) return false;
  return true;
}
