import { BufferPool } from '../chunk/buffer-pool.js';

/** The smallest buffer handed out (sizes are powers of two from here). */
const MIN_SIZE = 64 * 1024;

/**
 * Buffers for chunk reads, given back once a reader is done with a chunk and reused by later
 * reads. Every new Buffer counts toward V8's external memory, and every ~64 MB of it starts a
 * full collection of the JS heap: a scan of 2 GB of logs reads ~470 MB of compressed chunks, which
 * cost about ten full collections per query before reads were recycled (docs/performance.md).
 * Sizes are rounded up to powers of two so buffers fit later chunks; at most `maxFreeBytes` wait
 * for reuse, the rest is left to the garbage collector.
 *
 * The buffers are shared memory, so the scan workers read a chunk's blocks where it was read to
 * instead of a copy (src/querier/scan-pool). A buffer is given back once its group's jobs are
 * done; a job still running after that (its query aborted) may read the next chunk's bytes, and
 * its reply is discarded.
 */
export class ReadBufferPool {
  private readonly pool: BufferPool;

  /**
   * `poison`: fill buffers given back with 0xdb, so that a reader still using one reads garbage
   * (checksum errors, wrong results) in tests instead of going unnoticed.
   */
  constructor(maxFreeBytes: number, private readonly poison = false) {
    this.pool = new BufferPool(maxFreeBytes, (size) => Buffer.from(new SharedArrayBuffer(size)));
  }

  /** A buffer of at least `length` bytes, its contents undefined. */
  take(length: number): Buffer {
    return this.pool.take(sizeFor(length));
  }

  /** Gives back a buffer from take(); nothing may use it afterwards. */
  give(b: Buffer): void {
    if (b.length !== sizeFor(b.length)) return;
    if (this.poison) b.fill(0xdb);
    this.pool.release(b);
  }

  /** Bytes waiting for reuse. */
  get idleBytes(): number {
    return this.pool.size;
  }
}

function sizeFor(length: number): number {
  let size = MIN_SIZE;
  while (size < length) size *= 2;
  return size;
}
