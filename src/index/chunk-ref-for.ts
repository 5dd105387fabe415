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

/** The index ref (with its object key) of an encoded chunk about to be flushed. */
export function chunkRefFor(tenant: string, chunk: ChunkSummary, encoded: Buffer): ChunkRef {
  return {
    labels: chunk.labels,
    fingerprint: chunk.fingerprint,
    from: chunk.minTs,
    through: chunk.maxTs,
    key: chunkKey(tenant, chunk.fingerprint, chunk.minTs, chunk.maxTs, checksum(encoded)),
    compressedSize: encoded.length,
    rawSize: chunk.rawBytes,
    entries: chunk.entryCount,
  };
}
