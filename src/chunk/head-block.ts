import { endianness } from 'node:os';
import { copyBytes, fromHalves, HI, hiOf, le64, LO, loOf, lt64 } from '../model/entry.js';
import type { Labels } from '../model/labels.js';
import { EMPTY_BATCH, gatherBatch, lowerBound, type EntryBatch } from './batch.js';
import { BufferPool } from './buffer-pool.js';
import { DedupeIndex } from './dedupe-index.js';

const LITTLE_ENDIAN = endianness() === 'LE';
const NO_LABELS: Labels = Object.freeze([]) as Labels;
// Entries with one timestamp scanned by the sorted fast path before switching to the index.
const SCAN_LIMIT = 8;
/** First line buffer of a block; it doubles as lines come, so memory follows the data. */
const INITIAL_LINE_BYTES = 16 * 1024;
const INITIAL_ENTRIES = 64;
/** Line buffers of cut heads, reused by new and growing heads. */
const linesPool = new BufferPool(4 << 20);
const EMPTY_LINES = Buffer.alloc(0);

/**
 * The open, uncompressed block of a chunk: entries in push order, possibly out of time order.
 * Storage only grows: existing positions are never rewritten, so views handed out by
 * toBatch() stay valid while appends continue.
 */
export class HeadBlock {
  private ts: BigInt64Array;
  /** 32-bit view of ts (see halvesOf in model/entry). */
  private ts32: Int32Array;
  private lineStart: Uint32Array;
  private lines: Buffer;
  /**
   * Metadata as runs: entries [mdStart[k], mdStart[k+1]) share mdRuns[k] (consecutive entries
   * nearly always share one array, e.g. detected_level). Null while no entry has any.
   */
  private mdRuns: Labels[] | null = null;
  private mdStart: number[] | null = null;
  private n = 0;
  private ordered = true;
  // min and max as int64 halves; bigints are made only when asked for.
  private minHi = 0;
  private minLo = 0;
  private maxHi = 0;
  private maxLo = 0;
  private metaBytes = 0;
  private lastMeta: Labels | null = null;
  private lastMetaBytes = 0;
  private sorted: EntryBatch | null = null;
  /** The lines buffer a reader got views of: it must not go back to the pool. */
  private exposed: Buffer | null = null;
  // Built on the first check the sorted fast path cannot answer, then kept up to date.
  private byTs: DedupeIndex | null = null;

  /**
   * Grows up to a block of `maxBytes` (+ one line) without reallocating more than a few times;
   * `expectedEntries` sizes the columns (e.g. the previous block's count).
   */
  constructor(private readonly maxBytes = 64 * 1024, expectedEntries = INITIAL_ENTRIES) {
    this.lines = linesPool.take(Math.min(maxBytes + 1024, INITIAL_LINE_BYTES));
    const entries = Math.max(INITIAL_ENTRIES, Math.min(expectedEntries, 16384));
    this.ts = new BigInt64Array(entries);
    this.ts32 = new Int32Array(this.ts.buffer);
    this.lineStart = new Uint32Array(entries + 1);
  }

  get count(): number {
    return this.n;
  }
  get minTs(): bigint {
    return this.n === 0 ? 0n : fromHalves(this.minHi, this.minLo);
  }
  get maxTs(): bigint {
    return this.n === 0 ? 0n : fromHalves(this.maxHi, this.maxLo);
  }
  /** Bytes held (allocated line and column buffers). */
  get memoryBytes(): number {
    return this.lines.length + this.ts.byteLength + this.lineStart.byteLength;
  }
  get lineBytes(): number {
    return this.lineStart[this.n];
  }
  /** Line plus structured metadata bytes (metadata approximated by string length): what the block-size limit counts. */
  get rawSize(): number {
    return this.lineStart[this.n] + this.metaBytes;
  }

  append(ts: bigint, line: Uint8Array, metadata: Labels): void {
    this.appendFrom(hiOf(ts), loOf(ts), line, 0, line.length, metadata);
  }

  /** Appends the entry with timestamp halves (hi, lo) and line src[start, end), copying the line. */
  appendFrom(hi: number, lo: number, src: Uint8Array, start: number, end: number, metadata: Labels): void {
    const i = this.n;
    if (i === this.ts.length) this.growEntries();
    const off = this.lineStart[i];
    const len = end - start;
    if (off + len > this.lines.length) this.growLines(off + len);
    if (len > 0) copyBytes(this.lines, off, src, start, end);
    this.lineStart[i + 1] = off + len;
    this.ts32[2 * i + LO] = lo;
    this.ts32[2 * i + HI] = hi;
    this.addMetadata(i, metadata);
    if (i === 0) {
      this.minHi = this.maxHi = hi;
      this.minLo = this.maxLo = lo;
    } else {
      if (le64(this.maxHi, this.maxLo, hi, lo)) {
        this.maxHi = hi;
        this.maxLo = lo;
      } else {
        this.ordered = false;
      }
      if (lt64(hi, lo, this.minHi, this.minLo)) {
        this.minHi = hi;
        this.minLo = lo;
      }
    }
    this.n = i + 1;
    this.sorted = null;
    if (this.byTs !== null) this.byTs.add(this.ts[i], i);
  }

  /**
   * Appends entries [0, count) of columns whose lines are back to back in `src` from
   * lineStart[0], and whose timestamps (halves in `ts32`) strictly increase and are all after
   * this block's newest entry: one copy for all lines.
   */
  appendRun(ts32: Int32Array, lineStart: Uint32Array, lineEnd: Uint32Array, src: Uint8Array, metadata: readonly Labels[] | null, count: number): void {
    const n0 = this.n;
    while (n0 + count > this.ts.length) this.growEntries();
    const off = this.lineStart[n0];
    const base = lineStart[0];
    const total = lineEnd[count - 1] - base;
    if (off + total > this.lines.length) this.growLines(off + total);
    if (total > 0) copyBytes(this.lines, off, src, base, base + total);
    const ls = this.lineStart;
    const t = this.ts32;
    for (let i = 0; i < count; i++) {
      const j = n0 + i;
      ls[j + 1] = off + (lineEnd[i] - base);
      t[2 * j + LO] = ts32[2 * i + LO];
      t[2 * j + HI] = ts32[2 * i + HI];
    }
    if (metadata !== null || this.mdRuns !== null) {
      for (let i = 0; i < count; i++) this.addMetadata(n0 + i, metadata === null ? NO_LABELS : metadata[i]);
    }
    if (n0 === 0) {
      this.minHi = ts32[HI];
      this.minLo = ts32[LO];
    }
    this.maxHi = ts32[2 * (count - 1) + HI];
    this.maxLo = ts32[2 * (count - 1) + LO];
    this.n = n0 + count;
    this.sorted = null;
    if (this.byTs !== null) for (let j = n0; j < n0 + count; j++) this.byTs.add(this.ts[j], j);
  }

  private addMetadata(i: number, metadata: Labels): void {
    if (metadata.length === 0 && this.mdRuns === null) return;
    if (this.mdRuns === null) {
      this.mdRuns = i > 0 ? [NO_LABELS] : [];
      this.mdStart = i > 0 ? [0] : [];
    }
    if (this.mdRuns.length === 0 || this.mdRuns[this.mdRuns.length - 1] !== metadata) {
      this.mdRuns.push(metadata);
      this.mdStart!.push(i);
    }
    if (metadata !== this.lastMeta) {
      let b = 0;
      for (const l of metadata) b += l.name.length + l.value.length;
      this.lastMeta = metadata;
      this.lastMetaBytes = b;
    }
    this.metaBytes += this.lastMetaBytes;
  }

  /** Whether an entry with exactly this timestamp and line bytes is in the block. */
  contains(ts: bigint, line: Uint8Array): boolean {
    if (this.n === 0 || ts < this.minTs || ts > this.maxTs) return false;
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

  /**
   * The entries sorted by time, equal timestamps in push order; cached until the next append.
   * `internal`: the caller drops the batch before the block is recycled (a chunk cutting it).
   */
  toBatch(internal = false): EntryBatch {
    if (this.ordered && !internal && this.n > 0) this.exposed = this.lines;
    if (this.sorted !== null) return this.sorted;
    const n = this.n;
    if (n === 0) return EMPTY_BATCH;
    if (this.ordered) {
      this.sorted = {
        count: n,
        ts: this.ts.subarray(0, n),
        lines: this.lines.subarray(0, this.lineStart[n]),
        lineStart: this.lineStart.subarray(0, n + 1),
        metadata: this.metadata(),
      };
    } else {
      const view = {
        count: n,
        ts: this.ts,
        lines: this.lines,
        lineStart: this.lineStart,
        metadata: this.metadata(),
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

  /** Metadata per entry, expanded from the runs. */
  private metadata(): Labels[] | null {
    const runs = this.mdRuns;
    if (runs === null) return null;
    const starts = this.mdStart!;
    const out = new Array<Labels>(this.n);
    for (let k = 0; k < runs.length; k++) {
      const end = k + 1 < runs.length ? starts[k + 1] : this.n;
      out.fill(runs[k], starts[k], end);
    }
    return out;
  }

  /** The block was cut: its line buffer may serve another block, unless a reader holds views of it. */
  recycle(): void {
    if (this.lines !== this.exposed) linesPool.release(this.lines);
    this.lines = EMPTY_LINES;
    this.sorted = null;
    this.n = 0;
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
    this.ts32 = new Int32Array(ts.buffer);
    this.lineStart = ls;
  }

  private growLines(need: number): void {
    // Doubling, but a full block plus a line is all a block normally needs.
    let size = Math.max(this.lines.length * 2, 1024);
    while (size < need) size *= 2;
    const cap = this.maxBytes + 1024;
    if (size > cap && need <= cap) size = cap;
    const next = linesPool.take(size);
    const used = this.lineStart[this.n];
    if (used > 0) copyBytes(next, 0, this.lines, 0, used);
    if (this.lines !== this.exposed) linesPool.release(this.lines);
    this.lines = next;
  }
}

