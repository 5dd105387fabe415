import { open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { WalIoError } from './errors.js';

/** Names in a WAL directory: segments `00000042`, checkpoints `checkpoint.00000042` (+ `.tmp`). */

const SEGMENT_RE = /^\d{8,}$/;
const CHECKPOINT_RE = /^checkpoint\.(\d{8,})$/;
const CHECKPOINT_TMP_RE = /^checkpoint\.\d{8,}\.tmp$/;

export function segmentName(n: number): string {
  return String(n).padStart(8, '0');
}

export function checkpointName(n: number): string {
  return 'checkpoint.' + segmentName(n);
}

export interface DirListing {
  /** Segment numbers, ascending. */
  segments: number[];
  /** Complete checkpoint numbers, ascending. */
  checkpoints: number[];
  /** Leftover temp files of interrupted checkpoints. */
  temps: string[];
}

export async function listDir(dir: string): Promise<DirListing> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { segments: [], checkpoints: [], temps: [] };
    throw new WalIoError('readdir', dir, err);
  }
  const out: DirListing = { segments: [], checkpoints: [], temps: [] };
  for (const name of names) {
    if (SEGMENT_RE.test(name)) out.segments.push(Number(name));
    else if (CHECKPOINT_TMP_RE.test(name)) out.temps.push(name);
    else {
      const m = CHECKPOINT_RE.exec(name);
      if (m) out.checkpoints.push(Number(m[1]));
    }
  }
  out.segments.sort((a, b) => a - b);
  out.checkpoints.sort((a, b) => a - b);
  return out;
}

/** fsync a directory so that created, renamed and deleted names survive power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
  } catch (err) {
    throw new WalIoError('fsync directory', dir, err);
  }
}

/** Size of a file, 0 if it is gone. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new WalIoError('stat', path, err);
  }
}

/** Deletes `names` in `dir`; returns the bytes freed. Missing files are fine. */
export async function removeFiles(dir: string, names: readonly string[]): Promise<number> {
  let freed = 0;
  for (const name of names) {
    const path = join(dir, name);
    const size = await fileSize(path);
    try {
      await unlink(path);
      freed += size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new WalIoError('unlink', path, err);
    }
  }
  return freed;
}
