import { HI, LO, TWO_32 } from '../model/entry.js';
import type { Label, Labels } from '../model/labels.js';
import { ByteWriter } from './bytes.js';
import { checksum } from './checksum.js';
import { EMPTY_BATCH, type ColumnBatch, type EntryBatch } from './batch.js';
import type { Codec } from './codec.js';
import type { ChunkEncoding } from '../config/types.js';
import { CorruptChunkError } from './errors.js';

/**
 * Raw (uncompressed) block, chunk format 2: a head with every column but the lines, then the
 * lines back to back, so a decoded batch's `lines` is a view of the block, and a reader that
 * needs only timestamps, lengths or metadata (counts) never decompresses the lines:
 *
 *   uvarint count
 *   count × uvarint  ts delta (first from the block's minTs, then from the previous entry)
 *   count × uvarint  line length
 *   u8               metadata flag: 0 = no entry has structured metadata, 1 = section follows
 *   [uvarint symbolCount, symbolCount × (uvarint len, utf8)]   per-block symbol table
 *   [count × (uvarint pairs, pairs × (uvarint nameSym, uvarint valueSym))]
 *   lines            all line bytes back to back (linesSize bytes, the block's last)
 *
 * Compressed, the head and the lines are separate frames (see compressBlock). Format 1 had
 * the lines right after the lengths and the metadata last, compressed as one frame; it is
 * still read. Entries are sorted by timestamp; ts deltas are therefore >= 0, and a block's
 * time span is kept <= Number.MAX_SAFE_INTEGER ns (~104 days) so offsets stay exact as numbers.
 */

export const MAX_BLOCK_SPAN = BigInt(Number.MAX_SAFE_INTEGER);

/** Chunk format versions, as far as blocks are concerned. */
export type BlockVersion = 1 | 2;

/**
 * Serializes a sorted batch (format 2). The caller guarantees ts[count-1] - ts[0] <= MAX_BLOCK_SPAN.
 * With `w` (reset here), the result is a view of its buffer, valid until its next use.
 */
export function encodeBlock(b: EntryBatch, w: ByteWriter = new ByteWriter(b.lines.length + b.count * 6 + 16)): Buffer {
  w.reset();
  encodeHead(w, b);
  w.bytes(b.lines.subarray(b.lineStart[0], b.lineStart[b.count]));
  return w.finish();
}

/** The head of a format-2 raw block: every column but the lines. */
function encodeHead(w: ByteWriter, b: ColumnBatch): void {
  const n = b.count;
  w.uvarint(n);
  if (n > 0) {
    // Deltas from int64 halves: exact as doubles (a delta is at most MAX_BLOCK_SPAN), no bigint per entry.
    const v = new Int32Array(b.ts.buffer, b.ts.byteOffset, n * 2);
    let prevHi = v[HI];
    let prevLo = v[LO] >>> 0;
    for (let i = 0; i < n; i++) {
      const h = v[2 * i + HI];
      const l = v[2 * i + LO] >>> 0;
      w.uvarint((h - prevHi) * TWO_32 + (l - prevLo));
      prevHi = h;
      prevLo = l;
    }
  }
  const ls = b.lineStart;
  for (let i = 0; i < n; i++) w.uvarint(ls[i + 1] - ls[i]);
  encodeMetadata(w, b);
}

function hasMetadata(b: ColumnBatch): boolean {
  if (b.metadata === null) return false;
  for (const m of b.metadata) if (m.length > 0) return true;
  return false;
}

function encodeMetadata(w: ByteWriter, b: ColumnBatch): void {
  if (!hasMetadata(b)) {
    w.u8(0);
    return;
  }
  const md = b.metadata!;
  const symbols = new Map<string, number>();
  const sym = (s: string): number => {
    let id = symbols.get(s);
    if (id === undefined) {
      id = symbols.size;
      symbols.set(s, id);
    }
    return id;
  };
  const pairs = new ByteWriter(b.count * 4 + 16);
  // Consecutive entries usually share one metadata array (e.g. detected_level): reuse its ids.
  let prev: Labels | null = null;
  let ids: number[] = [];
  for (let i = 0; i < b.count; i++) {
    const m = md[i];
    if (m !== prev) {
      ids = [];
      for (const l of m) ids.push(sym(l.name), sym(l.value));
      prev = m;
    }
    pairs.uvarint(m.length);
    for (let k = 0; k < ids.length; k++) pairs.uvarint(ids[k]);
  }
  w.u8(1);
  w.uvarint(symbols.size);
  for (const s of symbols.keys()) w.string(s);
  w.bytes(pairs.finish());
}

// ---------------------------------------------------------------------------------------------
// Compression (format 2):
//   uvarint length of the compressed head · u32 CRC of the compressed head · compressed head · compressed lines

/**
 * Compresses a format-2 raw block whose last `linesSize` bytes are its lines: the head and the
 * lines as two frames, so the head decompresses alone, and is verified alone by its own CRC
 * (the block table's CRC covers all of the block). No lines: no second frame.
 */
export function compressBlock(codec: Codec, raw: Buffer, linesSize: number): Buffer {
  const split = raw.length - linesSize;
  const head = codec.compress(raw.subarray(0, split));
  const lines = linesSize > 0 ? codec.compress(raw.subarray(split)) : EMPTY;
  return frameBlock(head, [lines]);
}

/** A format-2 block's stored bytes: the prefix (head length, head CRC), the head frame, the lines frames. */
function frameBlock(head: Buffer, lines: readonly Buffer[]): Buffer {
  const prefix = new ByteWriter(12);
  prefix.uvarint(head.length);
  prefix.u32(checksum(head));
  return Buffer.concat([prefix.finish(), head, ...lines]);
}

/**
 * Whether the codec's frames, stored back to back, decompress to the concatenation of their
 * contents: zstd (RFC 8878 data is one or more frames) and stored bytes. Blocks of such a chunk
 * can be merged without compressing their lines again (mergeBlocks).
 */
export function concatenatesFrames(encoding: ChunkEncoding): boolean {
  return encoding === 'zstd' || encoding === 'none';
}

/** A compressed format-2 block and what its block-table row says of it. */
export interface StoredBlock {
  readonly data: Buffer;
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly rawLength: number;
  readonly linesSize: number;
}

/**
 * One format-2 block with the entries of `parts` (consecutive blocks in time order, their
 * span within MAX_BLOCK_SPAN), for a codec that concatenatesFrames. The lines frames are kept
 * as they are, back to back; the raw heads are joined byte-wise (each part's first timestamp
 * delta rebased on the previous part's last entry, symbol ids shifted past the symbols of the
 * parts before) and compressed again: a few percent of the bytes. Small blocks, cut early
 * under memory pressure, become one block at a fraction of what compressing them again costs.
 */
export function mergeBlocks(codec: Codec, parts: readonly StoredBlock[]): { data: Buffer; rawLength: number; linesSize: number } {
  if (!concatenatesFrames(codec.encoding)) throw new TypeError(`${codec.encoding} frames cannot be merged`);
  const heads = parts.map((p) => headLayout(decompressHead(codec, p.data, p.rawLength, p.linesSize)));
  let count = 0;
  let linesSize = 0;
  let symbols = 0;
  let bytes = 16;
  for (let k = 0; k < parts.length; k++) {
    count += heads[k].count;
    linesSize += parts[k].linesSize;
    symbols += heads[k].symbols;
    bytes += heads[k].raw.length + 8;
  }
  const w = new ByteWriter(bytes);
  w.uvarint(count);
  for (let k = 0; k < parts.length; k++) {
    const h = heads[k];
    if (h.count === 0) continue;
    if (k === 0) {
      w.bytes(h.raw.subarray(h.deltasAt, h.lengthsAt));
      continue;
    }
    // The first delta is from the part's own minTs; in the merged block it is from the previous entry.
    const v = new Varints(h.raw, h.deltasAt, h.lengthsAt, 'block timestamps');
    const first = parts[k].minTs + BigInt(v.next()) - parts[k - 1].maxTs;
    if (first < 0n) throw new RangeError('merged blocks must be in time order');
    w.uvarint(Number(first));
    w.bytes(h.raw.subarray(v.p, h.lengthsAt));
  }
  for (const h of heads) w.bytes(h.raw.subarray(h.lengthsAt, h.flagAt));
  if (heads.every((h) => h.pairsAt < 0)) w.u8(0);
  else {
    w.u8(1);
    w.uvarint(symbols);
    for (const h of heads) if (h.pairsAt >= 0) w.bytes(h.raw.subarray(h.flagAt + 1 + h.symbolsLength, h.pairsAt));
    let shift = 0;
    for (const h of heads) {
      if (h.pairsAt < 0) {
        for (let i = 0; i < h.count; i++) w.u8(0);
        continue;
      }
      const v = new Varints(h.raw, h.pairsAt, h.raw.length, 'block metadata');
      for (let i = 0; i < h.count; i++) {
        const pairs = v.next();
        w.uvarint(pairs);
        for (let j = 0; j < 2 * pairs; j++) w.uvarint(v.next() + shift);
      }
      if (v.p !== h.raw.length) throw new CorruptChunkError(`block metadata has ${h.raw.length - v.p} extra bytes`);
      shift += h.symbols;
    }
  }
  const rawHead = w.finish();
  const lines = parts.map((p) => blockFrames(p.data, p.rawLength, p.linesSize).lines);
  return { data: frameBlock(codec.compress(rawHead), lines), rawLength: rawHead.length + linesSize, linesSize };
}

/** Where the sections of a raw format-2 head start (pairsAt -1: no metadata). */
interface HeadLayout {
  readonly raw: Buffer;
  readonly count: number;
  readonly deltasAt: number;
  readonly lengthsAt: number;
  readonly flagAt: number;
  readonly symbols: number;
  /** Bytes of the symbol count varint. */
  readonly symbolsLength: number;
  readonly pairsAt: number;
}

function headLayout(raw: Buffer): HeadLayout {
  const v = new Varints(raw, 0, raw.length, 'block head');
  const count = v.next();
  const deltasAt = v.p;
  for (let i = 0; i < count; i++) v.next();
  const lengthsAt = v.p;
  for (let i = 0; i < count; i++) v.next();
  const flagAt = v.p;
  if (metadataAt(raw, flagAt, raw.length) < 0) return { raw, count, deltasAt, lengthsAt, flagAt, symbols: 0, symbolsLength: 0, pairsAt: -1 };
  v.p = flagAt + 1;
  const symbols = v.next();
  const symbolsLength = v.p - flagAt - 1;
  for (let i = 0; i < symbols; i++) {
    const len = v.next();
    v.p += len;
  }
  if (v.p > raw.length) throw new CorruptChunkError('block symbols overrun its head');
  return { raw, count, deltasAt, lengthsAt, flagAt, symbols, symbolsLength, pairsAt: v.p };
}

/** The frames of a format-2 block (views of `data`) and the CRC stored for the head frame. */
export interface BlockFrames {
  readonly head: Buffer;
  readonly headCrc: number;
  readonly lines: Buffer;
}

/** Splits a format-2 block into its frames; rawLength and linesSize come from the block table. */
export function blockFrames(data: Buffer, rawLength: number, linesSize: number): BlockFrames {
  if (linesSize > rawLength - 2) throw new CorruptChunkError(`block lines (${linesSize} bytes) do not fit its ${rawLength} raw bytes`);
  let p = 0;
  let len = 0;
  let mul = 1;
  for (;;) {
    if (p >= data.length || p >= 8) throw new CorruptChunkError('bad block frame length');
    const byte = data[p++];
    len += (byte & 0x7f) * mul;
    if (byte < 0x80) break;
    mul *= 128;
  }
  if (p + 4 + len > data.length || (linesSize === 0 && p + 4 + len !== data.length)) throw new CorruptChunkError(`block head frame of ${len} bytes does not fit the block's ${data.length}`);
  const headCrc = data.readUInt32LE(p);
  p += 4;
  return { head: data.subarray(p, p + len), headCrc, lines: data.subarray(p + len) };
}

/** Throws CorruptChunkError unless the head frame matches its CRC (for readers of the head alone). */
export function verifyHead(f: BlockFrames): void {
  if (checksum(f.head) !== f.headCrc) throw new CorruptChunkError('block head checksum mismatch');
}

/** The raw head (everything before the lines) of a format-2 block, its head CRC verified. */
export function decompressHead(codec: Codec, data: Buffer, rawLength: number, linesSize: number): Buffer {
  const f = blockFrames(data, rawLength, linesSize);
  verifyHead(f);
  return codec.decompress(f.head, rawLength - linesSize);
}

/** Decompressed parts of a block: `head` holds the columns, `lines` the line bytes (format 2). */
export interface RawBlock {
  readonly version: BlockVersion;
  /** Format 2: the head; format 1: the whole raw block. */
  readonly head: Buffer;
  /** Format 2: the lines; format 1: unused (empty). */
  readonly lines: Buffer;
}

/** Decompresses a stored or cut block; `rawLength` and `linesSize` come from the block table. */
export function decompressBlock(codec: Codec, data: Buffer, rawLength: number, linesSize: number, version: BlockVersion): RawBlock {
  if (version === 1) return { version, head: codec.decompress(data, rawLength), lines: EMPTY };
  const f = blockFrames(data, rawLength, linesSize);
  const head = codec.decompress(f.head, rawLength - linesSize);
  const lines = linesSize > 0 ? codec.decompress(f.lines, linesSize) : EMPTY;
  return { version, head, lines };
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------
// Decoding

/** Unsigned LEB128 varints (at most 8 bytes, as blocks write them) over raw[p, end). */
class Varints {
  constructor(private readonly raw: Buffer, public p: number, private readonly end: number, private readonly what: string) {}

  next(): number {
    const raw = this.raw;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.p >= this.end) throw new CorruptChunkError(`truncated ${this.what} at offset ${this.p}`);
      const byte = raw[this.p++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    throw new CorruptChunkError(`varint overflow in ${this.what} at offset ${this.p}`);
  }
}

const NO_LABELS: Labels = Object.freeze([]) as Labels;

/**
 * A decoded block whose structured metadata is decoded on first use (valid as long as the
 * buffers it views are). A line filter that keeps a few lines of a block, or a count whose
 * grouping the metadata cannot touch, then never builds a label array per entry.
 */
export class BlockView implements EntryBatch {
  private md: Labels[] | null | undefined;
  private symbols: string[] | undefined;
  /** Offset of the per-entry pairs, after the symbol table. */
  private pairsAt = 0;
  /** Where each entry's pairs start (metadataAt), once asked. */
  private entryAt: Uint32Array | undefined;
  /** Label objects by pair: shared by every entry with the same pair. */
  private pairs: Map<number, Label> | undefined;

  constructor(
    readonly count: number,
    readonly ts: BigInt64Array,
    readonly lines: Buffer,
    readonly lineStart: Uint32Array,
    /** The buffer holding the metadata section, which is mdBuf[mdAt, mdEnd) after its flag byte; mdAt -1: none. */
    private readonly mdBuf: Buffer,
    private readonly mdAt: number,
    private readonly mdEnd: number,
    /** Entries in the block and index of the first one in this view. */
    private readonly n: number,
    private readonly start: number,
  ) {
    if (mdAt < 0) this.md = null;
  }

  get metadata(): readonly Labels[] | null {
    if (this.md === undefined) this.md = this.decodeMetadata();
    return this.md;
  }

  /**
   * Every string of the block's metadata symbol table (names and values); null without
   * metadata. What a reader checks before deciding it needs the metadata at all.
   */
  metadataStrings(): readonly string[] | null {
    if (this.mdAt < 0) return null;
    if (this.symbols === undefined) this.readSymbols();
    return this.symbols!;
  }

  private readSymbols(): void {
    const raw = this.mdBuf;
    const end = this.mdEnd;
    const v = new Varints(raw, this.mdAt, end, 'block metadata');
    const nsym = v.next();
    if (nsym > end - v.p) throw new CorruptChunkError(`block metadata claims ${nsym} symbols`);
    const symbols = new Array<string>(nsym);
    for (let i = 0; i < nsym; i++) {
      const len = v.next();
      if (v.p + len > end) throw new CorruptChunkError('block metadata symbol overrun');
      symbols[i] = raw.toString('utf8', v.p, v.p + len);
      v.p += len;
    }
    this.symbols = symbols;
    this.pairsAt = v.p;
  }

  /**
   * Entry i's metadata, decoding that entry's pairs alone: a reader that keeps a few entries of
   * a block (line filter candidates) never builds a label array for the others.
   */
  metadataAt(i: number): Labels {
    if (this.md !== undefined) return this.md === null ? NO_LABELS : this.md[i];
    const at = (this.entryAt ??= this.entryOffsets());
    const v = new Varints(this.mdBuf, at[i], this.mdEnd, 'block metadata');
    return this.entryLabels(v, v.next());
  }

  private decodeMetadata(): Labels[] {
    const v = new Varints(this.mdBuf, this.pairsStart(), this.mdEnd, 'block metadata');
    const start = this.start;
    const stop = start + this.count;
    const out = new Array<Labels>(this.count);
    for (let i = 0; i < this.n; i++) {
      const k = v.next();
      if (i < start || i >= stop) {
        for (let j = 0; j < 2 * k; j++) v.next();
        continue;
      }
      out[i - start] = this.entryLabels(v, k);
    }
    if (v.p !== this.mdEnd) throw new CorruptChunkError(`${this.mdEnd - v.p} trailing bytes after block metadata`);
    return out;
  }

  /** Where the per-entry pairs start (reads the symbol table first). */
  private pairsStart(): number {
    if (this.symbols === undefined) this.readSymbols();
    return this.pairsAt;
  }

  /** Offsets of the pair counts of the view's entries; checks the section's length as decodeMetadata does. */
  private entryOffsets(): Uint32Array {
    const v = new Varints(this.mdBuf, this.pairsStart(), this.mdEnd, 'block metadata');
    const start = this.start;
    const at = new Uint32Array(this.count);
    for (let i = 0; i < this.n; i++) {
      if (i >= start && i < start + this.count) at[i - start] = v.p;
      const k = v.next();
      for (let j = 0; j < 2 * k; j++) v.next();
    }
    if (v.p !== this.mdEnd) throw new CorruptChunkError(`${this.mdEnd - v.p} trailing bytes after block metadata`);
    return at;
  }

  /** The k pairs at v, as labels. */
  private entryLabels(v: Varints, k: number): Labels {
    if (k === 0) return NO_LABELS;
    const symbols = this.symbols!;
    const nsym = symbols.length;
    const pairs = (this.pairs ??= new Map());
    const ls = new Array<Label>(k);
    for (let j = 0; j < k; j++) {
      const ni = v.next();
      const vi = v.next();
      if (ni >= nsym || vi >= nsym) throw new CorruptChunkError('block metadata symbol out of range');
      const key = ni * nsym + vi;
      let l = pairs.get(key);
      if (l === undefined) {
        l = Object.freeze({ name: symbols[ni], value: symbols[vi] });
        pairs.set(key, l);
      }
      ls[j] = l;
    }
    return ls;
  }
}

/** The ts and line-length columns of a block, parsed for the entries in [from, through). */
interface Columns {
  /** Entries in the block; the range is entries [start, start + count). */
  readonly n: number;
  readonly start: number;
  readonly count: number;
  readonly ts: BigInt64Array;
  readonly lineStart: Uint32Array;
  /** Line bytes of the entries before `start`, and of all entries. */
  readonly linesBefore: number;
  readonly total: number;
  /** Offset right after the lengths column. */
  readonly p: number;
}

function lowerBoundF64(a: Float64Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

let offsScratch = new Float64Array(1024);

/** Read position of uv(): module state, so the hot loops below call a function V8 inlines. */
let pos = 0;

/**
 * The uvarint at raw[pos] (at most 8 bytes), advancing pos. Past the end, bytes read as
 * undefined: the varint then runs to 8 bytes and throws, so callers check only pos at the end.
 */
function uv(raw: Uint8Array): number {
  let b = raw[pos++];
  if (b < 0x80) return b;
  let r = b & 0x7f;
  b = raw[pos++];
  if (b < 0x80) return r | (b << 7);
  r |= (b & 0x7f) << 7;
  b = raw[pos++];
  if (b < 0x80) return r | (b << 14);
  r |= (b & 0x7f) << 14;
  // 28 bits and more: as doubles, past int32.
  let mul = 2097152;
  for (let i = 3; i < 8; i++) {
    b = raw[pos++];
    r += (b & 0x7f) * mul;
    if (b < 0x80) return r;
    mul *= 128;
  }
  throw new CorruptChunkError(`bad varint in block before offset ${pos}`);
}

/**
 * Reused ts and offset arrays for decoding blocks whose batches live only until the next read
 * (see BlockScratch): no typed-array allocation per block.
 */
export class ColumnScratch {
  private tsBuf = new BigInt64Array(1024);
  private lsBuf = new Uint32Array(1025);

  ts(n: number): BigInt64Array {
    if (this.tsBuf.length < n) this.tsBuf = new BigInt64Array(Math.max(n, 2 * this.tsBuf.length));
    return this.tsBuf.subarray(0, n);
  }

  lineStart(n: number): Uint32Array {
    if (this.lsBuf.length < n) this.lsBuf = new Uint32Array(Math.max(n, 2 * this.lsBuf.length));
    const a = this.lsBuf.subarray(0, n);
    a[0] = 0;
    return a;
  }
}

/** Parses count, ts deltas and line lengths from raw[0, end), end = raw.length. */
function parseColumns(raw: Buffer, end: number, minTs: bigint, from: bigint | undefined, through: bigint | undefined, into?: ColumnScratch): Columns {
  pos = 0;
  const n = uv(raw);
  if (n > end) throw new CorruptChunkError(`block claims ${n} entries in ${end} bytes`);
  // Offsets from minTs: a scratch reused across blocks (decoding is synchronous).
  if (offsScratch.length < n) offsScratch = new Float64Array(Math.max(n, 2 * offsScratch.length));
  const offs = offsScratch;
  let off = 0;
  for (let i = 0; i < n; i++) {
    off += uv(raw);
    offs[i] = off;
  }
  if (pos > end) throw new CorruptChunkError(`truncated block at offset ${end}`);
  if (off > Number.MAX_SAFE_INTEGER) throw new CorruptChunkError('block time span too large');
  // Entry range by offset from minTs: compare as numbers, no bigint per entry.
  let start = 0;
  let stop = n;
  if (from !== undefined && from > minTs) start = from - minTs > MAX_BLOCK_SPAN ? n : lowerBoundF64(offs, Number(from - minTs), 0, n);
  if (through !== undefined) {
    if (through <= minTs) stop = 0;
    else if (through - minTs <= MAX_BLOCK_SPAN) stop = lowerBoundF64(offs, Number(through - minTs), start, n);
  }
  if (stop < start) stop = start;
  const count = stop - start;
  const lineStart = into !== undefined ? into.lineStart(count + 1) : new Uint32Array(count + 1);
  let linesBefore = 0;
  for (let i = 0; i < start; i++) linesBefore += uv(raw);
  let at = 0;
  for (let i = start; i < stop; i++) {
    at += uv(raw);
    lineStart[i - start + 1] = at;
  }
  let total = linesBefore + at;
  for (let i = stop; i < n; i++) total += uv(raw);
  if (pos > end) throw new CorruptChunkError(`truncated block at offset ${end}`);
  const ts = count === 0 ? EMPTY_BATCH.ts : into !== undefined ? into.ts(count) : new BigInt64Array(count);
  if (count > 0) fillTimestamps(ts, minTs, offs, start, stop);
  return { n, start, count, ts, lineStart, linesBefore, total, p: pos };
}

/**
 * ts[i] = base + off[i] without a BigInt allocation per entry: writes the two 32-bit halves of
 * each int64 through a Uint32Array view.
 */
function fillTimestamps(out: BigInt64Array, base: bigint, offs: Float64Array, start: number, end: number): void {
  const n = end - start;
  const u = BigInt.asUintN(64, base);
  const baseLo = Number(u & 0xffffffffn);
  const baseHi = Number(u >> 32n);
  const halves = new Uint32Array(out.buffer, out.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const off = offs[start + i];
    const offLo = off % TWO_32;
    let lo = baseLo + offLo;
    let hi = baseHi + (off - offLo) / TWO_32;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    halves[2 * i + LO] = lo;
    halves[2 * i + HI] = hi % TWO_32;
  }
}

/** Checks the metadata flag at head[p] (the section runs to `end`); returns the section's offset or -1. */
function metadataAt(head: Buffer, p: number, end: number): number {
  if (p >= end) throw new CorruptChunkError('block metadata flag missing');
  const flag = head[p++];
  if (flag === 1) return p;
  if (flag !== 0 || p !== end) throw new CorruptChunkError(`bad block trailer (flag ${flag}, ${end - p} extra bytes)`);
  return -1;
}

/**
 * The entries with from <= ts < through of a decompressed block whose first entry is at minTs,
 * metadata decoded on first use. `raw` is a RawBlock, or a whole format-2 raw block in one
 * buffer (as encodeBlock makes it). Lines are a view of the block. Throws CorruptChunkError on
 * a structural inconsistency (in the metadata: when it is first read).
 */
export function viewBlock(raw: Buffer | RawBlock, minTs: bigint, from?: bigint, through?: bigint, into?: ColumnScratch): EntryBatch {
  if (Buffer.isBuffer(raw)) return viewContiguous(raw, minTs, from, through, into);
  if (raw.version === 1) return viewBlockV1(raw.head, minTs, from, through, into);
  const head = raw.head;
  const c = parseColumns(head, head.length, minTs, from, through, into);
  if (c.total !== raw.lines.length) throw new CorruptChunkError(`block line lengths sum to ${c.total}, its lines are ${raw.lines.length} bytes`);
  const mdAt = metadataAt(head, c.p, head.length);
  if (c.count === 0) return EMPTY_BATCH;
  const lines = raw.lines.subarray(c.linesBefore, c.linesBefore + c.lineStart[c.count]);
  return new BlockView(c.count, c.ts, lines, c.lineStart, head, mdAt, head.length, c.n, c.start);
}

/** Format 2 in one buffer: the lines are its last bytes. */
function viewContiguous(raw: Buffer, minTs: bigint, from?: bigint, through?: bigint, into?: ColumnScratch): EntryBatch {
  const end = raw.length;
  const c = parseColumns(raw, end, minTs, from, through, into);
  const linesAt = end - c.total;
  if (linesAt < c.p) throw new CorruptChunkError(`block lines overrun: need ${c.total} bytes after ${c.p}, block has ${end}`);
  const mdAt = metadataAt(raw, c.p, linesAt);
  if (c.count === 0) return EMPTY_BATCH;
  const at = linesAt + c.linesBefore;
  return new BlockView(c.count, c.ts, raw.subarray(at, at + c.lineStart[c.count]), c.lineStart, raw, mdAt, linesAt, c.n, c.start);
}

/** Format 1: lines right after the lengths, metadata last. */
function viewBlockV1(raw: Buffer, minTs: bigint, from?: bigint, through?: bigint, into?: ColumnScratch): EntryBatch {
  const end = raw.length;
  const c = parseColumns(raw, end, minTs, from, through, into);
  if (c.p + c.total > end) throw new CorruptChunkError(`block lines overrun: need ${c.total} bytes at ${c.p}, block has ${end}`);
  const mdAt = metadataAt(raw, c.p + c.total, end);
  if (c.count === 0) return EMPTY_BATCH;
  const linesAt = c.p + c.linesBefore;
  return new BlockView(c.count, c.ts, raw.subarray(linesAt, linesAt + c.lineStart[c.count]), c.lineStart, raw, mdAt, end, c.n, c.start);
}

/**
 * The columns without the lines of the entries with from <= ts < through, from the raw head of
 * a format-2 block whose lines are `linesSize` bytes: what counting needs. With `into`, the
 * ts and lineStart arrays are views of its buffers (valid until its next use), as for viewBlock.
 */
export function viewColumns(head: Buffer, linesSize: number, minTs: bigint, from?: bigint, through?: bigint, into?: ColumnScratch): ColumnBatch {
  const c = parseColumns(head, head.length, minTs, from, through, into);
  if (c.total !== linesSize) throw new CorruptChunkError(`block line lengths sum to ${c.total}, expected ${linesSize}`);
  const mdAt = metadataAt(head, c.p, head.length);
  if (c.count === 0) return EMPTY_BATCH;
  return new BlockView(c.count, c.ts, EMPTY, c.lineStart, head, mdAt, head.length, c.n, c.start);
}

/**
 * Where, in a format-2 block's lines, the lines of the entries with from <= ts < through are:
 * [start, end), from the raw head (a reader that decompresses only those: see zstdFrames).
 */
export function linesRange(head: Buffer, linesSize: number, minTs: bigint, from: bigint, through: bigint, into?: ColumnScratch): { start: number; end: number } {
  const c = parseColumns(head, head.length, minTs, from, through, into);
  if (c.total !== linesSize) throw new CorruptChunkError(`block line lengths sum to ${c.total}, expected ${linesSize}`);
  return { start: c.linesBefore, end: c.linesBefore + c.lineStart[c.count] };
}

/** As viewBlock, with the metadata decoded (and checked) now. */
export function decodeBlock(raw: Buffer | RawBlock, minTs: bigint, from?: bigint, through?: bigint): EntryBatch {
  const b = viewBlock(raw, minTs, from, through);
  void b.metadata;
  return b;
}
