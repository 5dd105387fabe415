import type { ChunkEncoding } from '../../config/types.js';

/**
 * Fields per block in ScanRequest.blocks: offset and length in `data`, rawLength, linesSize,
 * and 1 when the reader wants the CRC of the block's bytes (0: already verified, or in memory).
 */
export const BLOCK_FIELDS = 5;

/** found[] values other than an offset into ScanReply.lines. */
export const NOT_FOUND = -1;
export const FAILED = -2;

/** What a worker gets when it starts: the pool's shared job buffers. */
export interface ScanWorkerData {
  readonly arena: SharedArrayBuffer;
}

/**
 * A prefilter job: blocks (format 2, their stored bytes packed into the arena at
 * [arenaOffset, arenaOffset + arenaLength), or into `data`, which is then transferred) whose
 * lines frame the worker decompresses and searches for `needles`: literals every wanted line
 * holds, so a block lacking any of them has none. Block offsets are relative to the packed bytes.
 */
export interface ScanRequest {
  readonly id: number;
  readonly encoding: ChunkEncoding;
  readonly needles: readonly Uint8Array<ArrayBuffer>[];
  readonly data: Uint8Array<ArrayBuffer> | null;
  readonly arenaOffset: number;
  readonly arenaLength: number;
  readonly blocks: Int32Array<ArrayBuffer>;
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
}
