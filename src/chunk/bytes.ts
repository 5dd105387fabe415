/**
 * Little-endian binary writer and reader with unsigned LEB128 varints, shared by the chunk and
 * index formats. Varints carry non-negative integers up to Number.MAX_SAFE_INTEGER.
 */

export type ErrorFactory = new (message: string) => Error;

const TWO_32 = 4294967296;

export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialSize));
  }

  get length(): number {
    return this.pos;
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Non-negative integer up to 2^53-1 as 8 bytes. */
  u64(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(v % TWO_32, this.pos);
    this.buf.writeUInt32LE(Math.floor(v / TWO_32), this.pos + 4);
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
  }

  bigU64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
  }

  uvarint(v: number): void {
    this.ensure(8);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80000000) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.pos = p;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** Length-prefixed UTF-8. */
  string(s: string): void {
    const n = Buffer.byteLength(s);
    this.uvarint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }

  /** Overwrites 4 bytes already written (for lengths known only at the end). */
  patchU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v >>> 0, at);
  }

  /** A view of the bytes written so far (invalidated by later writes, which may reallocate). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class ByteReader {
  pos: number;
  private readonly buf: Buffer;
  private readonly end: number;
  private readonly Err: ErrorFactory;

  constructor(buf: Buffer, Err: ErrorFactory, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.Err = Err;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new this.Err(`truncated data: need ${n} bytes at offset ${this.pos}, have ${this.end - this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    if (hi >= 0x200000) throw new this.Err(`integer too large at offset ${this.pos}`);
    this.pos += 8;
    return hi * TWO_32 + lo;
  }

  i64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  bigU64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (p >= this.end) throw new this.Err(`truncated varint at offset ${this.pos}`);
      const byte = b[p++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) break;
        this.pos = p;
        return result;
      }
      mul *= 128;
    }
    throw new this.Err(`varint overflow at offset ${this.pos}`);
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): string {
    const n = this.uvarint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
