import type { FileHandle } from 'node:fs/promises';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { WalError, WalIoError } from './errors.js';
import { checkpointName, fsyncDir } from './files.js';
import { encodeFileHeader, FileKind } from './format.js';
import { encodeFrames } from './frame.js';
import type { WalAppendRecord } from './record.js';

/** Lets the caller stream its in-memory state into a checkpoint. */
export type CheckpointEmit = (r: WalAppendRecord) => void | Promise<void>;
export type CheckpointSource = (emit: CheckpointEmit) => Promise<void>;

const FLUSH_AT = 4 << 20;

/**
 * Buffers frames and writes them in order. emit() returns a promise only when it started a
 * flush; that promise never rejects (a caller may drop it), the error surfaces from the
 * next emit() and from finish().
 */
class FrameSink {
  private bufs: Buffer[] = [];
  private bytes = 0;
  private pos = 0;
  private chain: Promise<void> = Promise.resolve();
  private error: unknown = null;
  done = false;

  constructor(private readonly fh: FileHandle, private readonly path: string) {}

  add(buf: Buffer): Promise<void> | undefined {
    if (this.done) throw new WalError('wal_checkpoint_done', 'emit() called after the checkpoint source returned');
    if (this.error !== null) throw this.error;
    this.bufs.push(buf);
    this.bytes += buf.length;
    return this.bytes >= FLUSH_AT ? this.flush() : undefined;
  }

  private flush(): Promise<void> {
    const bufs = this.bufs;
    const bytes = this.bytes;
    const at = this.pos;
    this.bufs = [];
    this.bytes = 0;
    this.pos += bytes;
    this.chain = this.chain.then(async () => {
      if (this.error !== null) return;
      try {
        const { bytesWritten } = await this.fh.writev(bufs, at);
        if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`);
      } catch (err) {
        this.error = new WalIoError('write', this.path, err);
      }
    });
    return this.chain;
  }

  /** Writes what is left, fdatasyncs; returns the file size. */
  async finish(): Promise<number> {
    this.done = true;
    await this.flush();
    if (this.error !== null) throw this.error;
    try {
      await this.fh.datasync();
    } catch (err) {
      throw new WalIoError('fdatasync', this.path, err);
    }
    return this.pos;
  }
}

/**
 * Writes checkpoint.N: to a temp name, fdatasync, rename, fsync the directory, so a
 * checkpoint.N that exists is complete. Always durable whatever the fsync policy: the
 * segments it replaces are deleted next. Returns the checkpoint's size.
 */
export async function writeCheckpoint(dir: string, n: number, source: CheckpointSource): Promise<number> {
  const final = join(dir, checkpointName(n));
  const tmp = final + '.tmp';
  let fh: FileHandle;
  try {
    fh = await open(tmp, 'w');
  } catch (err) {
    throw new WalIoError('create', tmp, err);
  }
  let closed = false;
  try {
    const sink = new FrameSink(fh, tmp);
    sink.add(encodeFileHeader(FileKind.checkpoint));
    await source((r) => sink.add(encodeFrames([r])));
    const size = await sink.finish();
    closed = true;
    await fh.close();
    try {
      await rename(tmp, final);
    } catch (err) {
      throw new WalIoError('rename', tmp, err);
    }
    await fsyncDir(dir);
    return size;
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
