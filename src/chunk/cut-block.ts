import { sliceBatch, lowerBound, type EntryBatch } from './batch.js';
import type { BlockSource } from './block-source.js';
import { decodeBlock, encodeBlock, MAX_BLOCK_SPAN } from './block.js';
import { checksum } from './checksum.js';
import type { BlockToWrite } from './chunk-format.js';
import type { Codec } from './codec.js';
import { EntryFilter } from './entry-filter.js';

/** A compressed block held in memory, with an entry filter for duplicate checks until the chunk closes. */
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
  private filter: EntryFilter | null;

  constructor(batch: EntryBatch, codec: Codec, seq: number, withFilter: boolean) {
    const raw = encodeBlock(batch);
    this.minTs = batch.ts[0];
    this.maxTs = batch.ts[batch.count - 1];
    this.entries = batch.count;
    this.rawLength = raw.length;
    this.linesSize = batch.lineStart[batch.count];
    this.data = codec.compress(raw);
    this.crc = checksum(this.data);
    this.seq = seq;
    this.codec = codec;
    this.filter = withFilter ? EntryFilter.build(batch) : null;
  }

  /** lh is lineSampleHash of the line. */
  mayContain(ts: bigint, lh: number): boolean {
    return ts >= this.minTs && ts <= this.maxTs && (this.filter === null || this.filter.mayContain(ts, lh));
  }

  /** The chunk closed: no more duplicate checks, and `seq` becomes the block's final position. */
  seal(position: number): void {
    this.filter = null;
    this.seq = position;
  }

  read(from: bigint, through: bigint): EntryBatch {
    return decodeBlock(this.codec.decompress(this.data, this.rawLength), this.minTs, from, through);
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
