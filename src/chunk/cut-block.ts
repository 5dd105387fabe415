import { sliceBatch, lowerBound, type EntryBatch } from './batch.js';
import type { BlockSource } from './block-source.js';
import { compressBlock, decodeBlock, decompressBlock, encodeBlock, MAX_BLOCK_SPAN } from './block.js';
import type { ByteWriter } from './bytes.js';
import { checksum } from './checksum.js';
import type { BlockToWrite } from './chunk-format.js';
import type { Codec } from './codec.js';
import { EntryFilter } from './entry-filter.js';

/**
 * A compressed block held in memory. It may get an entry filter for duplicate checks, also after
 * its chunk closed (a closed chunk stays in its stream until flushed and no longer retained, and a
 * late entry is checked against it): built the first time a check has to decompress the block, since in-order streams
 * never check cut blocks at all.
 */
export class CutBlock implements BlockSource, BlockToWrite {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  readonly rawLength: number;
  readonly linesSize: number;
  readonly crc: number;
  readonly data: Buffer;
  seq: number;
  private readonly codec: Codec;
  private filter: EntryFilter | null = null;

  /** `scratch`, when given, holds the raw block while it is compressed (reused across blocks). */
  constructor(batch: EntryBatch, codec: Codec, seq: number, scratch?: ByteWriter) {
    const raw = encodeBlock(batch, scratch);
    this.minTs = batch.ts[0];
    this.maxTs = batch.ts[batch.count - 1];
    this.entries = batch.count;
    this.rawLength = raw.length;
    this.linesSize = batch.lineStart[batch.count];
    const data = compressBlock(codec, raw, this.linesSize);
    // A codec that stores the bytes as they are hands back the scratch buffer itself.
    this.data = scratch !== undefined && data.buffer === raw.buffer ? Buffer.from(data) : data;
    this.crc = checksum(this.data);
    this.seq = seq;
    this.codec = codec;
  }

  /** lh is lineSampleHash of the line. True when unsure (no filter yet). */
  mayContain(ts: bigint, lh: number): boolean {
    return ts >= this.minTs && ts <= this.maxTs && (this.filter === null || this.filter.mayContain(ts, lh));
  }

  /** Builds the entry filter from the block's entries (all of them), once. */
  buildFilter(batch: EntryBatch): void {
    if (this.filter === null) this.filter = EntryFilter.build(batch);
  }

  /** The chunk closed: `seq` becomes the block's final position. */
  seal(position: number): void {
    this.seq = position;
  }

  read(from: bigint, through: bigint): EntryBatch {
    return decodeBlock(decompressBlock(this.codec, this.data, this.rawLength, this.linesSize, 2), this.minTs, from, through);
  }
}

/** Splits a sorted batch where its time span would exceed what a block can hold. */
export function splitBySpan(b: EntryBatch): EntryBatch[] {
  if (b.count === 0) return [];
  if (b.ts[b.count - 1] - b.ts[0] <= MAX_BLOCK_SPAN) return [b];
  const out: EntryBatch[] = [];
  let start = 0;
  while (start < b.count) {
    const end = lowerBound(b.ts, b.ts[start] + MAX_BLOCK_SPAN + 1n, start);
    out.push(sliceBatch(b, start, end));
    start = end;
  }
  return out;
}

/** Splits a sorted batch into runs of about blockSize line bytes. */
export function splitBySize(b: EntryBatch, blockSize: number): EntryBatch[] {
  if (b.count === 0) return [];
  const out: EntryBatch[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < b.count; i++) {
    size += b.lineStart[i + 1] - b.lineStart[i];
    if (b.metadata !== null) for (const l of b.metadata[i]) size += l.name.length + l.value.length;
    if (size >= blockSize) {
      out.push(sliceBatch(b, start, i + 1));
      start = i + 1;
      size = 0;
    }
  }
  if (start < b.count) out.push(sliceBatch(b, start, b.count));
  return out;
}
