import { randomBytes } from 'node:crypto';
import { close, closeSync, fsync, mkdir, open as openCb, readSync, rename, statSync, unlink, write } from 'node:fs';
import { mkdir as mkdirP, open, readdir, readFile, rmdir, unlink as unlinkP } from 'node:fs/promises';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { InvalidObjectKeyError, ObjectNotFoundError } from './errors.js';
import { OpenFiles, openFileSync } from './open-files.js';
import { checkInto, compareKeys, validateObjectKey, validateRange, type ObjectInfo, type ObjectStore } from './object-store.js';

/** One object of a putMany batch. */
export interface PutObject {
  readonly key: string;
  readonly data: Buffer;
}

/** Temporary files of in-flight puts; never listed, and no key segment may start with it. */
const TMP_PREFIX = '.skald-tmp-';

export interface FilesystemObjectStoreOptions {
  /** fsync file and directory on put (default true): a completed put survives a power loss. */
  fsync?: boolean;
  /** File operations of puts (default: node:fs); for tests. */
  ops?: FileOps;
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** The file operations of puts (replaceable in tests, to check their order). */
export interface FileOps {
  open(path: string, flags: string): Promise<number>;
  /** Bytes written (may be fewer than asked). */
  write(fd: number, data: Buffer, offset: number, length: number): Promise<number>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Creates one directory (its parent exists); EEXIST when it does. */
  mkdir(path: string): Promise<void>;
}

// Callback fs calls on plain descriptors: each is one thread-pool round trip, without the
// FileHandle objects of fs/promises (which cost ~50 µs of main-thread CPU per open).
const writeP = promisify(write);
const mkdirCb = promisify(mkdir);
export const NODE_FILE_OPS: FileOps = {
  open: promisify(openCb),
  write: async (fd, data, offset, length) => (await writeP(fd, data, offset, length, null)).bytesWritten,
  fsync: promisify(fsync),
  close: promisify(close),
  rename: promisify(rename),
  unlink: promisify(unlink),
  mkdir: async (path) => {
    await mkdirCb(path);
  },
};

/**
 * File operations of one putMany in flight at once (src/cli/threadpool.ts sizes the thread pool
 * to 16). When every chunk was its own object, 4 left flushes behind ingestion (25 MB/s, pushes
 * held back by memory); a put of one object (a chunk pack, an index file) uses one at a time.
 */
const FS_CONCURRENCY = 16;

interface PendingPut {
  readonly key: string;
  readonly data: Buffer;
  readonly path: string;
  readonly dir: string;
  /** The temporary file while it exists, else ''. */
  tmp: string;
  /** Renamed into place (a retry skips it). */
  written: boolean;
}

/** A failed file operation of one object in a batch (tells which key for the error). */
class PutError extends Error {
  readonly code: string | undefined;
  constructor(readonly key: string, override readonly cause: unknown) {
    super(`put ${key}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = new.target.name;
    this.code = errCode(cause);
  }
}

async function wrap(key: string, op: () => Promise<void>): Promise<void> {
  try {
    await op();
  } catch (err) {
    throw new PutError(key, err);
  }
}

/** fsync of a file or directory by path. */
async function fsyncPath(ops: FileOps, p: string): Promise<void> {
  const fd = await ops.open(p, 'r');
  try {
    await ops.fsync(fd);
  } finally {
    await ops.close(fd);
  }
}

/** Runs fn over items with at most `limit` calls in flight; the first error wins once all settle. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.err;
}

/**
 * Objects up to this size are read with synchronous calls. Every async fs call is a thread-pool
 * round trip costing tens of µs of CPU, and fs/promises readFile makes four or more: reading
 * the 1,000 chunks of a 200 MB query that way cost ~0.15–0.3 s of CPU, read synchronously
 * ~0.02 s. Chunks are small (target 1.5 MiB), so the event loop is blocked only briefly.
 */
const SYNC_READ_MAX = 2 << 20;

/** Fills `out` from the file at `offset`; short (a subarray) at the file's end. */
function readAtSync(fd: number, out: Buffer, offset: number): Buffer {
  let got = 0;
  while (got < out.length) {
    const n = readSync(fd, out, got, out.length - got, offset + got);
    if (n === 0) break;
    got += n;
  }
  return got === out.length ? out : out.subarray(0, got);
}

/** The whole file when it is at most SYNC_READ_MAX bytes, else undefined. */
function readSmallSync(p: string): Buffer | undefined {
  const { fd, size } = openFileSync(p);
  try {
    return size > SYNC_READ_MAX ? undefined : readAtSync(fd, Buffer.allocUnsafe(size), 0);
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
  private readonly ops: FileOps;
  /** Directories this store created or found, with their entries durable: no mkdir needed. */
  private readonly knownDirs = new Set<string>();
  /** Directory creations under way, so concurrent puts into a new directory share one. */
  private readonly creating = new Map<string, Promise<void>>();
  /** Files kept open for range reads (chunk packs are read a chunk at a time). */
  private readonly openFiles = new OpenFiles();

  constructor(rootDir: string, opts: FilesystemObjectStoreOptions = {}) {
    this.root = resolve(rootDir);
    this.fsync = opts.fsync ?? true;
    this.ops = opts.ops ?? NODE_FILE_OPS;
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

  async getRange(key: string, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    validateRange(offset, length);
    if (into !== undefined) checkInto(into, length);
    if (length <= SYNC_READ_MAX) {
      let f;
      try {
        f = this.openFiles.get(key, () => this.pathOf(key));
      } catch (err) {
        if (MISSING.has(errCode(err) ?? '')) throw new ObjectNotFoundError(key);
        throw err;
      }
      const n = Math.max(0, Math.min(length, f.size - offset));
      try {
        return readAtSync(f.fd, into === undefined ? Buffer.allocUnsafe(n) : into.subarray(0, n), offset);
      } catch (err) {
        this.openFiles.close(key);
        throw err;
      }
    }
    const p = this.pathOf(key);
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
      const out = into === undefined ? Buffer.allocUnsafe(n) : into.subarray(0, n);
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
    await this.putMany([{ key, data }]);
  }

  /**
   * Stores several objects, each atomically, all durable when the promise resolves. Every
   * object is written to a temporary file and fsynced, then all are renamed into place and each
   * directory that got one is fsynced once: the costs shared by the batch are paid once, not
   * per object. On failure some objects may be stored; none is partial.
   */
  async putMany(objects: readonly PutObject[]): Promise<void> {
    const items = objects.map((o): PendingPut => {
      const path = this.pathOf(o.key);
      return { key: o.key, data: o.data, path, dir: dirname(path), tmp: '', written: false };
    });
    // A concurrent delete may prune a directory the cache still holds: retry those once more.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.putAll(items);
        break;
      } catch (err) {
        // The cache may be wrong about a directory (pruned, or a file in the way).
        this.forgetDirs(items);
        const code = errCode(err);
        if (code === 'ENOENT' && attempt < 3) continue;
        const key = err instanceof PutError ? err.key : items[0]?.key ?? '';
        if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') throw new InvalidObjectKeyError(key, 'conflicts with an existing object or directory');
        throw err instanceof PutError ? err.cause : err;
      }
    }
    if (this.fsync) await eachLimited([...new Set(items.map((it) => it.dir))], FS_CONCURRENCY, (d) => fsyncPath(this.ops, d));
  }

  /** Creates the directories, writes the temporary files and renames them into place. */
  private async putAll(items: PendingPut[]): Promise<void> {
    const todo = items.filter((it) => !it.written);
    const byDir = new Map<string, string>();
    for (const it of todo) if (!byDir.has(it.dir)) byDir.set(it.dir, it.key);
    await eachLimited([...byDir], FS_CONCURRENCY, ([d, key]) => wrap(key, () => this.ensureDir(d)));
    try {
      await eachLimited(todo, FS_CONCURRENCY, async (it) => {
        it.tmp = join(it.dir, TMP_PREFIX + randomBytes(8).toString('hex'));
        await wrap(it.key, () => this.writeTemp(it.tmp, it.data));
      });
      await eachLimited(todo, FS_CONCURRENCY, async (it) => {
        await wrap(it.key, () => this.ops.rename(it.tmp, it.path));
        this.openFiles.close(it.key);
        it.tmp = '';
        it.written = true;
      });
    } finally {
      const left = todo.filter((it) => it.tmp !== '');
      await Promise.all(left.map((it) => this.ops.unlink(it.tmp).catch(() => undefined)));
      for (const it of left) it.tmp = '';
    }
  }

  /** Creates, writes, fsyncs (per policy) and closes a new file. */
  private async writeTemp(tmp: string, data: Buffer): Promise<void> {
    const fd = await this.ops.open(tmp, 'wx');
    try {
      let off = 0;
      while (off < data.length) {
        const n = await this.ops.write(fd, data, off, data.length - off);
        if (n <= 0) throw Object.assign(new Error(`short write to ${tmp}`), { code: 'EIO' });
        off += n;
      }
      if (this.fsync) await this.ops.fsync(fd);
    } finally {
      await this.ops.close(fd);
    }
  }

  /**
   * Makes `dir` exist, durably: each directory created is made durable by fsyncing its parent
   * (else a crash could lose the directory, and the objects renamed into it, after the put
   * returned). Directories known to exist are not checked again.
   */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    let pending = this.creating.get(dir);
    if (pending === undefined) {
      pending = this.createDir(dir).finally(() => this.creating.delete(dir));
      this.creating.set(dir, pending);
    }
    await pending;
  }

  private async createDir(dir: string): Promise<void> {
    const parent = dirname(dir);
    if (dir !== this.root) await this.ensureDir(parent);
    let created = false;
    try {
      // The root's own parents are the operator's: created if missing, like mkdir -p.
      if (dir === this.root) created = (await mkdirP(dir, { recursive: true })) !== undefined;
      else {
        await this.ops.mkdir(dir);
        created = true;
      }
    } catch (err) {
      if (errCode(err) !== 'EEXIST') throw err;
      // EEXIST for a file in the way: the open in it fails with ENOTDIR.
    }
    if (created && this.fsync) await fsyncPath(this.ops, parent);
    this.knownDirs.add(dir);
  }

  private forgetDirs(items: readonly PendingPut[]): void {
    for (const it of items) {
      // Up to and including the root (deleted under a running store, it is made again).
      for (let d = it.dir; d.length >= this.root.length; d = dirname(d)) {
        this.knownDirs.delete(d);
        if (d === this.root) break;
      }
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.pathOf(key);
    try {
      await unlinkP(p);
    } catch (err) {
      if (MISSING.has(errCode(err) ?? '') || errCode(err) === 'EPERM') return;
      throw err;
    } finally {
      // Once gone, reads fail as for any missing object (a read during the unlink saw it whole).
      this.openFiles.close(key);
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
      this.knownDirs.delete(dir);
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
          // Synchronous, as reads are: queries list the index files of their tables every time
          // (~120 per GB flushed), and an async stat each cost a thread-pool round trip.
          try {
            const st = statSync(join(dir, e.name), { throwIfNoEntry: false });
            if (st !== undefined) out.push({ key, size: st.size, mtimeMs: st.mtimeMs }); // else deleted while listing
          } catch (err) {
            if (!MISSING.has(errCode(err) ?? '')) throw err;
          }
        }
      }),
    );
  }
}
