/**
 * A raw block (chunk format version 1, docs/formats.md "Block") read for a query: timestamps
 * and line offsets up front, structured metadata only when first asked for. A line filter that
 * keeps a few lines of a block, or a count whose grouping the metadata cannot touch, then never
 * builds a label array per entry (every entry has detected_level).
 */
import { EMPTY_BATCH, type EntryBatch } from '../chunk/index.js';
import { CorruptChunkError } from '../chunk/errors.js';
import { HI, LO, TWO_32 } from '../model/entry.js';
import type { Label, Labels } from '../model/labels.js';

const MAX_SPAN = BigInt(Number.MAX_SAFE_INTEGER);
const NO_LABELS: Labels = Object.freeze([]) as Labels;

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

/** A decoded block whose metadata is decoded on first use (valid as long as the raw block is). */
export class BlockView implements EntryBatch {
  private md: Labels[] | null | undefined;
  private symbols: string[] | undefined;
  /** Offset of the per-entry pairs, after the symbol table. */
  private pairsAt = 0;

  constructor(
    readonly count: number,
    readonly ts: BigInt64Array,
    readonly lines: Buffer,
    readonly lineStart: Uint32Array,
    private readonly raw: Buffer,
    /** Offset of the metadata section after its flag byte; -1: none. */
    private readonly mdAt: number,
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

  private readSymbols(): number {
    const raw = this.raw;
    const v = new Varints(raw, this.mdAt, raw.length, 'block metadata');
    const nsym = v.next();
    if (nsym > raw.length - v.p) throw new CorruptChunkError(`block metadata claims ${nsym} symbols`);
    const symbols = new Array<string>(nsym);
    for (let i = 0; i < nsym; i++) {
      const len = v.next();
      if (v.p + len > raw.length) throw new CorruptChunkError('block metadata symbol overrun');
      symbols[i] = raw.toString('utf8', v.p, v.p + len);
      v.p += len;
    }
    this.symbols = symbols;
    this.pairsAt = v.p;
    return v.p;
  }

  private decodeMetadata(): Labels[] {
    const raw = this.raw;
    if (this.symbols === undefined) this.readSymbols();
    const symbols = this.symbols!;
    const nsym = symbols.length;
    const v = new Varints(raw, this.pairsAt, raw.length, 'block metadata');
    const start = this.start;
    const stop = start + this.count;
    // Label objects are shared by every entry with the same pair.
    const pairs = new Map<number, Label>();
    const out = new Array<Labels>(this.count);
    for (let i = 0; i < this.n; i++) {
      const k = v.next();
      if (i < start || i >= stop) {
        for (let j = 0; j < 2 * k; j++) v.next();
        continue;
      }
      if (k === 0) {
        out[i - start] = NO_LABELS;
        continue;
      }
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
      out[i - start] = ls;
    }
    if (v.p !== raw.length) throw new CorruptChunkError(`${raw.length - v.p} trailing bytes after block metadata`);
    return out;
  }
}

function lowerBound(a: Float64Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The entries with from <= ts < through of a raw block whose first entry is at minTs, as decodeBlock
 * (src/chunk/block.ts) reads them, but with metadata left for later.
 */
export function viewBlock(raw: Buffer, minTs: bigint, from: bigint, through: bigint): EntryBatch {
  const end = raw.length;
  const v = new Varints(raw, 0, end, 'block');
  const rd = (): number => v.next();
  const n = rd();
  if (n > raw.length) throw new CorruptChunkError(`block claims ${n} entries in ${raw.length} bytes`);
  const offs = new Float64Array(n);
  let off = 0;
  for (let i = 0; i < n; i++) {
    off += rd();
    offs[i] = off;
  }
  if (off > Number.MAX_SAFE_INTEGER) throw new CorruptChunkError('block time span too large');
  let start = 0;
  let stop = n;
  if (from > minTs) start = from - minTs > MAX_SPAN ? n : lowerBound(offs, Number(from - minTs), 0, n);
  if (through <= minTs) stop = 0;
  else if (through - minTs <= MAX_SPAN) stop = lowerBound(offs, Number(through - minTs), start, n);
  if (stop < start) stop = start;
  const count = stop - start;
  const lineStart = new Uint32Array(count + 1);
  let linesBefore = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const len = rd();
    if (i < start) linesBefore += len;
    else if (i < stop) lineStart[i - start + 1] = lineStart[i - start] + len;
    total += len;
  }
  let p = v.p;
  if (p + total > end) throw new CorruptChunkError(`block lines overrun: need ${total} bytes at ${p}, block has ${end}`);
  const linesAt = p;
  p += total;
  if (p >= end) throw new CorruptChunkError('block metadata flag missing');
  const flag = raw[p++];
  if (flag !== 1 && (flag !== 0 || p !== end)) throw new CorruptChunkError(`bad block trailer (flag ${flag}, ${end - p} extra bytes)`);
  if (count === 0) return EMPTY_BATCH;
  const ts = new BigInt64Array(count);
  // ts = minTs + offset, written as int64 halves: no bigint per entry.
  const u = BigInt.asUintN(64, minTs);
  const baseLo = Number(u & 0xffffffffn);
  const baseHi = Number(u >> 32n);
  const halves = new Uint32Array(ts.buffer, ts.byteOffset, count * 2);
  for (let i = 0; i < count; i++) {
    const o = offs[start + i];
    const oLo = o % TWO_32;
    let lo = baseLo + oLo;
    let hi = baseHi + (o - oLo) / TWO_32;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    halves[2 * i + LO] = lo;
    halves[2 * i + HI] = hi % TWO_32;
  }
  const lines = raw.subarray(linesAt + linesBefore, linesAt + linesBefore + lineStart[count]);
  return new BlockView(count, ts, lines, lineStart, raw, flag === 1 ? p : -1, n, start);
}
