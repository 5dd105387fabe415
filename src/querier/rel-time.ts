import type { EntryBatch } from '../chunk/index.js';
import { HI, LO, TWO_32 } from '../model/entry.js';

/** The int64 halves of a batch's timestamps (see Halves in model/entry). */
export interface TsView {
  readonly lo: Uint32Array;
  readonly hi: Int32Array;
}

const MAX_SPAN = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Timestamps as numbers relative to a base: exact while they are within 2^53 ns (104 days) of it,
 * and read from the int64 halves, so comparing and bucketing entries makes no bigint per entry.
 */
export class RelTime {
  private readonly baseHi: number;
  private readonly baseLo: number;

  constructor(readonly base: bigint) {
    const u = BigInt.asUintN(64, base);
    this.baseLo = Number(u & 0xffffffffn);
    this.baseHi = Number(BigInt.asIntN(32, u >> 32n));
  }

  /** Whether every time in [from, through) is within range of `from` as a base. */
  static fits(from: bigint, through: bigint): boolean {
    return through - from <= MAX_SPAN;
  }

  rel(ts: bigint): number {
    return Number(ts - this.base);
  }

  view(b: Pick<EntryBatch, 'ts' | 'count'>): TsView {
    const n = b.ts.length * 2;
    return { lo: new Uint32Array(b.ts.buffer, b.ts.byteOffset, n), hi: new Int32Array(b.ts.buffer, b.ts.byteOffset, n) };
  }

  /** Entry i's time relative to the base. */
  relAt(v: TsView, i: number): number {
    return (v.hi[2 * i + HI] - this.baseHi) * TWO_32 + (v.lo[2 * i + LO] - this.baseLo);
  }

  /** Relative times of entries [0, n) into out. */
  fill(v: TsView, n: number, out: Float64Array): void {
    const bh = this.baseHi;
    const bl = this.baseLo;
    for (let i = 0; i < n; i++) out[i] = (v.hi[2 * i + HI] - bh) * TWO_32 + (v.lo[2 * i + LO] - bl);
  }
}
