/** The smallest buffer handed out (sizes are powers of two from here). */
const MIN_SIZE = 64 * 1024;

/**
 * Buffers for chunk reads, given back once a reader is done with a chunk and reused by later
 * reads. Every new Buffer counts toward V8's external memory, and every ~64 MB of it starts a
 * full collection of the JS heap: a scan of 2 GB of logs reads ~470 MB of compressed chunks, which
 * cost about ten full collections per query before reads were recycled (docs/performance.md).
 * Sizes are rounded up to powers of two so buffers fit later chunks; at most `maxFreeBytes` wait
 * for reuse, the rest is left to the garbage collector.
 */
export class ReadBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  /**
   * `poison`: fill buffers given back with 0xdb, so that a reader still using one reads garbage
   * (checksum errors, wrong results) in tests instead of going unnoticed.
   */
  constructor(private readonly maxFreeBytes: number, private readonly poison = false) {}

  /** A buffer of at least `length` bytes, its contents undefined. */
  take(length: number): Buffer {
    const size = sizeFor(length);
    const b = this.free.get(size)?.pop();
    if (b === undefined) return Buffer.allocUnsafeSlow(size);
    this.freeBytes -= size;
    return b;
  }

  /** Gives back a buffer from take(); nothing may use it afterwards. */
  give(b: Buffer): void {
    if (b.length !== sizeFor(b.length) || this.freeBytes + b.length > this.maxFreeBytes) return;
    if (this.poison) b.fill(0xdb);
    let list = this.free.get(b.length);
    if (list === undefined) this.free.set(b.length, (list = []));
    list.push(b);
    this.freeBytes += b.length;
  }

  /** Bytes waiting for reuse. */
  get idleBytes(): number {
    return this.freeBytes;
  }
}

function sizeFor(length: number): number {
  let size = MIN_SIZE;
  while (size < length) size *= 2;
  return size;
}
