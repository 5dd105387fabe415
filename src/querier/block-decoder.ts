import zstdBinding from 'zstd-napi/binding.js';
import { EMPTY_BATCH, getCodec, type EntryBatch } from '../chunk/index.js';
import type { ColumnBatch } from '../chunk/batch.js';
import { blockFrames, ColumnScratch, concatenatesFrames, linesRange, verifyHead, viewBlock, viewColumns, type BlockVersion } from '../chunk/block.js';
import { zstdFrames } from '../chunk/zstd-frames.js';
import type { BlockMeta } from '../chunk/chunk-format.js';
import { CorruptChunkError } from '../chunk/errors.js';
import type { ChunkEncoding } from '../config/types.js';
import type { Needle } from './line-prefilter.js';

/** One decompression context per thread: decompress() is synchronous, so it is never shared mid-call. */
let dctx: zstdBinding.DCtx | undefined;

/** Decompresses one frame into exactly `out` (also used by the scan workers). */
export function decompressInto(encoding: ChunkEncoding, frame: Buffer, out: Buffer): void {
  if (encoding !== 'zstd') {
    getCodec(encoding).decompress(frame, out.length).copy(out);
    return;
  }
  let n: number;
  try {
    dctx ??= new zstdBinding.DCtx();
    n = dctx.decompress(out, frame);
  } catch (err) {
    throw new CorruptChunkError(`zstd block does not decompress: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (n !== out.length) throw new CorruptChunkError(`zstd block decompressed to ${n} bytes, expected ${out.length}`);
}

/** What a block read needs from its table row. */
type BlockStats = Pick<BlockMeta, 'minTs' | 'maxTs' | 'rawLength' | 'linesSize'>;

/**
 * Decompresses blocks into one reused buffer. A fresh buffer per block costs more than the
 * decompression itself (page faults on new memory: zstd ran at 0.8 GB/s into new buffers, 1.4
 * into a reused one), and a reused buffer stays in the CPU cache for the scan that follows.
 * A batch decoded here (its lines, timestamps and offsets) is valid until the next decode with
 * the same scratch, unless read `stable`.
 */
export class BlockScratch {
  private buf = Buffer.allocUnsafe(0);
  /** The ts and lineStart arrays of batches that are not `stable`. */
  private readonly columns = new ColumnScratch();

  private take(n: number, stable: boolean): Buffer {
    if (stable) return Buffer.allocUnsafe(n);
    if (this.buf.length < n) this.buf = Buffer.allocUnsafe(Math.max(n, 512 * 1024));
    return this.buf.subarray(0, n);
  }

  /**
   * The raw block of `data` (compressed with `encoding`, chunk format `version`), in the scratch
   * buffer unless `stable`. Format 2 comes out as one buffer: head, then lines.
   */
  decompress(encoding: ChunkEncoding, data: Buffer, m: BlockStats, version: BlockVersion, stable: boolean): Buffer {
    const out = this.take(m.rawLength, stable);
    if (version === 1) {
      decompressInto(encoding, data, out);
      return out;
    }
    const f = blockFrames(data, m.rawLength, m.linesSize);
    const split = m.rawLength - m.linesSize;
    decompressInto(encoding, f.head, out.subarray(0, split));
    if (m.linesSize > 0) decompressInto(encoding, f.lines, out.subarray(split));
    return out;
  }

  /**
   * Entries with from <= ts < through of one block (checked like StoredChunk's reads),
   * structured metadata decoded on first use. With `need`, a block none of whose bytes match it
   * is returned empty before anything is decoded: no line without `need` is wanted.
   */
  decodeBlock(encoding: ChunkEncoding, data: Buffer, meta: BlockStats, version: BlockVersion, from: bigint, through: bigint, stable: boolean, need?: Needle): EntryBatch {
    if (from > meta.maxTs || through <= meta.minTs) return EMPTY_BATCH;
    const part = need === undefined && version === 2 && (from > meta.minTs || through <= meta.maxTs);
    if (part && meta.linesSize > 0 && concatenatesFrames(encoding)) return this.decodePart(encoding, data, meta, from, through, stable);
    let raw: Buffer;
    if (need !== undefined && version === 2) {
      // Lines first: most blocks of a selective filter end here, without the head.
      const f = blockFrames(data, meta.rawLength, meta.linesSize);
      const split = meta.rawLength - meta.linesSize;
      raw = this.take(meta.rawLength, stable);
      if (meta.linesSize > 0) decompressInto(encoding, f.lines, raw.subarray(split));
      if (need.indexOf(raw, split) === -1) return EMPTY_BATCH;
      decompressInto(encoding, f.head, raw.subarray(0, split));
    } else {
      raw = this.decompress(encoding, data, meta, version, stable);
      // The raw block holds every line's bytes contiguously: no match anywhere, no line matches.
      if (need !== undefined && need.indexOf(raw) === -1) return EMPTY_BATCH;
    }
    const into = stable ? undefined : this.columns;
    // As parts, so the line lengths are checked against the table's linesSize.
    const split = version === 2 ? meta.rawLength - meta.linesSize : meta.rawLength;
    return checkRange(viewBlock({ version, head: raw.subarray(0, split), lines: raw.subarray(split) }, meta.minTs, from, through, into), meta);
  }

  /**
   * decodeBlock() of part of a format-2 block: the head first, then only the lines frames that
   * hold the wanted entries' lines (a merged block's lines are several frames, see mergeBlocks).
   * A backward query that wants the newest entries of a 256 KiB block decompresses its last frame.
   */
  private decodePart(encoding: ChunkEncoding, data: Buffer, meta: BlockStats, from: bigint, through: bigint, stable: boolean): EntryBatch {
    const f = blockFrames(data, meta.rawLength, meta.linesSize);
    const split = meta.rawLength - meta.linesSize;
    const raw = this.take(meta.rawLength, stable);
    const head = raw.subarray(0, split);
    const lines = raw.subarray(split);
    decompressInto(encoding, f.head, head);
    const want = linesRange(head, meta.linesSize, meta.minTs, from, through, this.columns);
    if (want.end > want.start) this.decompressLines(encoding, f.lines, lines, want.start, want.end);
    // Only the wanted range of `lines` is filled: the batch views exactly that range.
    return checkRange(viewBlock({ version: 2, head, lines }, meta.minTs, from, through, stable ? undefined : this.columns), meta);
  }

  /**
   * Decompresses at least bytes [start, end) of a lines frame into `out` (the frame's whole raw
   * size): stored bytes are copied, zstd frames outside the range are skipped.
   */
  private decompressLines(encoding: ChunkEncoding, frame: Buffer, out: Buffer, start: number, end: number): void {
    if (encoding === 'none') {
      if (frame.length !== out.length) throw new CorruptChunkError(`stored lines are ${frame.length} bytes, expected ${out.length}`);
      frame.copy(out, start, start, end);
      return;
    }
    const map = zstdFrames(frame);
    if (map === undefined || map.rawEnd[map.rawEnd.length - 1] !== out.length) {
      decompressInto(encoding, frame, out);
      return;
    }
    for (let k = 0; k < map.rawEnd.length; k++) {
      const rawStart = k === 0 ? 0 : map.rawEnd[k - 1];
      if (map.rawEnd[k] <= start || rawStart >= end) continue;
      decompressInto(encoding, frame.subarray(k === 0 ? 0 : map.compressedEnd[k - 1], map.compressedEnd[k]), out.subarray(rawStart, map.rawEnd[k]));
    }
  }

  /**
   * As decodeBlock() for a format-2 block whose lines a scan worker has already decompressed
   * (`lines`, which the batch views): only the head is decompressed here.
   */
  decodeWithLines(encoding: ChunkEncoding, data: Buffer, meta: BlockStats, lines: Buffer, from: bigint, through: bigint): EntryBatch {
    if (from > meta.maxTs || through <= meta.minTs) return EMPTY_BATCH;
    const split = meta.rawLength - meta.linesSize;
    const head = this.take(split, false);
    decompressInto(encoding, blockFrames(data, meta.rawLength, meta.linesSize).head, head);
    return checkRange(viewBlock({ version: 2, head, lines }, meta.minTs, from, through, this.columns), meta);
  }

  /**
   * The columns without the lines (timestamps, line lengths, metadata) of the entries with
   * from <= ts < through of one block: a format-2 block decompresses only its head, after
   * checking the head's own CRC unless `verified` (the caller checked the whole block).
   */
  decodeColumns(encoding: ChunkEncoding, data: Buffer, meta: BlockStats, version: BlockVersion, from: bigint, through: bigint, verified = true): ColumnBatch {
    if (version === 1) return this.decodeBlock(encoding, data, meta, version, from, through, false);
    if (from > meta.maxTs || through <= meta.minTs) return EMPTY_BATCH;
    const head = this.take(meta.rawLength - meta.linesSize, false);
    const f = blockFrames(data, meta.rawLength, meta.linesSize);
    if (!verified) verifyHead(f);
    decompressInto(encoding, f.head, head);
    return checkRange(viewColumns(head, meta.linesSize, meta.minTs, from, through, this.columns), meta);
  }
}

function checkRange<B extends ColumnBatch>(b: B, meta: BlockStats): B {
  if (b.count > 0 && (b.ts[0] < meta.minTs || b.ts[b.count - 1] > meta.maxTs)) throw new CorruptChunkError('block entries outside the block time range');
  return b;
}
