import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { WalIoError } from './errors.js';
import { encodeFileHeader, FileKind } from './format.js';
import { fsyncDir, segmentName } from './files.js';

/**
 * The open tail segment. Single writer: the Wal serializes every call, and writes go to
 * explicit offsets so a failed write never shifts later ones.
 */
export class SegmentWriter {
  readonly n: number;
  readonly path: string;
  private readonly fh: FileHandle;
  /** Bytes in the file, header included. */
  size: number;

  private constructor(n: number, path: string, fh: FileHandle, size: number) {
    this.n = n;
    this.path = path;
    this.fh = fh;
    this.size = size;
  }

  /**
   * Creates segment `n` (never reuses an existing file) with its header. With `durable`, the
   * header and the directory entry are fsynced so later fdatasyncs cover the records.
   */
  static async create(dir: string, n: number, durable: boolean): Promise<SegmentWriter> {
    const path = join(dir, segmentName(n));
    let fh: FileHandle;
    try {
      fh = await open(path, 'wx');
    } catch (err) {
      throw new WalIoError('create', path, err);
    }
    try {
      const header = encodeFileHeader(FileKind.segment);
      await fh.write(header, 0, header.length, 0);
      if (durable) {
        await fh.datasync();
        await fsyncDir(dir);
      }
      return new SegmentWriter(n, path, fh, header.length);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw err instanceof WalIoError ? err : new WalIoError('create', path, err);
    }
  }

  /** Appends `buffers` (`bytes` in total) after the current end. */
  async write(buffers: Buffer[], bytes: number): Promise<void> {
    let written: number;
    try {
      written = (await this.fh.writev(buffers, this.size)).bytesWritten;
    } catch (err) {
      throw new WalIoError('write', this.path, err);
    }
    if (written !== bytes) throw new WalIoError('write', this.path, new Error(`short write: ${written} of ${bytes} bytes`));
    this.size += bytes;
  }

  async datasync(): Promise<void> {
    try {
      await this.fh.datasync();
    } catch (err) {
      throw new WalIoError('fdatasync', this.path, err);
    }
  }

  async close(): Promise<void> {
    try {
      await this.fh.close();
    } catch (err) {
      throw new WalIoError('close', this.path, err);
    }
  }
}
