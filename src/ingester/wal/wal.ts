import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FsyncPolicy } from '../../config/types.js';
import { writeCheckpoint, type CheckpointSource } from './checkpoint-writer.js';
import { WalClosedError, WalIoError } from './errors.js';
import { checkpointName, fileSize, fsyncDir, listDir, removeFiles, segmentName } from './files.js';
import { FILE_HEADER_SIZE } from './format.js';
import { BufferPool } from '../../chunk/buffer-pool.js';
import { encodeFrames } from './frame.js';
import { NOOP_LOGGER, type WalLogger } from './logger.js';
import { newWalMetrics, type WalMetrics } from './metrics.js';
import { DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_SEGMENT_SIZE, type WalOptions } from './options.js';
import type { WalAppendRecord, WalRecord } from './record.js';
import { replayWal, type ReplayOptions, type ReplayStats } from './replay.js';
import { SegmentWriter } from './segment-writer.js';

interface Waiter<T> { resolve(v: T): void; reject(err: unknown): void }

/** Appends queued while the previous group commit ran; they share one writev and one fsync. */
interface Batch { buffers: Buffer[]; bytes: number; records: number; waiters: Waiter<void>[]; pooled: Buffer[] }

/** Frame buffers are pooled by power-of-two size from 64 KiB to 8 MiB; larger ones are plain allocations. */
const MIN_POOLED = 64 << 10;
const MAX_POOLED = 8 << 20;

function pooledSize(n: number): number {
  let size = MIN_POOLED;
  while (size < n) size *= 2;
  return size;
}

/**
 * The ingester's write-ahead log: one directory of numbered segments plus at most one
 * checkpoint (see docs/formats.md). Records are written strictly in append order by a single
 * commit loop; each open() starts a new segment, so a file is never appended to after a restart.
 */
export class Wal {
  readonly dir: string;
  /** Live counters; read them, do not write them. */
  readonly metrics: WalMetrics;
  private readonly policy: FsyncPolicy;
  private readonly segmentSize: number;
  private readonly logger: WalLogger;
  private readonly onFsync: ((seconds: number) => void) | undefined;
  private segment: SegmentWriter;
  private pending: Batch | null = null;
  /** Frame buffers of committed batches, reused by later appends. */
  private readonly framePool = new BufferPool(4 << 20);
  private rollWaiters: Waiter<number>[] = [];
  private idleWaiters: (() => void)[] = [];
  private running = false;
  /** Written since the last fdatasync of the current segment. */
  private dirty = false;
  private syncRequested = false;
  /** A write or fsync failed: the segment's tail may hold a partial batch, so never write after it. */
  private poisoned = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private checkpointChain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | null = null;

  private constructor(dir: string, segment: SegmentWriter, options: WalOptions, metrics: WalMetrics) {
    this.dir = dir;
    this.segment = segment;
    this.metrics = metrics;
    this.policy = options.fsync ?? 'always';
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.logger = options.logger ?? NOOP_LOGGER;
    this.onFsync = options.onFsync;
    if (this.policy === 'interval') {
      this.timer = setInterval(() => this.requestSync(), Math.max(1, options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS));
      this.timer.unref();
    }
  }

  /**
   * Opens `dir` for appending (creating it), after replay(). Finishes an interrupted
   * checkpoint (drops temp files and files older than the newest checkpoint) and starts a
   * new segment numbered after every existing one.
   */
  static async open(dir: string, options: WalOptions = {}): Promise<Wal> {
    const durable = (options.fsync ?? 'always') !== 'never';
    await makeDir(dir, durable);
    const listing = await listDir(dir);
    const cp = listing.checkpoints.at(-1);
    const stale = [...listing.temps];
    if (cp !== undefined) {
      stale.push(...listing.segments.filter((s) => s < cp).map(segmentName));
      stale.push(...listing.checkpoints.filter((c) => c < cp).map(checkpointName));
    }
    if (stale.length > 0) await removeFiles(dir, stale);
    const metrics = newWalMetrics();
    const kept = [...listing.segments.filter((s) => cp === undefined || s >= cp).map(segmentName)];
    if (cp !== undefined) kept.push(checkpointName(cp));
    for (const name of kept) metrics.bytesInUse += await fileSize(join(dir, name));
    const last = listing.segments.at(-1);
    const next = Math.max(last === undefined ? 0 : last + 1, cp ?? 0);
    const segment = await SegmentWriter.create(dir, next, durable);
    metrics.segmentsCreated++;
    metrics.bytesInUse += segment.size;
    return new Wal(dir, segment, options, metrics);
  }

  /** See replayWal: checkpoint, then the segments after it; truncates a torn tail. */
  static replay(dir: string, onRecord: (r: WalRecord) => unknown, options?: ReplayOptions): Promise<ReplayStats> {
    return replayWal(dir, onRecord, options);
  }

  /** Number of the segment being written. */
  get currentSegment(): number {
    return this.segment.n;
  }

  /**
   * Appends `records` after every earlier append. Resolves once they are durable per the
   * fsync policy; rejects with WalIoError if their write or fsync failed (they may or may not
   * be replayed then), WalRecordError if a record cannot be encoded, WalClosedError after close().
   */
  append(records: readonly WalAppendRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new WalClosedError());
    if (records.length === 0) return Promise.resolve();
    let buf: Buffer;
    let pooled: Buffer | undefined;
    try {
      buf = encodeFrames(records, (n) => {
        if (n > MAX_POOLED) return Buffer.allocUnsafe(n);
        pooled = this.framePool.take(pooledSize(n));
        return pooled;
      });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      const b = (this.pending ??= { buffers: [], bytes: 0, records: 0, waiters: [], pooled: [] });
      b.buffers.push(buf);
      if (pooled !== undefined) b.pooled.push(pooled);
      b.bytes += buf.length;
      b.records += records.length;
      b.waiters.push({ resolve, reject });
      this.kick();
    });
  }

  /**
   * Rolls to a new segment N (every append resolved before this call is in a segment < N),
   * lets `source` emit the whole in-memory state into checkpoint.N, then deletes segments < N
   * and older checkpoints. The state must include a series record for every live stream, even
   * one with nothing unflushed: later entries records refer to it by id. Records appended meanwhile land in segment N and may also be in the
   * checkpoint, so replay can deliver them twice. `emit` may return a promise: await it to
   * bound memory. Checkpoints run one at a time.
   */
  checkpoint(source: CheckpointSource): Promise<void> {
    if (this.closed) return Promise.reject(new WalClosedError());
    const run = this.checkpointChain.then(() => this.runCheckpoint(source));
    this.checkpointChain = run.catch(() => undefined);
    return run;
  }

  /** Waits for queued appends and a running checkpoint, fdatasyncs and closes the segment. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.checkpointChain;
    await this.idle();
    try {
      if (this.dirty) await this.sync();
    } finally {
      await this.segment.close();
    }
  }

  private async runCheckpoint(source: CheckpointSource): Promise<void> {
    if (this.closed) throw new WalClosedError();
    const t0 = performance.now();
    try {
      const n = await new Promise<number>((resolve, reject) => {
        this.rollWaiters.push({ resolve, reject });
        this.kick();
      });
      const size = await writeCheckpoint(this.dir, n, source);
      this.metrics.bytesInUse += size;
      this.metrics.lastCheckpointBytes = size;
      const listing = await listDir(this.dir);
      const old = [
        ...listing.segments.filter((s) => s < n).map(segmentName),
        ...listing.checkpoints.filter((c) => c < n).map(checkpointName),
      ];
      this.metrics.bytesInUse -= await removeFiles(this.dir, old);
      await fsyncDir(this.dir);
      this.metrics.checkpoints++;
      this.logger.info('WAL checkpoint written', { checkpoint: n, bytes: size, deleted: old.length });
    } catch (err) {
      this.metrics.checkpointFailures++;
      this.logger.error('WAL checkpoint failed', { err: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      this.metrics.checkpointSecondsTotal += (performance.now() - t0) / 1000;
    }
  }

  private requestSync(): void {
    if (!this.dirty || this.closed) return;
    this.syncRequested = true;
    this.kick();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Start on the next turn, so appends from every I/O callback of this one share the commit.
    setImmediate(() => void this.run());
  }

  private idle(): Promise<void> {
    return this.running ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** The single commit loop: rolls, periodic fsyncs and group commits, one at a time. */
  private async run(): Promise<void> {
    try {
      while (true) {
        if (this.rollWaiters.length > 0) {
          const waiters = this.rollWaiters;
          this.rollWaiters = [];
          try {
            await this.roll();
            for (const w of waiters) w.resolve(this.segment.n);
          } catch (err) {
            for (const w of waiters) w.reject(err);
          }
        } else if (this.syncRequested) {
          // Before pending writes, so a steady stream of appends cannot starve it.
          this.syncRequested = false;
          await this.syncQuietly();
        } else if (this.pending) {
          const b = this.pending;
          this.pending = null;
          await this.commit(b);
        } else {
          break;
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async commit(b: Batch): Promise<void> {
    try {
      await this.writeBatch(b);
    } finally {
      // Written (or failed) and no longer referenced: the buffers can carry later appends.
      for (const p of b.pooled) this.framePool.release(p);
    }
  }

  private async writeBatch(b: Batch): Promise<void> {
    try {
      const full = this.segment.size > FILE_HEADER_SIZE && this.segment.size + b.bytes > this.segmentSize;
      if (this.poisoned || full) await this.roll();
      await this.segment.write(b.buffers, b.bytes);
      this.dirty = true;
      this.metrics.writes++;
      this.metrics.recordsLogged += b.records;
      this.metrics.bytesLogged += b.bytes;
      this.metrics.bytesInUse += b.bytes;
      if (this.policy === 'always') await this.sync();
    } catch (err) {
      this.failed(err);
      for (const w of b.waiters) w.reject(err);
      return;
    }
    this.metrics.appends += b.waiters.length;
    for (const w of b.waiters) w.resolve();
  }

  /** Closes the current segment and creates the next; the old one is synced first if dirty. */
  private async roll(): Promise<void> {
    const old = this.segment;
    if (this.dirty && !this.poisoned && this.policy !== 'never') await this.syncQuietly();
    this.segment = await SegmentWriter.create(this.dir, old.n + 1, this.policy !== 'never');
    this.poisoned = false;
    this.dirty = false;
    this.metrics.segmentsCreated++;
    this.metrics.bytesInUse += this.segment.size;
    await old.close().catch((err: unknown) => this.logger.warn('WAL: closing segment failed', { file: old.path, err: String(err) }));
  }

  private async sync(): Promise<void> {
    const t0 = performance.now();
    await this.segment.datasync();
    const seconds = (performance.now() - t0) / 1000;
    this.dirty = false;
    this.metrics.fsyncs++;
    this.metrics.fsyncSecondsTotal += seconds;
    this.onFsync?.(seconds);
  }

  /** An fsync whose caller has already been acknowledged: failure is logged and counted. */
  private async syncQuietly(): Promise<void> {
    if (!this.dirty) return;
    try {
      await this.sync();
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    // After a failed fsync the kernel may have dropped the dirty pages: move to a new file.
    this.poisoned = true;
    this.metrics.ioFailures++;
    if (err instanceof WalIoError && err.diskFull) this.metrics.diskFullFailures++;
    this.logger.error('WAL write failed', { file: this.segment.path, err: err instanceof Error ? err.message : String(err) });
  }
}

/** mkdir -p, fsyncing each parent whose entry it created. */
async function makeDir(dir: string, durable: boolean): Promise<void> {
  let first: string | undefined;
  try {
    first = await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new WalIoError('mkdir', dir, err);
  }
  if (first === undefined || !durable) return;
  for (let d = dir; ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}
