import zstdBinding from 'zstd-napi/binding.js';
import { EMPTY_BATCH, getCodec, type EntryBatch } from '../chunk/index.js';
import { decodeBlock } from '../chunk/block.js';
import type { BlockMeta } from '../chunk/chunk-format.js';
import { CorruptChunkError } from '../chunk/errors.js';
import type { ChunkEncoding } from '../config/types.js';

/** One decompression context per thread: decompress() is synchronous, so it is never shared mid-call. */
let dctx: zstdBinding.DCtx | undefined;

/**
 * Decompresses blocks into one reused buffer. A fresh buffer per block costs more than the
 * decompression itself (page faults on new memory: zstd ran at 0.8 GB/s into new buffers, 1.4
 * into a reused one), and a reused buffer stays in the CPU cache for the scan that follows.
 * A batch decoded here is valid until the next decode with the same scratch.
 */
export class BlockScratch {
  private buf = Buffer.allocUnsafe(0);

  /** The raw block of `data` (compressed with `encoding`), in the scratch buffer unless `stable`. */
  decompress(encoding: ChunkEncoding, data: Buffer, rawLength: number, stable: boolean): Buffer {
    if (stable || encoding !== 'zstd') return getCodec(encoding).decompress(data, rawLength);
    if (this.buf.length < rawLength) this.buf = Buffer.allocUnsafe(Math.max(rawLength, 512 * 1024));
    const out = this.buf.subarray(0, rawLength);
    let n: number;
    try {
      dctx ??= new zstdBinding.DCtx();
      n = dctx.decompress(out, data);
    } catch (err) {
      throw new CorruptChunkError(`zstd block does not decompress: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (n !== rawLength) throw new CorruptChunkError(`zstd block decompressed to ${n} bytes, expected ${rawLength}`);
    return out;
  }

  /** Entries with from <= ts < through of one stored block (checked like StoredChunk's reads). */
  decodeBlock(encoding: ChunkEncoding, data: Buffer, meta: BlockMeta, from: bigint, through: bigint, stable: boolean): EntryBatch {
    if (from > meta.maxTs || through <= meta.minTs) return EMPTY_BATCH;
    const b = decodeBlock(this.decompress(encoding, data, meta.rawLength, stable), meta.minTs, from, through);
    if (b.count > 0 && (b.ts[0] < meta.minTs || b.ts[b.count - 1] > meta.maxTs)) throw new CorruptChunkError('block entries outside the block time range');
    return b;
  }
}
