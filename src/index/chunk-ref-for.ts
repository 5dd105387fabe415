import type { Labels } from '../model/labels.js';
import { checksum } from '../chunk/checksum.js';
import type { ChunkRef } from './chunk-ref.js';
import { chunkKey } from './keys.js';

/** What a chunk tells about itself; MemChunk and StoredChunk both provide it. */
export interface ChunkSummary {
  readonly labels: Labels;
  readonly fingerprint: bigint;
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entryCount: number;
  /** Sum of line lengths. */
  readonly rawBytes: number;
}

/** The index ref of an encoded chunk stored alone, under its own chunk key. */
export function chunkRefFor(tenant: string, chunk: ChunkSummary, encoded: Buffer): ChunkRef {
  return chunkRefAt(chunk, chunkKey(tenant, chunk.fingerprint, chunk.minTs, chunk.maxTs, checksum(encoded)), 0, encoded.length);
}

/** The index ref of an encoded chunk of `length` bytes stored at `offset` in object `key` (a pack). */
export function chunkRefAt(chunk: ChunkSummary, key: string, offset: number, length: number): ChunkRef {
  return {
    labels: chunk.labels,
    fingerprint: chunk.fingerprint,
    from: chunk.minTs,
    through: chunk.maxTs,
    key,
    offset,
    compressedSize: length,
    rawSize: chunk.rawBytes,
    entries: chunk.entryCount,
  };
}
