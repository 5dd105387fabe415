import { endianness } from 'node:os';
import { HI, LO } from '../model/entry.js';
import type { Label, Labels } from '../model/labels.js';
import { ByteWriter } from './bytes.js';
import { EMPTY_BATCH, type EntryBatch } from './batch.js';
import { CorruptChunkError } from './errors.js';

/**
 * Raw (uncompressed) block layout, columnar so lines stay contiguous and a decoded batch's
 * `lines` is a view of the decompressed block rather than a copy:
 *
 *   uvarint count
 *   count × uvarint  ts delta (first from the block's minTs, then from the previous entry)
 *   count × uvarint  line length
 *   lines            all line bytes back to back
 *   u8               metadata flag: 0 = no entry has structured metadata, 1 = section follows
 *   [uvarint symbolCount, symbolCount × (uvarint len, utf8)]   per-block symbol table
 *   [count × (uvarint pairs, pairs × (uvarint nameSym, uvarint valueSym))]
 *
 * Entries are sorted by timestamp; ts deltas are therefore >= 0, and a block's time span is
 * kept <= Number.MAX_SAFE_INTEGER ns (~104 days) so offsets stay exact as numbers.
 */

export const MAX_BLOCK_SPAN = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Serializes a sorted batch. The caller guarantees ts[count-1] - ts[0] <= MAX_BLOCK_SPAN.
 * With `w` (reset here), the result is a view of its buffer, valid until its next use.
 */
export function encodeBlock(b: EntryBatch, w: ByteWriter = new ByteWriter(b.lines.length + b.count * 6 + 16)): Buffer {
  const n = b.count;
  w.reset();
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
  w.bytes(b.lines.subarray(ls[0], ls[n]));
  encodeMetadata(w, b);
  return w.finish();
}

function hasMetadata(b: EntryBatch): boolean {
  if (b.metadata === null) return false;
  for (const m of b.metadata) if (m.length > 0) return true;
  return false;
}

function encodeMetadata(w: ByteWriter, b: EntryBatch): void {
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

const LITTLE_ENDIAN = endianness() === 'LE';
const TWO_32 = 4294967296;

/**
 * ts[i] = base + off[i] without a BigInt allocation per entry: writes the two 32-bit halves of
 * each int64 through a Uint32Array view (little-endian hosts).
 */
function fillTimestamps(out: BigInt64Array, base: bigint, offs: Float64Array, start: number, end: number): void {
  const n = end - start;
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < n; i++) out[i] = base + BigInt(offs[start + i]);
    return;
  }
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
    halves[2 * i] = lo;
    halves[2 * i + 1] = hi % TWO_32;
  }
}

/**
 * Decodes the entries with from <= ts < through of a raw block whose first entry is at minTs.
 * Lines are a view of `raw`. Throws CorruptChunkError on any structural inconsistency.
 */
export function decodeBlock(raw: Buffer, minTs: bigint, from?: bigint, through?: bigint): EntryBatch {
  let p = 0;
  const end = raw.length;
  const rd = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= end) throw new CorruptChunkError(`truncated block at offset ${p}`);
      const byte = raw[p++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    throw new CorruptChunkError(`varint overflow in block at offset ${p}`);
  };
  const n = rd();
  if (n > raw.length) throw new CorruptChunkError(`block claims ${n} entries in ${raw.length} bytes`);
  const offs = new Float64Array(n);
  let off = 0;
  for (let i = 0; i < n; i++) {
    off += rd();
    offs[i] = off;
  }
  if (off > Number.MAX_SAFE_INTEGER) throw new CorruptChunkError('block time span too large');
  // Entry range by offset from minTs: compare as numbers, no bigint per entry.
  let start = 0;
  let stop = n;
  if (from !== undefined && from > minTs) {
    const f = from - minTs;
    if (f > MAX_BLOCK_SPAN) start = n;
    else {
      start = lowerBoundF64(offs, Number(f), 0, n);
    }
  }
  if (through !== undefined) {
    if (through <= minTs) stop = 0;
    else {
      const t = through - minTs;
      if (t <= MAX_BLOCK_SPAN) {
        stop = lowerBoundF64(offs, Number(t), start, n);
      }
    }
  }
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
  if (p + total > end) throw new CorruptChunkError(`block lines overrun: need ${total} bytes at ${p}, block has ${end}`);
  const linesAt = p;
  p += total;
  if (p >= end) throw new CorruptChunkError('block metadata flag missing');
  const flag = raw[p++];
  let metadata: Labels[] | null = null;
  if (flag === 1) metadata = decodeMetadata(raw, p, end, n, start, stop);
  else if (flag !== 0 || p !== end) throw new CorruptChunkError(`bad block trailer (flag ${flag}, ${end - p} extra bytes)`);
  if (count === 0) return EMPTY_BATCH;
  const ts = new BigInt64Array(count);
  fillTimestamps(ts, minTs, offs, start, stop);
  return {
    count,
    ts,
    lines: raw.subarray(linesAt + linesBefore, linesAt + linesBefore + lineStart[count]),
    lineStart,
    metadata,
  };
}

function decodeMetadata(raw: Buffer, p: number, end: number, n: number, start: number, stop: number): Labels[] {
  const rd = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= end) throw new CorruptChunkError(`truncated block metadata at offset ${p}`);
      const byte = raw[p++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 128;
    }
    throw new CorruptChunkError(`varint overflow in block metadata at offset ${p}`);
  };
  const nsym = rd();
  if (nsym > end - p) throw new CorruptChunkError(`block metadata claims ${nsym} symbols`);
  const symbols = new Array<string>(nsym);
  for (let i = 0; i < nsym; i++) {
    const len = rd();
    if (p + len > end) throw new CorruptChunkError('block metadata symbol overrun');
    symbols[i] = raw.toString('utf8', p, p + len);
    p += len;
  }
  // Label objects are shared by every entry with the same pair: one allocation per distinct pair.
  const pairs = new Map<number, Label>();
  const out = new Array<Labels>(stop - start);
  for (let i = 0; i < n; i++) {
    const k = rd();
    if (i < start || i >= stop) {
      for (let j = 0; j < 2 * k; j++) rd();
      continue;
    }
    if (k === 0) {
      out[i - start] = NO_LABELS;
      continue;
    }
    const ls = new Array<Label>(k);
    for (let j = 0; j < k; j++) {
      const ni = rd();
      const vi = rd();
      if (ni >= nsym || vi >= nsym) throw new CorruptChunkError(`block metadata symbol out of range`);
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
  if (p !== end) throw new CorruptChunkError(`${end - p} trailing bytes after block metadata`);
  return out;
}

function lowerBoundF64(a: Float64Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const NO_LABELS: Labels = Object.freeze([]) as Labels;
