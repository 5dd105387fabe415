import { endianness } from 'node:os';
import type { EntryBatch } from './batch.js';

const LITTLE_ENDIAN = endianness() === 'LE';
const BITS_PER_ENTRY = 12;
const PROBES = 8;
const SAMPLE = 24;

/**
 * A cheap hash of a line: its length and up to 24 bytes each at its start, middle and end.
 * Equal lines always hash equal; unequal lines that collide only cost a needless lookup.
 */
export function lineSampleHash(buf: Uint8Array, start = 0, end = buf.length): number {
  const len = end - start;
  let h = Math.imul(len ^ 0x811c9dc5, 0x01000193);
  if (len <= 3 * SAMPLE) {
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h >>> 0;
  }
  const mid = start + ((len - SAMPLE) >>> 1);
  for (let i = 0; i < SAMPLE; i++) {
    h = Math.imul(h ^ buf[start + i], 0x01000193);
    h = Math.imul(h ^ buf[mid + i], 0x01000193);
    h = Math.imul(h ^ buf[end - SAMPLE + i], 0x01000193);
  }
  return h >>> 0;
}

/**
 * A Bloom filter over (timestamp, line hash) of a cut block, kept in memory only. It lets a
 * duplicate check rule a block out without decompressing it, even when many entries share a
 * timestamp (second-precision sources); ~12 bits per entry give well under 1% false positives.
 */
export class EntryFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  private constructor(nbits: number) {
    this.bits = new Uint32Array(nbits >>> 5);
    this.mask = nbits - 1;
  }

  /** Reads the int64 halves through a Uint32Array view: no BigInt per entry. */
  static build(b: EntryBatch): EntryFilter {
    let nbits = 64;
    while (nbits < b.count * BITS_PER_ENTRY) nbits *= 2;
    const f = new EntryFilter(nbits);
    const u = LITTLE_ENDIAN ? new Uint32Array(b.ts.buffer, b.ts.byteOffset, b.count * 2) : null;
    for (let i = 0; i < b.count; i++) {
      const lh = lineSampleHash(b.lines, b.lineStart[i], b.lineStart[i + 1]);
      if (u !== null) f.add(u[2 * i], u[2 * i + 1], lh);
      else f.add(...halves(b.ts[i]), lh);
    }
    return f;
  }

  get byteSize(): number {
    return this.bits.byteLength;
  }

  private add(lo: number, hi: number, lh: number): void {
    const h1 = hash1(lo, hi, lh);
    const h2 = hash2(lo, hi, lh);
    for (let j = 0; j < PROBES; j++) {
      const bit = (h1 + Math.imul(j, h2)) & this.mask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  /** lh is lineSampleHash of the line. */
  mayContain(ts: bigint, lh: number): boolean {
    const [lo, hi] = halves(ts);
    const h1 = hash1(lo, hi, lh);
    const h2 = hash2(lo, hi, lh);
    for (let j = 0; j < PROBES; j++) {
      const bit = (h1 + Math.imul(j, h2)) & this.mask;
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

function halves(t: bigint): [number, number] {
  return [Number(BigInt.asUintN(32, t)), Number(BigInt.asUintN(32, t >> 32n))];
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function hash1(lo: number, hi: number, lh: number): number {
  return mix(lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(lh, 0x85ebca77));
}

function hash2(lo: number, hi: number, lh: number): number {
  return mix(hi ^ Math.imul(lo, 0x27d4eb2f) ^ Math.imul(lh ^ 0x165667b1, 0xc2b2ae3d)) | 1;
}
