import type { ChunkEncoding } from '../config/types.js';
import { fromHalves, HI, hiOf, le64, LO, loOf, lt64 } from '../model/entry.js';
import { EMPTY_LABELS, type Labels } from '../model/labels.js';
import { sliceBatchByTime, batchLine, type EntryBatch } from './batch.js';
import { clusterSources, countSources, mergeCluster, readSources, type BlockSource } from './block-source.js';
import { encodeChunk, type BlockMeta } from './chunk-format.js';
import { getCodec, type Codec } from './codec.js';
import { coalesceBlocks, CutBlock, splitBySize, splitBySpan } from './cut-block.js';
import { DedupeIndex } from './dedupe-index.js';
import { lineSampleHash } from './entry-filter.js';
import { ByteWriter } from './bytes.js';
import { ChunkClosedError } from './errors.js';
import { labelsFingerprint } from './fingerprint.js';
import { HeadBlock } from './head-block.js';

export const DEFAULT_BLOCK_SIZE = 256 * 1024;
export const DEFAULT_TARGET_SIZE = 1536 * 1024;

export interface MemChunkOptions {
  encoding: ChunkEncoding;
  /** Raw bytes (lines + structured metadata) at which the head block is cut and compressed. */
  blockSize?: number;
  /** Compressed size at which isFull() turns true. */
  targetSize?: number;
  /** The stream's labels, stored in the encoded chunk; EMPTY_LABELS when not given. */
  labels?: Labels;
}

/**
 * The head as a block source; it is always the latest in push order. Its entries are taken
 * now: a read may come after the head was cut and its buffers reused.
 */
function headSource(head: HeadBlock): BlockSource {
  const batch = head.toBatch();
  return {
    minTs: head.minTs,
    maxTs: head.maxTs,
    entries: head.count,
    seq: Number.MAX_SAFE_INTEGER,
    read: (from, through) => sliceBatchByTime(batch, from, through),
  };
}

const MIN_TS = -(1n << 63n);
const MAX_TS = (1n << 63n) - 1n;

/**
 * One stream's open chunk in an ingester: an unordered head block plus compressed blocks.
 * Not safe for concurrent mutation; reads return immutable snapshots and may interleave with appends.
 */
export class MemChunk {
  readonly encoding: ChunkEncoding;
  readonly blockSize: number;
  readonly targetSize: number;
  readonly labels: Labels;
  private readonly codec: Codec;
  private head: HeadBlock;
  private blocks: CutBlock[] = [];
  private seq = 0;
  private n = 0;
  // min and max as int64 halves (see Halves in model/entry); bigints only when asked for.
  private minHi = 0;
  private minLo = 0;
  private maxHi = 0;
  private maxLo = 0;
  private lineBytes = 0;
  private compressed = 0;
  private rawCut = 0;
  private sealed = false;
  private coalesced = false;
  private fp: bigint | null = null;

  constructor(opts: MemChunkOptions) {
    this.encoding = opts.encoding;
    this.codec = getCodec(opts.encoding);
    this.blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.targetSize = opts.targetSize ?? DEFAULT_TARGET_SIZE;
    this.labels = opts.labels ?? EMPTY_LABELS;
    if (!(this.blockSize > 0)) throw new RangeError(`blockSize must be positive, got ${this.blockSize}`);
    this.head = new HeadBlock(this.blockSize);
  }

  get entryCount(): number {
    return this.n;
  }
  /** Earliest timestamp; 0n when empty. */
  get minTs(): bigint {
    return this.n === 0 ? 0n : fromHalves(this.minHi, this.minLo);
  }
  /** Latest timestamp; 0n when empty. */
  get maxTs(): bigint {
    return this.n === 0 ? 0n : fromHalves(this.maxHi, this.maxLo);
  }
  /** Latest timestamp's int64 halves (meaningless when empty). */
  get maxTsHi(): number {
    return this.maxHi;
  }
  get maxTsLo(): number {
    return this.maxLo;
  }
  /** Bytes held by the uncompressed head block. */
  get headBytes(): number {
    return this.head.memoryBytes;
  }

  /** Bytes this chunk holds in memory: compressed blocks and the head block's buffers. */
  get memoryBytes(): number {
    return this.compressed + this.head.memoryBytes;
  }
  /** Sum of line lengths. */
  get rawBytes(): number {
    return this.lineBytes;
  }
  /** Compressed bytes of the cut blocks (the head is not compressed yet). */
  get compressedBytes(): number {
    return this.compressed;
  }
  get blockCount(): number {
    return this.blocks.length;
  }
  get headEntryCount(): number {
    return this.head.count;
  }
  get closed(): boolean {
    return this.sealed;
  }
  get fingerprint(): bigint {
    this.fp ??= labelsFingerprint(this.labels);
    return this.fp;
  }

  /**
   * Adds an entry; false when the same timestamp and line bytes are already in the chunk
   * (structured metadata is not compared, as in Loki). The line is copied.
   */
  append(ts: bigint, line: Uint8Array, metadata: Labels = EMPTY_LABELS): boolean {
    return this.appendFrom(hiOf(ts), loOf(ts), line, 0, line.length, metadata);
  }

  /** append() for the timestamp with int64 halves (hi, lo) and the line src[start, end). */
  appendFrom(hi: number, lo: number, src: Uint8Array, start: number, end: number, metadata: Labels): boolean {
    if (this.sealed) throw new ChunkClosedError();
    const n = this.n;
    if (n > 0 && le64(hi, lo, this.maxHi, this.maxLo)) {
      // At or before the newest entry: the only case that can be a duplicate.
      if (this.isDuplicate(fromHalves(hi, lo), src.subarray(start, end))) return false;
    }
    this.head.appendFrom(hi, lo, src, start, end, metadata);
    if (n === 0 || lt64(hi, lo, this.minHi, this.minLo)) {
      this.minHi = hi;
      this.minLo = lo;
    }
    if (n === 0 || lt64(this.maxHi, this.maxLo, hi, lo)) {
      this.maxHi = hi;
      this.maxLo = lo;
    }
    this.n = n + 1;
    this.lineBytes += end - start;
    if (this.head.rawSize >= this.blockSize) this.cutHead();
    return true;
  }

  /**
   * Appends entries [0, count) of columns whose lines are back to back in `src` and whose
   * timestamps (halves in `ts32`) strictly increase, all after maxTs (so none can be a
   * duplicate): one copy for all lines. The head is cut afterwards if it reached blockSize.
   */
  appendRun(ts32: Int32Array, lineStart: Uint32Array, lineEnd: Uint32Array, src: Uint8Array, metadata: readonly Labels[] | null, count: number): void {
    if (this.sealed) throw new ChunkClosedError();
    if (count === 0) return;
    this.head.appendRun(ts32, lineStart, lineEnd, src, metadata, count);
    if (this.n === 0) {
      this.minHi = ts32[HI];
      this.minLo = ts32[LO];
    }
    this.maxHi = ts32[2 * (count - 1) + HI];
    this.maxLo = ts32[2 * (count - 1) + LO];
    this.n += count;
    this.lineBytes += lineEnd[count - 1] - lineStart[0];
    if (this.head.rawSize >= this.blockSize) this.cutHead();
  }

  /** Compressed size, with the head estimated at the ratio seen so far, has reached targetSize. */
  isFull(): boolean {
    return this.estimatedSize() >= this.targetSize;
  }

  estimatedSize(): number {
    const ratio = this.rawCut > 0 ? this.compressed / this.rawCut : 1;
    return this.compressed + Math.ceil(this.head.rawSize * ratio);
  }

  /** Compresses the head block now (normally done when it reaches blockSize). */
  cutHead(): void {
    if (this.head.count === 0) return;
    const batch = this.head.toBatch(true);
    for (const part of splitBySpan(batch)) this.addBlock(part);
    const count = this.head.count;
    this.head.recycle();
    // A sealed chunk takes no more appends: no need for a fresh head's buffers. The next block
    // is sized like this one (entries of a stream tend to be alike).
    this.head = this.sealed ? SEALED_HEAD : new HeadBlock(this.blockSize, count + (count >>> 3));
  }

  private addBlock(batch: EntryBatch): void {
    const b = CutBlock.compress(batch, this.codec, this.seq++, scratch);
    this.blocks.push(b);
    this.compressed += b.data.length;
    this.rawCut += b.rawLength;
  }

  /** Cuts the head and rewrites overlapping blocks so blocks are ordered; no appends afterwards. */
  close(): void {
    if (this.sealed) return;
    this.sealed = true;
    this.cutHead();
    forgetDedupe(this.blocks);
    const clusters = clusterSources(this.blocks);
    if (clusters.every((c) => c.length === 1)) {
      this.blocks = clusters.map((c) => c[0]);
    } else {
      this.blocks = [];
      this.compressed = 0;
      this.rawCut = 0;
      for (const c of clusters) {
        if (c.length === 1) {
          this.blocks.push(c[0]);
          this.compressed += c[0].data.length;
          this.rawCut += c[0].rawLength;
          continue;
        }
        const merged = mergeCluster(c, MIN_TS, MAX_TS);
        for (const part of splitBySize(merged, this.blockSize)) for (const p of splitBySpan(part)) this.addBlock(p);
      }
    }
    // Time order is now push order for equal timestamps too: make seq say so for later reads.
    this.blocks.forEach((b, i) => b.seal(i));
  }

  /**
   * Merges runs of small blocks (see coalesceBlocks), once, when the chunk is first serialized:
   * at flush, one pack at a time, rather than when memory pressure closes hundreds of chunks in
   * one go on the push path.
   */
  private coalesce(): void {
    if (this.coalesced) return;
    this.coalesced = true;
    this.blocks = coalesceBlocks(this.blocks, this.codec, this.blockSize);
    this.compressed = 0;
    this.rawCut = 0;
    for (const b of this.blocks) {
      this.compressed += b.data.length;
      this.rawCut += b.rawLength;
    }
  }

  /** The serialized chunk (closes the chunk first). */
  encode(): Buffer {
    return this.serialize();
  }

  /**
   * Appends the serialized chunk (closing it first) to `w`, e.g. a pack being built, without a
   * buffer of its own; returns its length.
   */
  encodeInto(w: ByteWriter): number {
    return this.serialize(w).length;
  }

  private serialize(into?: ByteWriter): Buffer {
    this.close();
    this.coalesce();
    return encodeChunk({ encoding: this.encoding, fingerprint: this.fingerprint, labels: this.labels, blocks: this.blocks }, into);
  }

  /** Entries with from <= ts < through in ascending time, decompressing only overlapping blocks. */
  batches(from: bigint, through: bigint): Iterable<EntryBatch> {
    return readSources(this.sources(), from, through);
  }

  /** Entries with from <= ts < through; blocks wholly inside the range are counted without decompressing. */
  countInRange(from: bigint, through: bigint): number {
    if (from >= through) return 0;
    return countSources(this.sources(), from, through);
  }

  /** Statistics of the cut blocks, in cut order (in time order once closed). */
  blockStats(): BlockMeta[] {
    let offset = 0;
    return this.blocks.map((b) => {
      const m: BlockMeta = { minTs: b.minTs, maxTs: b.maxTs, entries: b.entries, offset, length: b.data.length, rawLength: b.rawLength, linesSize: b.linesSize, crc: b.crc, ext: EMPTY };
      offset += b.data.length;
      return m;
    });
  }

  /** The cut blocks' compressed bytes, in blockStats() order: for readers that decompress blocks themselves. */
  blockData(): Buffer[] {
    return this.blocks.map((b) => b.data);
  }

  private sources(): BlockSource[] {
    const s: BlockSource[] = [...this.blocks];
    if (this.head.count > 0) s.push(headSource(this.head));
    return s;
  }

  /**
   * True when an entry with this timestamp and these line bytes is in the chunk, open or closed.
   * Blocks are ruled out by their entry filters (built on first need); only a filter hit
   * decompresses one.
   */
  contains(ts: bigint, line: Uint8Array): boolean {
    return this.n > 0 && ts >= this.minTs && ts <= this.maxTs && this.isDuplicate(ts, line);
  }

  private isDuplicate(ts: bigint, line: Uint8Array): boolean {
    if (this.head.contains(ts, line)) return true;
    let lh = -1;
    const blocks = this.blocks;
    // Once closed, blocks are in time order and overlap at most at their edges: start at the first
    // that can hold ts instead of walking them all.
    let k = 0;
    if (this.sealed) {
      let hi = blocks.length;
      while (k < hi) {
        const mid = (k + hi) >>> 1;
        if (blocks[mid].maxTs < ts) k = mid + 1;
        else hi = mid;
      }
    }
    for (; k < blocks.length; k++) {
      const b = blocks[k];
      if (this.sealed && b.minTs > ts) break;
      if (ts < b.minTs || ts > b.maxTs) continue;
      if (lh < 0) lh = lineSampleHash(line);
      if (!b.mayContain(ts, lh)) continue;
      const d = decodedForDedupe(b);
      if (d.index.contains(ts, line, (i) => batchLine(d.batch, i))) return true;
    }
    return false;
  }
}

/** The head of every sealed chunk: empty for good. */
const SEALED_HEAD = new HeadBlock(0);

/** Raw block bytes are built here before compression: one buffer for all chunks, not one per cut. */
const scratch = new ByteWriter(DEFAULT_BLOCK_SIZE + 64 * 1024);

interface Decoded { block: CutBlock; batch: EntryBatch; index: DedupeIndex }

/**
 * Blocks decompressed for duplicate checks, most recent last: late entries cluster in time.
 * Shared by all chunks so the memory it holds stays bounded whatever the number of streams.
 */
const dedupeCache: Decoded[] = [];
const DEDUPE_CACHE_BLOCKS = 16;

function decodedForDedupe(b: CutBlock): Decoded {
  const at = dedupeCache.findIndex((c) => c.block === b);
  if (at >= 0) {
    const [hit] = dedupeCache.splice(at, 1);
    dedupeCache.push(hit);
    return hit;
  }
  const batch = b.read(MIN_TS, MAX_TS);
  // The block's entry filter is built on this first need, from the entries decoded anyway.
  b.buildFilter(batch);
  const index = new DedupeIndex();
  for (let i = 0; i < batch.count; i++) index.add(batch.ts[i], i);
  const entry = { block: b, batch, index };
  dedupeCache.push(entry);
  if (dedupeCache.length > DEDUPE_CACHE_BLOCKS) dedupeCache.shift();
  return entry;
}

/** Drops the cached decodes of a closed chunk's blocks. */
function forgetDedupe(blocks: readonly CutBlock[]): void {
  for (let i = dedupeCache.length - 1; i >= 0; i--) if (blocks.includes(dedupeCache[i].block)) dedupeCache.splice(i, 1);
}

const EMPTY = Buffer.alloc(0);
