/**
 * Unsigned LEB128 varints for lengths, counts and stream ids (up to 2^53 - 1).
 * Arithmetic, not bit operators: those truncate to 32 bits.
 */

export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 0x80); n++; }
  return n;
}

/** Writes `v` at `off`; returns the offset after it. The caller sized the buffer. */
export function writeUvarint(buf: Buffer, off: number, v: number): number {
  while (v >= 0x80) {
    buf[off++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[off++] = v;
  return off;
}

/** Thrown on a varint that runs past `end` or exceeds 2^53 - 1. */
export class VarintError extends Error {
  constructor(message: string) { super(message); this.name = 'VarintError'; }
}

export interface Cursor { off: number }

export function readUvarint(buf: Buffer, cur: Cursor, end: number): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (cur.off >= end) throw new VarintError('varint past end of record');
    const b = buf[cur.off++];
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      if (result > Number.MAX_SAFE_INTEGER) break;
      return result;
    }
    mul *= 0x80;
  }
  throw new VarintError('varint too large');
}
