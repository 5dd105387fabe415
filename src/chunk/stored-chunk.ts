import type { ChunkEncoding } from '../config/types.js';
import type { Labels } from '../model/labels.js';
import type { EntryBatch } from './batch.js';
import { countSources, readSources, type BlockSource } from './block-source.js';
import { decodeBlock, decompressBlock, type BlockVersion } from './block.js';
import { checksum } from './checksum.js';
import { decodeChunkHeader, hex, type BlockMeta, type ChunkHeader } from './chunk-format.js';
import { getCodec, type Codec } from './codec.js';
import { CorruptChunkError } from './errors.js';

/** A block of a decoded chunk; decompresses on each read (callers cache batches if they need to). */
class StoredBlock implements BlockSource {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  readonly seq: number;
  private readonly meta: BlockMeta;
  private readonly data: Buffer;
  private readonly codec: Codec;
  private readonly version: BlockVersion;
  private verified: boolean;

  constructor(meta: BlockMeta, data: Buffer, codec: Codec, seq: number, version: BlockVersion, verified: boolean) {
    this.minTs = meta.minTs;
    this.maxTs = meta.maxTs;
    this.entries = meta.entries;
    this.seq = seq;
    this.meta = meta;
    this.data = data;
    this.codec = codec;
    this.version = version;
    this.verified = verified;
  }

  read(from: bigint, through: bigint): EntryBatch {
    const m = this.meta;
    if (!this.verified) {
      verifyBlock(m, this.data, this.seq);
      this.verified = true;
    }
    const b = decodeBlock(decompressBlock(this.codec, this.data, m.rawLength, m.linesSize, this.version), m.minTs, from, through);
    if (b.count > 0 && (b.ts[0] < this.meta.minTs || b.ts[b.count - 1] > this.meta.maxTs)) throw new CorruptChunkError('block entries outside the block time range');
    return b;
  }
}

/** A chunk read back from its bytes: header fields plus the same reading API as MemChunk. */
export class StoredChunk {
  readonly header: ChunkHeader;
  private readonly sources: StoredBlock[];

  constructor(header: ChunkHeader, sources: StoredBlock[]) {
    this.header = header;
    this.sources = sources;
  }

  get encoding(): ChunkEncoding {
    return this.header.encoding;
  }
  get fingerprint(): bigint {
    return this.header.fingerprint;
  }
  get labels(): Labels {
    return this.header.labels;
  }
  get minTs(): bigint {
    return this.header.minTs;
  }
  get maxTs(): bigint {
    return this.header.maxTs;
  }
  get entryCount(): number {
    return this.header.entries;
  }
  /** Sum of line lengths. */
  get rawBytes(): number {
    return this.header.linesSize;
  }
  /** Sum of raw block lengths. */
  get rawSize(): number {
    return this.header.rawSize;
  }
  get compressedBytes(): number {
    return this.header.compressedSize;
  }
  get blockCount(): number {
    return this.header.blocks.length;
  }
  blockStats(): readonly BlockMeta[] {
    return this.header.blocks;
  }

  /** Entries with from <= ts < through in ascending time, decompressing only overlapping blocks. */
  batches(from: bigint, through: bigint): Iterable<EntryBatch> {
    return readSources(this.sources, from, through);
  }

  /** Entries with from <= ts < through; blocks wholly inside the range are counted from the block table. */
  countInRange(from: bigint, through: bigint): number {
    if (from >= through) return 0;
    return countSources(this.sources, from, through);
  }
}

/** Throws CorruptChunkError unless the block's stored bytes match its CRC. */
export function verifyBlock(m: BlockMeta, data: Buffer, i: number): void {
  const crc = checksum(data);
  if (crc !== m.crc) throw new CorruptChunkError(`block ${i} checksum mismatch: stored ${hex(m.crc)}, computed ${hex(crc)}`);
}

/**
 * Parses a serialized chunk and verifies the header CRC and every block's CRC. Throws
 * CorruptChunkError. With `lazyBlocks`, a block's CRC is verified when the block is first
 * read instead: a reader that counts from the block table never pays for the others.
 */
export function decodeChunk(buf: Buffer, lazyBlocks = false): StoredChunk {
  const header = decodeChunkHeader(buf);
  const codec = getCodec(header.encoding);
  const end = header.dataOffset + header.compressedSize;
  if (buf.length !== end) throw new CorruptChunkError(`chunk is ${buf.length} bytes, header says ${end}`);
  const sources = header.blocks.map((m, i) => {
    const data = buf.subarray(header.dataOffset + m.offset, header.dataOffset + m.offset + m.length);
    if (!lazyBlocks) verifyBlock(m, data, i);
    return new StoredBlock(m, data, codec, i, header.version, !lazyBlocks);
  });
  return new StoredChunk(header, sources);
}
