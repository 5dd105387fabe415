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
  /** Object key of the chunk pack (packKey) or, in data written before packs, of the chunk alone (chunkKey). */
  readonly key: string;
  /** Where the encoded chunk starts in that object (0 for a chunk alone). */
  readonly offset: number;
  /** Length of the encoded chunk. */
  readonly compressedSize: number;
  /** Sum of line lengths (uncompressed), what index stats report as bytes. */
  readonly rawSize: number;
  readonly entries: number;
}

/** Chunk ref [from, through] overlaps the inclusive query range [from, through]. */
export function refOverlaps(refFrom: bigint, refThrough: bigint, from: bigint, through: bigint): boolean {
  return refFrom <= through && refThrough >= from;
}

/** Identifies a chunk across index files: its object key and offset. */
export function chunkId(key: string, offset: number): string {
  return offset === 0 ? key : `${key}@${offset}`;
}
