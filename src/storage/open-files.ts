import { closeSync, fstatSync, openSync } from 'node:fs';

interface OpenFile {
  readonly fd: number;
  readonly size: number;
  /** performance.now() of the last use. */
  last: number;
}

/**
 * Files kept open between range reads. A query reads a chunk pack a chunk at a time, dozens of
 * times in a row; opening, checking and closing the file each time cost ~7 µs, ~50 ms of the main
 * thread per 2 GB scan. A file is closed once unused for `idleMs`, when more than `max` are open,
 * and when its key is written or deleted through the store: a read after a put through the same
 * store sees the new object, as before. Another process replacing a file is seen once the old
 * descriptor went idle (objects read by range, chunk packs, are written once and never replaced).
 */
export class OpenFiles {
  private readonly files = new Map<string, OpenFile>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly idleMs = 1000, private readonly max = 64) {}

  /** The open file of `key` (opened from `path` if need be); throws the open's error (ENOENT...). */
  get(key: string, path: () => string): { fd: number; size: number } {
    const now = performance.now();
    let f = this.files.get(key);
    if (f !== undefined) {
      f.last = now;
      return f;
    }
    const { fd, size } = openFileSync(path());
    if (this.files.size >= this.max) this.close(this.files.keys().next().value!);
    this.files.set(key, (f = { fd, size, last: now }));
    this.sweeper ??= setInterval(() => this.sweep(), this.idleMs).unref();
    return f;
  }

  /** Closes the file of `key` if open (it was written, deleted, or a read of it failed). */
  close(key: string): void {
    const f = this.files.get(key);
    if (f === undefined) return;
    this.files.delete(key);
    closeSync(f.fd);
    if (this.files.size === 0) this.stopSweeping();
  }

  /** Closes every file. */
  closeAll(): void {
    for (const key of [...this.files.keys()]) this.close(key);
  }

  get size(): number {
    return this.files.size;
  }

  private sweep(): void {
    const before = performance.now() - this.idleMs;
    for (const [key, f] of [...this.files]) if (f.last <= before) this.close(key);
  }

  private stopSweeping(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}

/** Opens `p` for reading and checks it is a file (EISDIR otherwise, as a missing object). */
export function openFileSync(p: string): { fd: number; size: number } {
  const fd = openSync(p, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`EISDIR: ${p}`), { code: 'EISDIR' });
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}
