/**
 * Free buffers by exact size, for buffers the write path allocates and drops at a high rate
 * (head block lines, WAL frames). Reusing them keeps V8's external memory from growing with
 * every push, which is what triggers most garbage collections there, and reuses pages that are
 * already resident instead of faulting in fresh ones. A buffer must only be released when
 * nothing can still read it.
 */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;

  /**
   * `maxFreeBytes` bounds what the pool keeps; buffers released beyond it are left to the GC.
   * `alloc` makes a new buffer of `size` bytes.
   */
  constructor(private readonly maxFreeBytes: number, private readonly alloc: (size: number) => Buffer = Buffer.allocUnsafeSlow) {}

  /** A buffer of exactly `size` bytes (contents undefined). */
  take(size: number): Buffer {
    const list = this.free.get(size);
    const b = list?.pop();
    if (b !== undefined) {
      this.freeBytes -= size;
      return b;
    }
    return this.alloc(size);
  }

  release(b: Buffer): void {
    if (this.freeBytes + b.length > this.maxFreeBytes) return;
    let list = this.free.get(b.length);
    if (list === undefined) this.free.set(b.length, (list = []));
    list.push(b);
    this.freeBytes += b.length;
  }

  /** Bytes held by free buffers. */
  get size(): number {
    return this.freeBytes;
  }
}
