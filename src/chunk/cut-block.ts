import { sliceBatch, lowerBound, type EntryBatch } from './batch.js';
import type { BlockSource } from './block-source.js';
import { compressBlock, concatenatesFrames, decodeBlock, decompressBlock, encodeBlock, MAX_BLOCK_SPAN, mergeBlocks } from './block.js';
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

  private constructor(block: Omit<BlockToWrite, 'crc'>, codec: Codec, seq: number) {
    this.minTs = block.minTs;
    this.maxTs = block.maxTs;
    this.entries = block.entries;
    this.rawLength = block.rawLength;
    this.linesSize = block.linesSize;
    this.data = block.data;
    this.crc = checksum(block.data);
    this.seq = seq;
    this.codec = codec;
  }

  /** A block of a sorted batch. `scratch`, when given, holds the raw block while it is compressed (reused across blocks). */
  static compress(batch: EntryBatch, codec: Codec, seq: number, scratch?: ByteWriter): CutBlock {
    const raw = encodeBlock(batch, scratch);
    const linesSize = batch.lineStart[batch.count];
    const data = compressBlock(codec, raw, linesSize);
    return new CutBlock({
      minTs: batch.ts[0], maxTs: batch.ts[batch.count - 1], entries: batch.count, rawLength: raw.length, linesSize,
      // A codec that stores the bytes as they are hands back the scratch buffer itself.
      data: scratch !== undefined && data.buffer === raw.buffer ? Buffer.from(data) : data,
    }, codec, seq);
  }

  /** One block holding consecutive blocks (time order, span within MAX_BLOCK_SPAN), their lines not compressed again (mergeBlocks). */
  static merge(parts: readonly CutBlock[], codec: Codec, seq: number): CutBlock {
    const m = mergeBlocks(codec, parts);
    let entries = 0;
    for (const p of parts) entries += p.entries;
    return new CutBlock({ minTs: parts[0].minTs, maxTs: parts[parts.length - 1].maxTs, entries, ...m }, codec, seq);
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

/**
 * Runs of consecutive small blocks merged into blocks of up to `blockSize` raw bytes (for codecs
 * whose frames concatenate; others are returned as they are). Blocks must be in time order.
 * Under memory pressure heads are cut small (tens of KB); a query pays a fixed cost per block
 * on top of its bytes, so closed chunks keep few, full blocks.
 */
export function coalesceBlocks(blocks: readonly CutBlock[], codec: Codec, blockSize: number): CutBlock[] {
  if (!concatenatesFrames(codec.encoding) || blocks.length < 2) return [...blocks];
  const out: CutBlock[] = [];
  let run: CutBlock[] = [];
  let runRaw = 0;
  const flush = (): void => {
    if (run.length === 1) out.push(run[0]);
    // The first part's seq: seqs stay ascending in time order, also for readers holding the parts.
    else if (run.length > 1) out.push(CutBlock.merge(run, codec, run[0].seq));
    run = [];
    runRaw = 0;
  };
  for (const b of blocks) {
    const fits = run.length > 0 && runRaw + b.rawLength <= blockSize && b.maxTs - run[0].minTs <= MAX_BLOCK_SPAN;
    if (!fits) flush();
    run.push(b);
    runRaw += b.rawLength;
  }
  flush();
  return out;
}
