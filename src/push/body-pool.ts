import { BufferPool } from '../chunk/buffer-pool.js';

/**
 * Buffers for decoded push bodies, by power-of-two size from 64 KiB to 8 MiB. A push holds
 * one from decoding until its entries are copied into the ingester (synchronously, well
 * before the WAL write is awaited), so a few serve all pushes instead of a fresh external
 * allocation the size of each body.
 */
const MIN_POOLED = 64 << 10;
const MAX_POOLED = 8 << 20;
const pool = new BufferPool(16 << 20);

/** A buffer of at least n bytes: pooled (give it back with releaseBody) when n <= 8 MiB. */
export function takeBody(n: number): Buffer {
  if (n > MAX_POOLED) return Buffer.allocUnsafeSlow(n);
  let size = MIN_POOLED;
  while (size < n) size *= 2;
  return pool.take(size);
}

/** Returns a buffer from takeBody; nothing may read or write it afterwards. */
export function releaseBody(b: Buffer): void {
  if (b.length >= MIN_POOLED && b.length <= MAX_POOLED && (b.length & (b.length - 1)) === 0 && b.byteOffset === 0) pool.release(b);
}
