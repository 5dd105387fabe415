import type { EntryBatch } from '../chunk/index.js';
import type { ColumnBatch } from '../chunk/batch.js';
import type { Needle } from './line-prefilter.js';
import type { ChunkEncoding } from '../config/types.js';
import type { Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';

/** A chunk to read: in memory (ingester) or in the object store (fetched on first use). */
export interface ChunkHandle {
  readonly minTs: Nanos;
  readonly maxTs: Nanos;
  /** Batches of entries in [from, through), ascending by timestamp. */
  batches(from: Nanos, through: Nanos): Promise<Iterable<EntryBatch>>;
  /**
   * The chunk block by block, for readers that skip blocks, count them from their statistics
   * or read them one at a time. Handles without it are read whole through batches().
   */
  open?(): Promise<ChunkBlocks>;
  /**
   * The chunk fetched, read synchronously from then on: what a group of overlapping chunks
   * merges a time window at a time (series-plan.ts). Handles without it are read through batches().
   */
  load?(): Promise<LoadedChunk>;
}

/** A fetched chunk. */
export interface LoadedChunk {
  /** Entries in the whole chunk. */
  readonly entries: number;
  /** Batches of entries in [from, through), ascending by timestamp. */
  batches(from: Nanos, through: Nanos): Iterable<EntryBatch>;
}

/** A chunk's entries as time-disjoint segments (one block, or blocks that overlap), ascending. */
export interface ChunkBlocks {
  readonly segments: readonly Segment[];
  /**
   * The reader is done with the segments (and every batch read from them): the buffer under them
   * may be reused. Not calling it is safe; using a segment after it is not.
   */
  release?(): void;
}

/**
 * A run of one chunk's entries that can be read on its own. Segments of a chunk never share a
 * timestamp, so reading them one after the other gives the chunk's order.
 */
export interface Segment {
  /** Inclusive bounds of the segment's timestamps. */
  readonly minTs: bigint;
  readonly maxTs: bigint;
  /** Number of entries and sum of their line lengths; valid only when `exact`. */
  readonly entries: number;
  readonly lineBytes: number;
  /** Whether entries and lineBytes are known without reading (block statistics). */
  readonly exact: boolean;
  /**
   * The entries with from <= ts < through, ascending. Unless `stable`, the batches may be views
   * of a buffer the next read of the same query reuses: copy what must outlive the next read.
   * With `need` (bytes every wanted line contains), a reader may leave out blocks whose bytes
   * do not contain it, without decoding them; pass it only for a segment lying wholly inside
   * [from, through) with exact statistics (see readSegment), which then count what was read.
   */
  read(from: bigint, through: bigint, stable: boolean, need?: Needle): readonly EntryBatch[];
  /**
   * As read(), without the line bytes, for segments that can skip decompressing them (one
   * stored or cut block); valid until the next read of the same query. See readColumns.
   */
  columns?(from: bigint, through: bigint): readonly ColumnBatch[];
  /** A segment of one format-2 block: what a scan worker needs to prefilter it (src/querier/scan-pool). */
  readonly block?: ScanBlock;
}

/** One stored or cut block (format 2) that a scan worker can decompress and search on its own. */
export interface ScanBlock {
  readonly encoding: ChunkEncoding;
  /** The block's first and last timestamps (its entries are stored relative to minTs). */
  readonly minTs: bigint;
  readonly maxTs: bigint;
  /** The block's bytes as stored (never modified). */
  readonly data: Buffer;
  readonly rawLength: number;
  readonly linesSize: number;
  /** Whether check() passes without a CRC (the block was verified, or lives in memory). */
  verified(): boolean;
  /**
   * Throws as read() would for a block whose stored bytes have CRC `crc` (computed by the
   * worker unless verified()): a reader checks this before using what the worker found, or
   * that it found nothing.
   */
  check(crc: number): void;
  /** As read() with a needle the block's lines hold, given those lines decompressed (`lines`, viewed by the batches). */
  readLines(from: bigint, through: bigint, lines: Buffer): readonly EntryBatch[];
}

/** All chunks of one stream that may hold data for a query. */
export interface SeriesSource {
  readonly labels: Labels;
  /** labelsToString(labels) */
  readonly key: string;
  readonly chunks: ChunkHandle[];
}

export interface SelectParams {
  readonly tenant: string;
  readonly start: Nanos;
  readonly end: Nanos;
}

/** Merges sources of the same stream from the ingester and the store. */
export function mergeSeries(groups: Iterable<readonly SeriesSource[]>): SeriesSource[] {
  const byKey = new Map<string, SeriesSource & { chunks: ChunkHandle[] }>();
  for (const group of groups) {
    for (const s of group) {
      const cur = byKey.get(s.key);
      if (cur) cur.chunks.push(...s.chunks);
      else byKey.set(s.key, { labels: s.labels, key: s.key, chunks: [...s.chunks] });
    }
  }
  return [...byKey.values()];
}
