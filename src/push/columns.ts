import { entriesOf, HI, LO, TWO_32, type Entry } from '../model/entry.js';
import type { Labels } from '../model/labels.js';
import { EMPTY_LABELS } from '../model/labels.js';
import type { PushEntries } from './types.js';

const NS = 1_000_000_000n;
/** Seconds below this (2242-03-16) take the exact number path; negative ones the bigint one. */
const FAST_SECONDS = 2 ** 33;

/**
 * Growable columns for all entries of one push request. Each stream's entries end up as views
 * of a contiguous range, so a push of any size costs a handful of typed arrays, not an object
 * per entry. Views of finished streams stay valid when the arrays grow (they keep the old ones).
 */
export class ColumnBuilder {
  ts: BigInt64Array;
  /** 32-bit view of ts (see halvesOf). */
  i32: Int32Array;
  lineStart: Uint32Array;
  lineEnd: Uint32Array;
  n = 0;
  private streamStart = 0;
  private meta: Labels[] | null = null;
  private exact: Map<number, bigint> | null = null;

  /**
   * `pack`: each line is moved left in the body, right after the stream's previous line
   * (copyWithin: no allocation), so a stream's lines end up back to back and later stages copy
   * them at once. Only for a body whose bytes before the line are no longer needed.
   */
  constructor(readonly buf: Buffer, capacity: number, private readonly pack = false) {
    const cap = Math.max(16, capacity);
    this.ts = new BigInt64Array(cap);
    this.i32 = new Int32Array(this.ts.buffer);
    this.lineStart = new Uint32Array(cap);
    this.lineEnd = new Uint32Array(cap);
  }

  beginStream(): void {
    this.streamStart = this.n;
    this.meta = null;
    this.exact = null;
  }

  /** Drops the entries added since beginStream(). */
  restartStream(): void {
    this.n = this.streamStart;
    this.meta = null;
    this.exact = null;
  }

  /**
   * Appends an entry with timestamp sec * 1e9 + nsec (sec an integer, 0 <= nsec < 1e9) and
   * line buf[start, end). Returns its index.
   */
  add(sec: number, nsec: number, start: number, end: number): number {
    const i = this.n;
    if (i === this.lineStart.length) this.grow();
    if (this.pack && i > this.streamStart) {
      const to = this.lineEnd[i - 1];
      const len = end - start;
      if (start !== to && len > 0) this.buf.copyWithin(to, start, end);
      start = to;
      end = to + len;
    }
    this.lineStart[i] = start;
    this.lineEnd[i] = end;
    if (sec >= 0 && sec < FAST_SECONDS) {
      // sec * 1e9 + nsec in 32-bit halves, exact in doubles: split sec at 2^16 so no product passes 2^53.
      const sh = Math.floor(sec / 65536);
      const a = sh * 1e9;
      const b = (sec - sh * 65536) * 1e9 + nsec;
      const aHi = Math.floor(a / 65536);
      const bHi = Math.floor(b / TWO_32);
      let lo = (a - aHi * 65536) * 65536 + (b - bHi * TWO_32);
      let hi = aHi + bHi;
      if (lo >= TWO_32) {
        lo -= TWO_32;
        hi += 1;
      }
      this.i32[2 * i + LO] = lo;
      this.i32[2 * i + HI] = hi;
    } else {
      this.setExact(i, BigInt(sec) * NS + BigInt(nsec));
    }
    this.n = i + 1;
    return i;
  }

  /** Appends an entry whose timestamp is given as a bigint (any value; int64 wraps). */
  addBig(ts: bigint, start: number, end: number): number {
    const i = this.add(0, 0, start, end);
    this.setExact(i, ts);
    return i;
  }

  /** Metadata of entry i (the last added); only entries with metadata need it. */
  setMetadata(i: number, metadata: Labels): void {
    if (metadata.length === 0) return;
    if (this.meta === null) this.meta = new Array<Labels>(i - this.streamStart).fill(EMPTY_LABELS);
    while (this.meta.length < i - this.streamStart) this.meta.push(EMPTY_LABELS);
    this.meta.push(metadata);
  }

  endStream(): PushEntries {
    const s = this.streamStart;
    const e = this.n;
    const metadata = this.meta;
    if (metadata !== null) while (metadata.length < e - s) metadata.push(EMPTY_LABELS);
    const out: PushEntries = {
      count: e - s,
      ts: this.ts.subarray(s, e),
      ts32: this.i32.subarray(2 * s, 2 * e),
      buf: this.buf,
      lineStart: this.lineStart.subarray(s, e),
      lineEnd: this.lineEnd.subarray(s, e),
      metadata,
      exact: this.exact,
    };
    this.beginStream();
    return out;
  }

  private setExact(i: number, ts: bigint): void {
    const wrapped = BigInt.asIntN(64, ts);
    this.ts[i] = wrapped;
    if (wrapped !== ts) (this.exact ??= new Map()).set(i - this.streamStart, ts);
  }

  private grow(): void {
    const cap = this.lineStart.length * 2;
    const ts = new BigInt64Array(cap);
    ts.set(this.ts);
    this.ts = ts;
    this.i32 = new Int32Array(ts.buffer);
    const ls = new Uint32Array(cap);
    ls.set(this.lineStart);
    this.lineStart = ls;
    const le = new Uint32Array(cap);
    le.set(this.lineEnd);
    this.lineEnd = le;
  }
}

/**
 * Moves each stream's lines left in `buf` so that they are back to back (see ColumnBuilder's
 * pack), for decoders that can only do it once the whole body is read. Lines must come in body
 * order within a stream, each starting at or after the previous one's end.
 */
export function packLines(e: PushEntries): void {
  const ls = e.lineStart as Uint32Array;
  const le = e.lineEnd as Uint32Array;
  for (let i = 1; i < e.count; i++) {
    const to = le[i - 1];
    const start = ls[i];
    const len = le[i] - start;
    if (start !== to && len > 0) e.buf.copyWithin(to, start, start + len);
    ls[i] = to;
    le[i] = to + len;
  }
}

/** An empty stream's entries. */
export function emptyEntries(buf: Buffer = EMPTY_BUF): PushEntries {
  return { count: 0, ts: new BigInt64Array(0), buf, lineStart: new Uint32Array(0), lineEnd: new Uint32Array(0), metadata: null, exact: null };
}

const EMPTY_BUF = Buffer.alloc(0);

/** Columns for entries given as objects (the legacy JSON decoder and tests); lines are copied. */
export function pushEntriesFrom(entries: readonly Entry[]): PushEntries {
  let bytes = 0;
  for (const e of entries) bytes += e.line.length;
  const buf = Buffer.allocUnsafe(bytes);
  const b = new ColumnBuilder(buf, entries.length);
  let off = 0;
  for (const e of entries) {
    buf.set(e.line, off);
    const i = b.addBig(e.ts, off, off + e.line.length);
    b.setMetadata(i, e.metadata);
    off += e.line.length;
  }
  return b.endStream();
}

/** The entries as objects with their exact timestamps; lines are views. For tests and slow paths. */
export function pushEntriesOf(p: PushEntries): Entry[] {
  const out = entriesOf(p);
  if (p.exact !== null) for (const [i, ts] of p.exact) out[i] = { ...out[i], ts };
  return out;
}
