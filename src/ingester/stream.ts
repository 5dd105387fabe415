import { MemChunk } from '../chunk/index.js';
import type { ChunkEncoding } from '../config/types.js';
import { columnsOf, fromHalves, HI, hiOf, le64, linesContiguous, LO, loOf, lt64, tsHalves, type Entry, type EntryColumns } from '../model/entry.js';
import { EMPTY_LABELS, type Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import { goRFC3339 } from '../util/gotime.js';
import { TokenBucket } from '../util/token-bucket.js';
import type { LinesRange } from './wal/index.js';

export interface StreamSettings {
  encoding: ChunkEncoding;
  blockSize: number;
  targetSize: number;
  /** Out-of-order window is half of this (Loki's rule). */
  maxChunkAgeMs: number;
  unorderedWrites: boolean;
  perStreamRateLimit: number;
  perStreamRateBurst: number;
}

export type FlushReason = 'full' | 'idle' | 'max_age' | 'forced' | 'synced' | 'memory';

/** A chunk that no longer takes entries: waiting to be flushed, or flushed and retained for queries. */
export interface ClosedChunk {
  readonly chunk: MemChunk;
  readonly reason: FlushReason;
  flushed: boolean;
  flushedAtMs: number;
}

export interface FailedEntry {
  readonly ts: Nanos;
  /** Line bytes. */
  readonly bytes: number;
  readonly message: string;
}

export interface StreamPushResult {
  /** The entries appended (not refused, not duplicates), as columns in push order. */
  readonly appended: EntryColumns;
  readonly failed: FailedEntry[];
  readonly rateLimited: boolean;
  readonly appendedBytes: number;
  /** Change of the stream's chunk bytes in memory (see memoryBytes). */
  readonly memoryDelta: number;
  /** The appended entries' lines, when they are back to back in their buffer (the usual case). */
  readonly lines: LinesRange | undefined;
}

const MIN_TS = -(2n ** 63n);
/** Shared by the pushes that refuse nothing; never written to. */
const NONE_FAILED: FailedEntry[] = [];

/** One stream of one tenant in the ingester: its open head chunk and the closed chunks not yet dropped. */
export class Stream {
  head: MemChunk;
  headCreatedMs: number;
  lastAppendMs: number;
  readonly closed: ClosedChunk[] = [];
  // Newest and last appended timestamps as int64 halves (see Halves in model/entry).
  private any = false;
  private highestHi = 0;
  private highestLo = 0;
  private lastHi = 0;
  private lastLo = 0;
  private readonly rate: TokenBucket;

  constructor(
    readonly id: number,
    readonly tenant: string,
    readonly labels: Labels,
    readonly key: string,
    private settings: StreamSettings,
    nowMs = Date.now(),
  ) {
    this.head = this.newChunk();
    this.headCreatedMs = nowMs;
    this.lastAppendMs = nowMs;
    this.rate = new TokenBucket(settings.perStreamRateLimit, settings.perStreamRateBurst, nowMs);
  }

  updateSettings(settings: StreamSettings): void {
    if (settings === this.settings) return;
    this.settings = settings;
    this.rate.setLimits(settings.perStreamRateLimit, settings.perStreamRateBurst);
  }

  private get highestTs(): Nanos {
    return this.any ? fromHalves(this.highestHi, this.highestLo) : MIN_TS;
  }

  /**
   * Appends validated entries: per-stream rate limit, out-of-order window, exact duplicates.
   * The columns belong to the caller's request: the appended entries are compacted to their
   * front, in place, and returned as `appended`. Entry objects are accepted too (copied to columns).
   */
  push(entries: EntryColumns | readonly Entry[], nowMs = Date.now()): StreamPushResult {
    const cols = isEntryArray(entries) ? columnsOf(entries) : entries;
    const n = cols.count;
    const v = tsHalves(cols);
    const ls = cols.lineStart as Uint32Array;
    const le = cols.lineEnd as Uint32Array;
    const md = cols.metadata as Labels[] | null;
    const buf = cols.buf;
    let failed: FailedEntry[] = NONE_FAILED;
    // The bucket is asked once for the whole push; only when it refuses is it asked entry by entry.
    let total = 0;
    for (let i = 0; i < n; i++) total += le[i] - ls[i];
    let limitAt = n;
    if (!this.rate.allow(total, nowMs)) {
      limitAt = 0;
      while (limitAt < n && this.rate.allow(le[limitAt] - ls[limitAt], nowMs)) limitAt++;
    }
    const headBefore = this.head.memoryBytes;
    const closedBefore = this.closed.length;
    let w = 0;
    let appendedBytes = 0;
    if (limitAt === n && this.canAppendRun(v, ls, le, n)) {
      // The usual push: in order, after everything the stream holds, lines back to back.
      if (this.head.isFull()) this.closeHead('full', nowMs);
      this.head.appendRun(v, ls, le, buf, md, n);
      this.highestHi = this.lastHi = v[2 * (n - 1) + HI];
      this.highestLo = this.lastLo = v[2 * (n - 1) + LO];
      this.any = true;
      this.lastAppendMs = nowMs;
      w = n;
      appendedBytes = total;
    } else {
      const unordered = this.settings.unorderedWrites;
      for (let i = 0; i < n; i++) {
        const h = v[2 * i + HI];
        const l = v[2 * i + LO];
        const len = le[i] - ls[i];
        if (i >= limitAt) {
          failed = withFailed(failed, { ts: cols.ts[i], bytes: len, message: this.rateLimitMessage(total) });
          continue;
        }
        if (this.any) {
          if (!unordered && lt64(h, l, this.lastHi, this.lastLo)) {
            failed = withFailed(failed, { ts: cols.ts[i], bytes: len, message: 'entry out of order' });
            continue;
          }
          if (unordered && lt64(h, l, this.highestHi, this.highestLo)) {
            // Behind the newest entry: within the out-of-order window?
            const ts = cols.ts[i];
            const cutoff = this.highestTs - BigInt(Math.floor(this.settings.maxChunkAgeMs / 2)) * 1_000_000n;
            if (ts < cutoff) {
              failed = withFailed(failed, {
                ts, bytes: len,
                message: `entry too far behind, entry timestamp is: ${goRFC3339(ts)}, oldest acceptable timestamp is: ${goRFC3339(cutoff)}`,
              });
              continue;
            }
          }
        }
        const meta = md === null ? EMPTY_LABELS : md[i];
        if (!this.appendFrom(h, l, buf, ls[i], le[i], meta, nowMs)) continue;
        if (w !== i) {
          v[2 * w + LO] = l;
          v[2 * w + HI] = h;
          ls[w] = ls[i];
          le[w] = le[i];
          if (md !== null) md[w] = meta;
        }
        w++;
        appendedBytes += len;
      }
    }
    const appended = w === n ? cols : {
      count: w, ts: cols.ts.subarray(0, w), ts32: v.subarray(0, 2 * w), buf, lineStart: ls.subarray(0, w), lineEnd: le.subarray(0, w), metadata: md === null ? null : md.slice(0, w),
    };
    // Memory now held by the head and by chunks closed during this push, against the head's before.
    let memoryAfter = this.head.memoryBytes;
    for (let k = closedBefore; k < this.closed.length; k++) memoryAfter += this.closed[k].chunk.memoryBytes;
    const lines = w > 0 && linesContiguous(appended) ? { buf, start: ls[0], end: le[w - 1] } : undefined;
    return { appended, failed, rateLimited: limitAt < n, appendedBytes, memoryDelta: memoryAfter - headBefore, lines };
  }

  /**
   * Whether entries [0, n) can go to the head at once: all after the newest entry, strictly
   * increasing (so none is a duplicate), lines back to back, and not more than a block.
   */
  private canAppendRun(v: Int32Array, ls: Uint32Array, le: Uint32Array, n: number): boolean {
    if (n === 0) return false;
    if (this.any && le64(v[HI], v[LO], this.highestHi, this.highestLo)) return false;
    for (let i = 1; i < n; i++) {
      if (ls[i] !== le[i - 1]) return false;
      if (!lt64(v[2 * (i - 1) + HI], v[2 * (i - 1) + LO], v[2 * i + HI], v[2 * i + LO])) return false;
    }
    return le[n - 1] - ls[0] <= this.settings.blockSize;
  }

  /** Appends without limits (WAL replay). Returns false for an exact duplicate. */
  append(entry: Entry, nowMs = Date.now()): boolean {
    return this.appendFrom(hiOf(entry.ts), loOf(entry.ts), entry.line, 0, entry.line.length, entry.metadata, nowMs);
  }

  /** append() of the entry with timestamp halves (hi, lo) and line src[start, end). */
  private appendFrom(h: number, l: number, src: Buffer, start: number, end: number, metadata: Labels, nowMs: number): boolean {
    const notNewer = this.any && le64(h, l, this.highestHi, this.highestLo);
    if (notNewer && this.closed.length > 0 && this.isDuplicateInClosed(fromHalves(h, l), src.subarray(start, end))) return false;
    if (this.head.isFull()) this.closeHead('full', nowMs);
    if (!this.head.appendFrom(h, l, src, start, end, metadata)) return false;
    if (!this.any || !notNewer) {
      this.highestHi = h;
      this.highestLo = l;
    }
    this.any = true;
    this.lastHi = h;
    this.lastLo = l;
    this.lastAppendMs = nowMs;
    return true;
  }

  /** Moves the head chunk to the closed list and opens a new one. */
  closeHead(reason: FlushReason, nowMs = Date.now()): void {
    if (this.head.entryCount === 0) return;
    this.head.close();
    this.closed.push({ chunk: this.head, reason, flushed: false, flushedAtMs: 0 });
    this.head = this.newChunk();
    this.headCreatedMs = nowMs;
  }

  /** Chunks holding data in [from, through), oldest first. */
  chunksOverlapping(from: Nanos, through: Nanos): MemChunk[] {
    const out: MemChunk[] = [];
    for (const c of this.closed) if (overlaps(c.chunk, from, through)) out.push(c.chunk);
    if (this.head.entryCount > 0 && overlaps(this.head, from, through)) out.push(this.head);
    return out;
  }

  /** Chunks whose data is only in memory (not yet flushed): what a checkpoint must hold. */
  unflushedChunks(): MemChunk[] {
    const out: MemChunk[] = [];
    for (const c of this.closed) if (!c.flushed) out.push(c.chunk);
    if (this.head.entryCount > 0) out.push(this.head);
    return out;
  }

  /** Drops flushed chunks retained longer than retainMs; true when the stream holds nothing any more. */
  dropFlushed(nowMs: number, retainMs: number): boolean {
    for (let i = this.closed.length - 1; i >= 0; i--) {
      const c = this.closed[i];
      if (c.flushed && nowMs - c.flushedAtMs >= retainMs) this.closed.splice(i, 1);
    }
    return this.closed.length === 0 && this.head.entryCount === 0;
  }

  get chunkCount(): number {
    return this.closed.length + (this.head.entryCount > 0 ? 1 : 0);
  }

  /** Closed chunks stay until flushed and retained long enough: a late entry may repeat one of theirs (checked through their entry filters). */
  private isDuplicateInClosed(ts: Nanos, line: Buffer): boolean {
    for (const c of this.closed) if (c.chunk.contains(ts, line)) return true;
    return false;
  }

  /** Bytes held by this stream's chunks (compressed blocks, head buffers, encoded copies). */
  get memoryBytes(): number {
    let n = this.head.memoryBytes;
    for (const c of this.closed) n += c.chunk.memoryBytes;
    return n;
  }

  /** Bytes of chunks that a flush would free: the head and the closed chunks not yet flushed. */
  get unflushedBytes(): number {
    let n = this.head.memoryBytes;
    for (const c of this.closed) if (!c.flushed) n += c.chunk.memoryBytes;
    return n;
  }

  private newChunk(): MemChunk {
    return new MemChunk({ encoding: this.settings.encoding, blockSize: this.settings.blockSize, targetSize: this.settings.targetSize, labels: this.labels });
  }

  private rateLimitMessage(total: number): string {
    return `Per stream rate limit exceeded (limit: ${humanBytes(this.settings.perStreamRateLimit)}/sec) while attempting to ingest for stream '${this.key}' totaling ${humanBytes(total)}, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased`;
  }
}

/** `list` with `f` added (a new list in place of the shared empty one). */
function withFailed(list: FailedEntry[], f: FailedEntry): FailedEntry[] {
  const out = list === NONE_FAILED ? [] : list;
  out.push(f);
  return out;
}

function isEntryArray(e: EntryColumns | readonly Entry[]): e is readonly Entry[] {
  return Array.isArray(e);
}

function overlaps(chunk: MemChunk, from: Nanos, through: Nanos): boolean {
  return chunk.entryCount > 0 && chunk.minTs < through && chunk.maxTs >= from;
}

/** go-humanize Bytes (SI units), as Loki prints limits in messages: 3145728 → "3.1 MB". */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = n / Math.pow(1000, e);
  const f = val < 10 ? val.toFixed(1) : val.toFixed(0);
  return `${f} ${units[e]}`;
}
