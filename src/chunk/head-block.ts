import { endianness } from 'node:os';
import type { Labels } from '../model/labels.js';
import { EMPTY_BATCH, gatherBatch, lowerBound, type EntryBatch } from './batch.js';
import { DedupeIndex } from './dedupe-index.js';

const LITTLE_ENDIAN = endianness() === 'LE';
const NO_LABELS: Labels = Object.freeze([]) as Labels;
// Entries with one timestamp scanned by the sorted fast path before switching to the index.
const SCAN_LIMIT = 8;

/**
 * The open, uncompressed block of a chunk: entries in push order, possibly out of time order.
 * Storage only grows: existing positions are never rewritten, so views handed out by
 * toBatch() stay valid while appends continue.
 */
export class HeadBlock {
  private ts: BigInt64Array;
  private lineStart: Uint32Array;
  private lines: Buffer;
  private md: Labels[] | null = null;
  private n = 0;
  private ordered = true;
  private min = 0n;
  private max = 0n;
  private metaBytes = 0;
  private sorted: EntryBatch | null = null;
  // Built on the first check the sorted fast path cannot answer, then kept up to date.
  private byTs: DedupeIndex | null = null;

  /** Sized for a block of `expectedBytes` so that the common case never reallocates. */
  constructor(expectedBytes = 64 * 1024) {
    this.lines = Buffer.allocUnsafe(expectedBytes + 16 * 1024);
    const entries = Math.max(64, Math.min(8192, expectedBytes >>> 8));
    this.ts = new BigInt64Array(entries);
    this.lineStart = new Uint32Array(entries + 1);
  }

  get count(): number {
    return this.n;
  }
  get minTs(): bigint {
    return this.min;
  }
  get maxTs(): bigint {
    return this.max;
  }
  get lineBytes(): number {
    return this.lineStart[this.n];
  }
  /** Line plus structured metadata bytes (metadata approximated by string length): what the block-size limit counts. */
  get rawSize(): number {
    return this.lineStart[this.n] + this.metaBytes;
  }

  append(ts: bigint, line: Uint8Array, metadata: Labels): void {
    const i = this.n;
    if (i === this.ts.length) this.growEntries();
    const off = this.lineStart[i];
    if (off + line.length > this.lines.length) this.growLines(off + line.length);
    this.lines.set(line, off);
    this.lineStart[i + 1] = off + line.length;
    this.ts[i] = ts;
    if (metadata.length > 0 || this.md !== null) {
      if (this.md === null) this.md = new Array<Labels>(i).fill(NO_LABELS);
      this.md.push(metadata);
      for (const l of metadata) this.metaBytes += l.name.length + l.value.length;
    }
    if (i === 0) {
      this.min = ts;
      this.max = ts;
    } else {
      if (ts < this.max) this.ordered = false;
      else this.max = ts;
      if (ts < this.min) this.min = ts;
    }
    this.n = i + 1;
    this.sorted = null;
    if (this.byTs !== null) this.byTs.add(ts, i);
  }

  /** Whether an entry with exactly this timestamp and line bytes is in the block. */
  contains(ts: bigint, line: Uint8Array): boolean {
    if (this.n === 0 || ts < this.min || ts > this.max) return false;
    if (this.ordered && this.byTs === null) {
      // Sorted so far: binary search, and usually only a few entries share the timestamp.
      let i = lowerBound(this.ts, ts, 0, this.n);
      for (let seen = 0; i < this.n && this.ts[i] === ts; i++, seen++) {
        if (seen === SCAN_LIMIT) break;
        if (this.lineAt(i).equals(line)) return true;
      }
      if (i === this.n || this.ts[i] !== ts) return false;
    }
    return this.index().contains(ts, line, (i) => this.lineAt(i));
  }

  /** The entries sorted by time, equal timestamps in push order; cached until the next append. */
  toBatch(): EntryBatch {
    if (this.sorted !== null) return this.sorted;
    const n = this.n;
    if (n === 0) return EMPTY_BATCH;
    if (this.ordered) {
      this.sorted = {
        count: n,
        ts: this.ts.subarray(0, n),
        lines: this.lines.subarray(0, this.lineStart[n]),
        lineStart: this.lineStart.subarray(0, n + 1),
        metadata: this.md === null ? null : this.md.slice(0, n),
      };
    } else {
      const view = {
        count: n,
        ts: this.ts,
        lines: this.lines,
        lineStart: this.lineStart,
        metadata: this.md,
      };
      this.sorted = gatherBatch([view], this.sortOrder(), n, () => 0);
    }
    return this.sorted;
  }

  /** Entry indices by (ts, push order), comparing int64 halves to avoid a BigInt per read. */
  private sortOrder(): Uint32Array {
    const n = this.n;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!LITTLE_ENDIAN) {
      const ts = this.ts;
      return order.sort((a, b) => (ts[a] < ts[b] ? -1 : ts[a] > ts[b] ? 1 : a - b));
    }
    const hi = new Int32Array(this.ts.buffer, this.ts.byteOffset, n * 2);
    const lo = new Uint32Array(this.ts.buffer, this.ts.byteOffset, n * 2);
    return order.sort((a, b) => hi[2 * a + 1] - hi[2 * b + 1] || lo[2 * a] - lo[2 * b] || a - b);
  }

  private lineAt(i: number): Buffer {
    return this.lines.subarray(this.lineStart[i], this.lineStart[i + 1]);
  }

  private index(): DedupeIndex {
    if (this.byTs === null) {
      this.byTs = new DedupeIndex();
      for (let i = 0; i < this.n; i++) this.byTs.add(this.ts[i], i);
    }
    return this.byTs;
  }

  private growEntries(): void {
    const cap = this.ts.length * 2;
    const ts = new BigInt64Array(cap);
    ts.set(this.ts);
    const ls = new Uint32Array(cap + 1);
    ls.set(this.lineStart);
    this.ts = ts;
    this.lineStart = ls;
  }

  private growLines(need: number): void {
    let size = this.lines.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.lines.copy(next, 0, 0, this.lineStart[this.n]);
    this.lines = next;
  }
}

