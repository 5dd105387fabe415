import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidObjectKeyError, ObjectNotFoundError } from './errors.js';
import { compareKeys, validateObjectKey, validateRange, type ObjectInfo, type ObjectStore } from './object-store.js';

/** Temporary files of in-flight puts; never listed, and no key segment may start with it. */
const TMP_PREFIX = '.skald-tmp-';

export interface FilesystemObjectStoreOptions {
  /** fsync file and directory on put (default true): a completed put survives a power loss. */
  fsync?: boolean;
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * Objects up to this size are read with synchronous calls. Every async fs call is a thread-pool
 * round trip costing tens of µs of CPU, and fs/promises readFile makes four or more: reading
 * the 1,000 chunks of a 200 MB query that way cost ~0.15–0.3 s of CPU, read synchronously
 * ~0.02 s. Chunks are small (target 1.5 MiB), so the event loop is blocked only briefly.
 */
const SYNC_READ_MAX = 2 << 20;

/** The whole file when it is at most SYNC_READ_MAX bytes, else undefined; EISDIR for a directory. */
function readSmallSync(p: string): Buffer | undefined {
  const fd = openSync(p, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${p}`), { code: 'EISDIR' });
    if (!st.isFile() || st.size > SYNC_READ_MAX) return undefined;
    const out = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < out.length) {
      const n = readSync(fd, out, got, out.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === out.length ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Objects as files under rootDir; '/' in a key maps to subdirectories. A put writes a temporary
 * file in the target directory, fsyncs it and renames it over the key, so readers never see a
 * partial object. A key cannot be both an object and the directory of other keys.
 */
export class FilesystemObjectStore implements ObjectStore {
  readonly root: string;
  private readonly fsync: boolean;

  constructor(rootDir: string, opts: FilesystemObjectStoreOptions = {}) {
    this.root = resolve(rootDir);
    this.fsync = opts.fsync ?? true;
  }

  private pathOf(key: string): string {
    validateObjectKey(key);
    const segs = key.split('/');
    for (const s of segs) if (s.startsWith(TMP_PREFIX)) throw new InvalidObjectKeyError(key, `segment starts with ${TMP_PREFIX}`);
    return join(this.root, ...segs);
  }

  async get(key: string): Promise<Buffer> {
    const p = this.pathOf(key);
    try {
      return readSmallSync(p) ?? (await readFile(p));
    } catch (err) {
      if (MISSING.has(errCode(err) ?? '')) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer> {
    const p = this.pathOf(key);
    validateRange(offset, length);
    let fh;
    try {
      fh = await open(p, 'r');
    } catch (err) {
      if (MISSING.has(errCode(err) ?? '')) throw new ObjectNotFoundError(key);
      throw err;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new ObjectNotFoundError(key);
      const n = Math.max(0, Math.min(length, st.size - offset));
      const out = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(out, got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? out : out.subarray(0, got);
    } catch (err) {
      if (MISSING.has(errCode(err) ?? '')) throw new ObjectNotFoundError(key);
      throw err;
    } finally {
      await fh.close();
    }
  }

  async put(key: string, data: Buffer): Promise<void> {
    const p = this.pathOf(key);
    const dir = dirname(p);
    // A concurrent delete may prune the directory between mkdir and open: retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dir, { recursive: true });
        await this.writeAtomic(dir, p, data);
        return;
      } catch (err) {
        const code = errCode(err);
        if (code === 'ENOENT' && attempt < 3) continue;
        if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') throw new InvalidObjectKeyError(key, 'conflicts with an existing object or directory');
        throw err;
      }
    }
  }

  private async writeAtomic(dir: string, p: string, data: Buffer): Promise<void> {
    const tmp = join(dir, TMP_PREFIX + randomBytes(8).toString('hex'));
    const fh = await open(tmp, 'wx');
    try {
      try {
        await fh.writeFile(data);
        if (this.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, p);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    if (this.fsync) {
      const d = await open(dir, 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.pathOf(key);
    try {
      await unlink(p);
    } catch (err) {
      if (MISSING.has(errCode(err) ?? '') || errCode(err) === 'EPERM') return;
      throw err;
    }
    await this.pruneEmptyDirs(dirname(p));
  }

  /** Removes now-empty parent directories up to the root, so deleted prefixes leave no husks. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    while (dir.length > this.root.length && dir.startsWith(this.root)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty, or already gone
      }
      dir = dirname(dir);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    // A prefix whose directory part no valid key can have matches nothing (and must not be walked).
    if (dirKey !== '') {
      try {
        validateObjectKey(dirKey.slice(0, -1));
      } catch {
        return [];
      }
    }
    const out: ObjectInfo[] = [];
    await this.walk(dirKey === '' ? this.root : join(this.root, ...dirKey.slice(0, -1).split('/')), dirKey, prefix, out);
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }

  private async walk(dir: string, keyPrefix: string, prefix: string, out: ObjectInfo[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (MISSING.has(errCode(err) ?? '')) return;
      throw err;
    }
    await Promise.all(
      entries.map(async (e) => {
        if (e.name.startsWith(TMP_PREFIX)) return;
        const key = keyPrefix + e.name;
        if (e.isDirectory()) {
          const sub = key + '/';
          if (sub.startsWith(prefix) || prefix.startsWith(sub)) await this.walk(join(dir, e.name), sub, prefix, out);
        } else if (e.isFile() && key.startsWith(prefix)) {
          try {
            const st = await stat(join(dir, e.name));
            out.push({ key, size: st.size, mtimeMs: st.mtimeMs });
          } catch (err) {
            if (!MISSING.has(errCode(err) ?? '')) throw err; // deleted while listing
          }
        }
      }),
    );
  }
}
