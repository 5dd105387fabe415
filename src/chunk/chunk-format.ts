import type { ChunkEncoding } from '../config/types.js';
import type { Label, Labels } from '../model/labels.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { checksum } from './checksum.js';
import { ENCODING_CODES, encodingFromCode } from './codec.js';
import type { BlockVersion } from './block.js';
import { CorruptChunkError } from './errors.js';

/**
 * Chunk layout (little-endian), metadata first so one ranged read gets everything a reader needs
 * to fetch only the blocks it wants:
 *
 *   fixed header (72 bytes) · labels · block table · u32 CRC of all preceding bytes · blocks
 *
 * docs/formats.md draws every field.
 */
export const CHUNK_MAGIC = 0x48434b53; // "SKCH" as bytes on disk
/** Written by encodeChunk; 1 (one frame per block, lines before metadata) is still read. */
export const CHUNK_VERSION = 2;
export const CHUNK_FIXED_HEADER = 72;

/** Per-block statistics, readable without decompressing the block. */
export interface BlockMeta {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  /** Offset of the compressed block from the start of the block data (header.dataOffset). */
  readonly offset: number;
  /** Compressed length. */
  readonly length: number;
  /** Uncompressed (raw block) length. */
  readonly rawLength: number;
  /** Sum of line lengths. */
  readonly linesSize: number;
  /** CRC-32 of the compressed bytes. */
  readonly crc: number;
  /** Reserved per-block summary (e.g. a content filter); empty today, skipped by readers that do not know it. */
  readonly ext: Buffer;
}

export interface ChunkHeader {
  /** Format version: how blocks are laid out (see src/chunk/block.ts). */
  readonly version: BlockVersion;
  readonly encoding: ChunkEncoding;
  readonly fingerprint: bigint;
  readonly labels: Labels;
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  /** Sum of line lengths (Loki's "uncompressed size"). */
  readonly linesSize: number;
  /** Sum of raw block lengths. */
  readonly rawSize: number;
  /** Sum of compressed block lengths. */
  readonly compressedSize: number;
  /** Byte offset of the first block: the length of everything before it. */
  readonly dataOffset: number;
  readonly blocks: readonly BlockMeta[];
}

export interface BlockToWrite {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  readonly rawLength: number;
  readonly linesSize: number;
  readonly crc: number;
  /** The block as compressBlock (src/chunk/block.ts) makes it. */
  readonly data: Buffer;
  readonly ext?: Buffer;
}

/**
 * Serializes a chunk. Blocks must be in ascending, non-overlapping time order. With `into`, the
 * chunk is appended to that writer (a chunk pack) and the view of its bytes there is returned.
 */
export function encodeChunk(opts: { encoding: ChunkEncoding; fingerprint: bigint; labels: Labels; blocks: readonly BlockToWrite[] }, into?: ByteWriter): Buffer {
  const { blocks } = opts;
  let entries = 0;
  let linesSize = 0;
  let rawSize = 0;
  let compressedSize = 0;
  for (const b of blocks) {
    entries += b.entries;
    linesSize += b.linesSize;
    rawSize += b.rawLength;
    compressedSize += b.data.length;
  }
  const w = into ?? new ByteWriter(CHUNK_FIXED_HEADER + 64 + blocks.length * 48 + compressedSize);
  const start = w.length;
  w.u32(CHUNK_MAGIC);
  w.u8(CHUNK_VERSION);
  w.u8(ENCODING_CODES[opts.encoding]);
  w.u16(0); // flags, reserved
  const metaLengthAt = w.length;
  w.u32(0); // metaLength, patched below
  w.u32(blocks.length);
  w.bigU64(BigInt.asUintN(64, opts.fingerprint));
  w.i64(blocks.length > 0 ? blocks[0].minTs : 0n);
  w.i64(blocks.length > 0 ? blocks[blocks.length - 1].maxTs : 0n);
  w.u64(entries);
  w.u64(linesSize);
  w.u64(rawSize);
  w.u64(compressedSize);
  w.uvarint(opts.labels.length);
  for (const l of opts.labels) {
    w.string(l.name);
    w.string(l.value);
  }
  let offset = 0;
  for (const b of blocks) {
    w.i64(b.minTs);
    w.i64(b.maxTs);
    w.uvarint(b.entries);
    w.uvarint(offset);
    w.uvarint(b.data.length);
    w.uvarint(b.rawLength);
    w.uvarint(b.linesSize);
    w.u32(b.crc);
    const ext = b.ext ?? EMPTY;
    w.uvarint(ext.length);
    w.bytes(ext);
    offset += b.data.length;
  }
  const metaLength = w.length - start + 4;
  w.patchU32(metaLengthAt, metaLength);
  w.u32(checksum(w.finish().subarray(start)));
  for (const b of blocks) w.bytes(b.data);
  return w.finish().subarray(start);
}

const EMPTY = Buffer.alloc(0);

/**
 * How many leading bytes decodeChunkHeader needs, from a prefix of at least 12 bytes
 * (for ranged reads: fetch 12 bytes, or a generous guess, then the rest).
 */
export function chunkHeaderLength(prefix: Buffer): number {
  if (prefix.length < 12) throw new CorruptChunkError(`chunk prefix too short (${prefix.length} bytes)`);
  checkMagic(prefix);
  return prefix.readUInt32LE(8);
}

function checkMagic(buf: Buffer): BlockVersion {
  if (buf.readUInt32LE(0) !== CHUNK_MAGIC) throw new CorruptChunkError('not a Skald chunk (bad magic)');
  const v = buf[4];
  if (v !== 1 && v !== 2) throw new CorruptChunkError(`unsupported chunk format version ${v}`);
  return v;
}

/** Parses and verifies (CRC) the header, labels and block table; `buf` may hold only the first dataOffset bytes. */
export function decodeChunkHeader(buf: Buffer): ChunkHeader {
  const metaLength = chunkHeaderLength(buf);
  if (metaLength < CHUNK_FIXED_HEADER + 5 || metaLength > buf.length) throw new CorruptChunkError(`chunk metadata length ${metaLength} out of range (have ${buf.length} bytes)`);
  const want = buf.readUInt32LE(metaLength - 4);
  const got = checksum(buf.subarray(0, metaLength - 4));
  if (want !== got) throw new CorruptChunkError(`chunk header checksum mismatch: stored ${hex(want)}, computed ${hex(got)}`);
  const r = new ByteReader(buf, CorruptChunkError, 5, metaLength - 4);
  const encoding = encodingFromCode(r.u8());
  r.u16();
  r.u32();
  const nblocks = r.u32();
  const fingerprint = r.bigU64();
  const minTs = r.i64();
  const maxTs = r.i64();
  const entries = r.u64();
  const linesSize = r.u64();
  const rawSize = r.u64();
  const compressedSize = r.u64();
  const nlabels = r.uvarint();
  if (nlabels > r.remaining) throw new CorruptChunkError(`chunk claims ${nlabels} labels`);
  const labels: Label[] = [];
  for (let i = 0; i < nlabels; i++) labels.push({ name: r.string(), value: r.string() });
  if (nblocks > r.remaining) throw new CorruptChunkError(`chunk claims ${nblocks} blocks`);
  const blocks: BlockMeta[] = [];
  let sumEntries = 0;
  let sumCompressed = 0;
  for (let i = 0; i < nblocks; i++) {
    const b: BlockMeta = {
      minTs: r.i64(),
      maxTs: r.i64(),
      entries: r.uvarint(),
      offset: r.uvarint(),
      length: r.uvarint(),
      rawLength: r.uvarint(),
      linesSize: r.uvarint(),
      crc: r.u32(),
      ext: r.bytes(r.uvarint()),
    };
    if (b.offset !== sumCompressed) throw new CorruptChunkError(`block ${i} at offset ${b.offset}, expected ${sumCompressed}`);
    if (b.maxTs < b.minTs) throw new CorruptChunkError(`block ${i} has maxTs < minTs`);
    if (i > 0 && b.minTs < blocks[i - 1].maxTs) throw new CorruptChunkError(`block ${i} overlaps block ${i - 1}`);
    sumEntries += b.entries;
    sumCompressed += b.length;
    blocks.push(b);
  }
  if (r.remaining !== 0) throw new CorruptChunkError(`${r.remaining} unexpected bytes after the block table`);
  if (sumEntries !== entries || sumCompressed !== compressedSize) throw new CorruptChunkError('chunk totals disagree with its block table');
  return {
    version: checkMagic(buf),
    encoding,
    fingerprint,
    labels,
    minTs,
    maxTs,
    entries,
    linesSize,
    rawSize,
    compressedSize,
    dataOffset: metaLength,
    blocks,
  };
}

export function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
