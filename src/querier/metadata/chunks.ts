import type { Stream } from '../../ingester/stream.js';
import type { Nanos } from '../../model/time.js';

/** What stats and volume need of one chunk: its time span and uncompressed size. */
export interface ChunkSpan {
  /** First entry. */
  readonly from: Nanos;
  /** Last entry (inclusive). */
  readonly through: Nanos;
  /** Uncompressed line bytes. */
  readonly bytes: number;
  readonly entries: number;
}

/** In-memory chunks of a stream not flushed yet; flushed ones are counted from the index. */
export function unflushedSpans(stream: Stream): ChunkSpan[] {
  const out: ChunkSpan[] = [];
  for (const c of stream.closed) {
    if (!c.flushed && c.chunk.entryCount > 0) out.push({ from: c.chunk.minTs, through: c.chunk.maxTs, bytes: c.chunk.rawBytes, entries: c.chunk.entryCount });
  }
  const h = stream.head;
  if (h.entryCount > 0) out.push({ from: h.minTs, through: h.maxTs, bytes: h.rawBytes, entries: h.entryCount });
  return out;
}

/**
 * Loki's shouldConsiderStream: the stream's in-memory data, first to last entry, overlaps the
 * request's [from, through).
 */
export function streamOverlaps(stream: Stream, from: Nanos, through: Nanos): boolean {
  let min: Nanos | undefined;
  let max: Nanos | undefined;
  const visit = (lo: Nanos, hi: Nanos) => {
    if (min === undefined || lo < min) min = lo;
    if (max === undefined || hi > max) max = hi;
  };
  for (const c of stream.closed) if (c.chunk.entryCount > 0) visit(c.chunk.minTs, c.chunk.maxTs);
  if (stream.head.entryCount > 0) visit(stream.head.minTs, stream.head.maxTs);
  return min !== undefined && max !== undefined && through > min && from <= max;
}

/** An in-memory chunk counts for stats and volume when it overlaps (from, through) strictly, as in Loki's ingester. */
export function memChunkCounts(c: ChunkSpan, from: Nanos, through: Nanos): boolean {
  return from < c.through && through > c.from;
}

/**
 * Loki's util.GetFactorOfTime: the share of a chunk's time span inside [from, through], assuming
 * entries spread evenly; a single-instant chunk counts whole.
 */
export function factorOfTime(from: Nanos, through: Nanos, minTime: Nanos, maxTime: Nanos): number {
  if (from > maxTime || through < minTime) return 0;
  if (minTime === maxTime) return 1;
  const total = maxTime - minTime;
  const leading = from > minTime ? from - minTime : 0n;
  const trailing = maxTime > through ? maxTime - through : 0n;
  return Number(total - (leading + trailing)) / Number(total);
}

/** `uint64(float64(n) * factor)`: Loki truncates proportional sizes. */
export function scaled(n: number, factor: number): number {
  return Math.trunc(n * factor);
}
