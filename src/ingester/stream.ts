import { MemChunk } from '../chunk/index.js';
import type { ChunkEncoding } from '../config/types.js';
import type { Entry } from '../model/entry.js';
import type { Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import { goRFC3339 } from '../util/gotime.js';
import { TokenBucket } from '../util/token-bucket.js';

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

export type FlushReason = 'full' | 'idle' | 'max_age' | 'forced' | 'synced';

/** A chunk that no longer takes entries: waiting to be flushed, or flushed and retained for queries. */
export interface ClosedChunk {
  readonly chunk: MemChunk;
  readonly reason: FlushReason;
  flushed: boolean;
  flushedAtMs: number;
}

export interface FailedEntry {
  readonly entry: Entry;
  readonly message: string;
}

export interface StreamPushResult {
  readonly appended: Entry[];
  readonly failed: FailedEntry[];
  readonly rateLimited: boolean;
  readonly appendedBytes: number;
}

const MIN_TS = -(2n ** 63n);

/** One stream of one tenant in the ingester: its open head chunk and the closed chunks not yet dropped. */
export class Stream {
  head: MemChunk;
  headCreatedMs: number;
  lastAppendMs: number;
  readonly closed: ClosedChunk[] = [];
  private highestTs: Nanos = MIN_TS;
  private lastTs: Nanos = MIN_TS;
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
    this.settings = settings;
    this.rate.setLimits(settings.perStreamRateLimit, settings.perStreamRateBurst);
  }

  /** Appends validated entries: out-of-order window, per-stream rate limit, exact duplicates. */
  push(entries: readonly Entry[], nowMs = Date.now()): StreamPushResult {
    const appended: Entry[] = [];
    const failed: FailedEntry[] = [];
    let rateLimited = false;
    let appendedBytes = 0;
    const window = BigInt(Math.floor(this.settings.maxChunkAgeMs / 2)) * 1_000_000n;
    for (const entry of entries) {
      if (rateLimited || !this.rate.allow(entry.line.length, nowMs)) {
        rateLimited = true;
        failed.push({ entry, message: this.rateLimitMessage(entries) });
        continue;
      }
      if (this.highestTs !== MIN_TS) {
        if (!this.settings.unorderedWrites && entry.ts < this.lastTs) {
          failed.push({ entry, message: 'entry out of order' });
          continue;
        }
        const cutoff = this.highestTs - window;
        if (this.settings.unorderedWrites && entry.ts < cutoff) {
          failed.push({
            entry,
            message: `entry too far behind, entry timestamp is: ${goRFC3339(entry.ts)}, oldest acceptable timestamp is: ${goRFC3339(cutoff)}`,
          });
          continue;
        }
      }
      if (this.append(entry, nowMs)) {
        appended.push(entry);
        appendedBytes += entry.line.length;
      }
    }
    return { appended, failed, rateLimited, appendedBytes };
  }

  /** Appends without limits (WAL replay). Returns false for an exact duplicate. */
  append(entry: Entry, nowMs = Date.now()): boolean {
    if (entry.ts <= this.highestTs && this.isDuplicateInClosed(entry)) return false;
    if (this.head.isFull()) this.closeHead('full', nowMs);
    if (!this.head.append(entry.ts, entry.line, entry.metadata)) return false;
    if (entry.ts > this.highestTs) this.highestTs = entry.ts;
    this.lastTs = entry.ts;
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

  private isDuplicateInClosed(entry: Entry): boolean {
    for (const c of this.closed) {
      const chunk = c.chunk;
      if (entry.ts < chunk.minTs || entry.ts > chunk.maxTs) continue;
      for (const batch of chunk.batches(entry.ts, entry.ts + 1n)) {
        for (let i = 0; i < batch.count; i++) {
          if (batch.ts[i] !== entry.ts) continue;
          const len = batch.lineStart[i + 1] - batch.lineStart[i];
          if (len === entry.line.length && batch.lines.compare(entry.line, 0, len, batch.lineStart[i], batch.lineStart[i + 1]) === 0) return true;
        }
      }
    }
    return false;
  }

  private newChunk(): MemChunk {
    return new MemChunk({ encoding: this.settings.encoding, blockSize: this.settings.blockSize, targetSize: this.settings.targetSize, labels: this.labels });
  }

  private rateLimitMessage(entries: readonly Entry[]): string {
    let total = 0;
    for (const e of entries) total += e.line.length;
    return `Per stream rate limit exceeded (limit: ${humanBytes(this.settings.perStreamRateLimit)}/sec) while attempting to ingest for stream '${this.key}' totaling ${humanBytes(total)}, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased`;
  }
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
