import type { ChunkEncoding } from '../../config/types.js';
import type { Labels } from '../../model/labels.js';

/**
 * Fields per block in ScanRequest.blocks: where its bytes are (-1: the job's packed data, k:
 * `shared[k]`), their offset and length there, rawLength, linesSize, and 1 when the reader wants
 * the CRC of the block's bytes (0: already verified, or in memory).
 */
export const BLOCK_FIELDS = 6;
/** BLOCK_FIELDS[0] of a block whose bytes were packed into the job's data. */
export const PACKED = -1;

/** found[] values other than an offset into ScanReply.lines. */
export const NOT_FOUND = -1;
export const FAILED = -2;
/** The worker could not run the pipeline over the block: the reader runs it itself. */
export const LOCAL = -3;

/**
 * What a pipeline job's worker compiles (once per query): the query's log selector (log queries)
 * or its range aggregation with the grouping applied at extraction (metric queries), as wire data
 * (src/logql/syntax/wire.ts). `key` identifies the query's spec among the worker's cached ones.
 */
export type PipelineSpec =
  | { readonly kind: 'filter'; readonly key: string; readonly selector: unknown }
  | { readonly kind: 'samples'; readonly key: string; readonly aggregation: unknown };

/**
 * A job's pipeline part: the spec, and per block its stream (an index into `streams`) and its
 * time bounds (minTs, maxTs: the block's timestamps are stored relative to minTs). `base`: the
 * time that sample times are relative to.
 */
export interface PipelineTask {
  readonly spec: PipelineSpec;
  readonly streams: readonly Labels[];
  readonly blockStream: Int32Array<ArrayBuffer>;
  readonly blockTimes: BigInt64Array<ArrayBuffer>;
  readonly base: bigint;
}

/**
 * What the pipeline kept of a job's blocks, packed, block i's part at [start[i], start[i+1]).
 * `filter`: the indices of the entries it keeps. `samples`: per sample its time relative to
 * `base`, its value and its labels (an index into `labels`, whose `key` is labelsToString(all)).
 */
export interface PipelineReply {
  readonly start: Int32Array<ArrayBuffer>;
  readonly index: Uint32Array<ArrayBuffer>;
  readonly rel: Float64Array<ArrayBuffer>;
  readonly value: Float64Array<ArrayBuffer>;
  readonly series: Int32Array<ArrayBuffer>;
  readonly labels: readonly { readonly key: string; readonly all: Labels }[];
}

/** What a worker gets when it starts: the pool's shared job buffers. */
export interface ScanWorkerData {
  readonly arena: SharedArrayBuffer;
}

/**
 * A prefilter job: blocks (format 2) whose lines frame the worker decompresses and searches for
 * `needles`: literals every wanted line holds, so a block lacking any of them has none. A block's
 * stored bytes are either packed into the arena at [arenaOffset, arenaOffset + arenaLength) or
 * into `data` (then transferred), or read in place from one of the `shared` buffers (chunk reads
 * land in shared memory: no copy).
 */
export interface ScanRequest {
  readonly id: number;
  readonly encoding: ChunkEncoding;
  readonly needles: readonly Uint8Array<ArrayBuffer>[];
  readonly data: Uint8Array<ArrayBuffer> | null;
  readonly arenaOffset: number;
  readonly arenaLength: number;
  readonly shared: readonly SharedArrayBuffer[];
  readonly blocks: Int32Array<ArrayBuffer>;
  /** Also run the query's pipeline over the blocks that hold the needles (there may be none). */
  readonly pipeline?: PipelineTask;
}

/**
 * Per block: the CRC-32 of its stored bytes (when asked for, else 0), and where its decompressed lines start in `lines`
 * (the lines of blocks that hold every needle, packed; transferred), or NOT_FOUND, or FAILED with
 * the reason in errors[i].
 */
export interface ScanReply {
  readonly id: number;
  readonly crcs: Uint32Array<ArrayBuffer>;
  readonly found: Int32Array<ArrayBuffer>;
  readonly lines: Uint8Array<ArrayBuffer>;
  readonly errors: (string | null)[];
  /**
   * With a pipeline task: what it kept. found[i] is then NOT_FOUND also for a block whose entries
   * the pipeline all dropped (for samples, always: samples carry no lines), and LOCAL for one it
   * could not run.
   */
  readonly pipeline?: PipelineReply;
}
