import type { Labels } from '../model/labels.js';

/**
 * Where a chunk lives and what it holds, as recorded in the index.
 * `fingerprint` is the stream's labelsFingerprint (u64 as bigint); `from`/`through` are the
 * chunk's first and last entry timestamps, both inclusive, in ns.
 */
export interface ChunkRef {
  readonly labels: Labels;
  readonly fingerprint: bigint;
  readonly from: bigint;
  readonly through: bigint;
  /** Object key of the chunk (see chunkKey). */
  readonly key: string;
  /** Size of the encoded chunk object. */
  readonly compressedSize: number;
  /** Sum of line lengths (uncompressed), what index stats report as bytes. */
  readonly rawSize: number;
  readonly entries: number;
}

/** Chunk ref [from, through] overlaps the inclusive query range [from, through]. */
export function refOverlaps(refFrom: bigint, refThrough: bigint, from: bigint, through: bigint): boolean {
  return refFrom <= through && refThrough >= from;
}
