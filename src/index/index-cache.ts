import { IndexFile } from './index-file.js';

/**
 * Decoded index files by object key, least recently used evicted beyond a byte budget.
 * Index files are immutable, so an entry never goes stale; concurrent loads of one key share
 * a single fetch.
 */
export class IndexFileCache {
  private readonly maxBytes: number;
  private readonly files = new Map<string, IndexFile>();
  private readonly loading = new Map<string, Promise<IndexFile>>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get size(): number {
    return this.files.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  async get(key: string, fetch: (key: string) => Promise<Buffer>): Promise<IndexFile> {
    const f = this.files.get(key);
    if (f !== undefined) {
      this.files.delete(key);
      this.files.set(key, f);
      this.hits++;
      return f;
    }
    let p = this.loading.get(key);
    if (p === undefined) {
      this.misses++;
      p = fetch(key).then((buf) => IndexFile.decode(buf));
      this.loading.set(key, p);
      p.then(
        (file) => {
          this.loading.delete(key);
          this.add(key, file);
        },
        () => this.loading.delete(key),
      );
    }
    return p;
  }

  private add(key: string, file: IndexFile): void {
    if (this.files.has(key)) return;
    this.files.set(key, file);
    this.bytes += file.byteSize;
    for (const [k, f] of this.files) {
      if (this.bytes <= this.maxBytes || this.files.size === 1) break;
      this.files.delete(k);
      this.bytes -= f.byteSize;
    }
  }

  delete(key: string): void {
    const f = this.files.get(key);
    if (f === undefined) return;
    this.files.delete(key);
    this.bytes -= f.byteSize;
  }
}
