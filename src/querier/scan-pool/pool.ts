import { Worker } from 'node:worker_threads';
import { HttpError } from '../../util/errors.js';
import { LOCAL, type PipelineTask, type ScanReply, type ScanRequest, type ScanWorkerData } from './protocol.js';

/** 500: a scan worker died (or the pool was closed) with the query's blocks in it. */
export class ScanWorkerError extends HttpError {
  constructor(message: string) { super(500, message); }
}

/** A job as submitted; `data` comes from ScanPool.buffer(). */
export interface ScanJob {
  readonly encoding: ScanRequest['encoding'];
  readonly needles: readonly Uint8Array<ArrayBuffer>[];
  readonly data: Uint8Array<ArrayBufferLike>;
  /** Buffers the blocks not packed into `data` are read from in place (see BLOCK_FIELDS). */
  readonly shared?: readonly SharedArrayBuffer[];
  readonly blocks: Int32Array<ArrayBuffer>;
  readonly pipeline?: PipelineTask;
}

interface Pending {
  readonly req: ScanRequest;
  /** The arena slot holding the job's data, or -1. */
  readonly slot: number;
  /** Who submitted it: drop(owner) removes its queued jobs. */
  readonly owner: object | undefined;
  /** The job's own handle for withdraw(). */
  readonly ticket: object | undefined;
  readonly resolve: (r: ScanReply) => void;
  readonly reject: (e: Error) => void;
}

/** A worker and the jobs it holds. */
interface Runner {
  readonly worker: Worker;
  readonly inflight: Map<number, Pending>;
  /** Whether it ever answered: one that dies before cannot start (the queue fails too, no respawn loop). */
  replied: boolean;
}

/** Jobs a worker holds at once: one running, one queued behind it so it never waits for the main thread. */
const PER_WORKER = 2;

/**
 * Job data goes through slots of one SharedArrayBuffer that the workers map once: a buffer
 * transferred per job costs page faults, and its external memory drives the main thread's GC.
 */
const ARENA_SLOTS = 32;
const SLOT_BYTES = 2 << 20;

/**
 * Worker threads that run scan jobs (src/querier/scan-pool/scan-worker.ts): line-filter
 * prefilters, and the query's pipeline over the blocks.
 * Workers start on first use, never keep the process alive (unref), and a crashed worker fails
 * its jobs with ScanWorkerError and is replaced by the next job.
 */
export class ScanPool {
  private readonly runners: Runner[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly arena = new SharedArrayBuffer(ARENA_SLOTS * SLOT_BYTES);
  private readonly freeSlots = Array.from({ length: ARENA_SLOTS }, (_, i) => i);

  /**
   * `size` workers; `minGroups`: a log query with fewer chunk groups scans on the main thread
   * (a message to a worker and back costs about what decompressing a small chunk costs).
   */
  constructor(readonly size: number, readonly minGroups = 8) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`scan pool size must be a positive integer, got ${size}`);
  }

  /** The most job data that fits a slot of the shared arena: larger jobs pay for a buffer of their own. */
  readonly slotBytes = SLOT_BYTES;

  /**
   * A buffer of `n` bytes for a job's data: a free slot of the shared arena when one is large
   * enough, else a new buffer (transferred with the job). Pass it to scan() once.
   */
  buffer(n: number): Uint8Array<ArrayBufferLike> {
    if (n === 0) return new Uint8Array(0);
    if (n <= SLOT_BYTES && this.freeSlots.length > 0) return new Uint8Array(this.arena, this.freeSlots.pop()! * SLOT_BYTES, n);
    return new Uint8Array(n);
  }

  /** Runs a job; a data buffer of its own is transferred (unusable here afterwards). */
  scan(job: ScanJob, owner?: object, ticket?: object): Promise<ScanReply> {
    const shared = job.data.buffer === this.arena;
    const slot = shared ? job.data.byteOffset / SLOT_BYTES : -1;
    if (this.closed) {
      this.release(slot);
      return Promise.reject(new ScanWorkerError('scan pool closed'));
    }
    const req: ScanRequest = {
      id: this.nextId++, encoding: job.encoding, needles: job.needles, blocks: job.blocks,
      data: shared ? null : job.data as Uint8Array<ArrayBuffer>,
      arenaOffset: shared ? job.data.byteOffset : 0, arenaLength: shared ? job.data.byteLength : 0, shared: job.shared ?? [],
      ...(job.pipeline !== undefined ? { pipeline: job.pipeline } : {}),
    };
    if (job.pipeline !== undefined) this.pipelineJobs++;
    return new Promise<ScanReply>((resolve, reject) => {
      this.queue.push({ req, slot, owner, ticket, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Drops the owner's jobs that no worker has started (their promises reject with `reason`);
   * replies to its jobs already in a worker are discarded by whoever awaits them.
   */
  drop(owner: object, reason: Error): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const p = this.queue[i];
      if (p.owner !== owner) continue;
      this.queue.splice(i, 1);
      this.settle(p, reason);
    }
  }

  /**
   * Takes back the jobs submitted with `ticket` that no worker has started (their promises reject
   * with `reason`): the caller does that work itself instead of waiting. How many were taken.
   */
  withdraw(ticket: object, reason: Error): number {
    let n = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].ticket !== ticket) continue;
      this.settle(this.queue.splice(i, 1)[0], reason);
      n++;
    }
    return n;
  }

  /** Jobs with a pipeline task submitted so far, and blocks their workers left to the reader (for tests). */
  pipelineJobs = 0;
  pipelineLocal = 0;
  lastLocalError: string | null = null;

  /** Jobs waiting for a worker (for tests). */
  get queued(): number {
    return this.queue.length;
  }

  /** Workers running now (for tests). */
  get running(): number {
    return this.runners.length;
  }

  /** Terminates the workers; jobs in them or queued reject with ScanWorkerError. */
  async close(): Promise<void> {
    this.closed = true;
    const err = new ScanWorkerError('scan pool closed');
    for (const p of this.queue.splice(0)) this.settle(p, err);
    const runners = this.runners.splice(0);
    for (const r of runners) {
      for (const p of r.inflight.values()) this.settle(p, err);
      r.inflight.clear();
    }
    await Promise.all(runners.map((r) => r.worker.terminate()));
  }

  /** Ends a job: its arena slot is free again (its worker is done with it, or gone). */
  private settle(p: Pending, outcome: ScanReply | Error): void {
    this.release(p.slot);
    if (!(outcome instanceof Error) && outcome.pipeline !== undefined) {
      for (let i = 0; i < outcome.found.length; i++) {
        if (outcome.found[i] !== LOCAL) continue;
        this.pipelineLocal++;
        this.lastLocalError = outcome.errors[i];
      }
    }
    if (outcome instanceof Error) p.reject(outcome);
    else p.resolve(outcome);
  }

  private release(slot: number): void {
    if (slot >= 0) this.freeSlots.push(slot);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let runner: Runner | undefined;
      for (const r of this.runners) if (runner === undefined || r.inflight.size < runner.inflight.size) runner = r;
      if ((runner === undefined || runner.inflight.size > 0) && this.runners.length < this.size) runner = this.spawn();
      if (runner === undefined || runner.inflight.size >= PER_WORKER) return;
      const p = this.queue.shift()!;
      // A busy worker keeps the process alive (its reply is awaited); an idle one does not.
      if (runner.inflight.size === 0) runner.worker.ref();
      runner.inflight.set(p.req.id, p);
      runner.worker.postMessage(p.req, p.req.data !== null ? [p.req.data.buffer] : []);
    }
  }

  private spawn(): Runner {
    const ts = import.meta.url.endsWith('.ts');
    const file = new URL(`./scan-worker.${ts ? 'ts' : 'js'}`, import.meta.url);
    const workerData: ScanWorkerData = { arena: this.arena };
    // From dist/ the worker is plain .js. Under tsx (tests, src/ runs) it is .ts: Node 20 does not
    // apply `--import tsx` from a worker's execArgv, so the worker registers tsx's hooks itself.
    const worker = ts
      ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return import(${JSON.stringify(file.href)}); });`, { eval: true, execArgv: [], workerData })
      : new Worker(file, { execArgv: profileArgs(), workerData });
    worker.unref();
    const runner: Runner = { worker, inflight: new Map(), replied: false };
    this.runners.push(runner);
    worker.on('message', (reply: ScanReply) => {
      const p = runner.inflight.get(reply.id);
      runner.replied = true;
      if (p === undefined) return;
      runner.inflight.delete(reply.id);
      if (runner.inflight.size === 0) worker.unref();
      this.settle(p, reply);
      this.dispatch();
    });
    const fail = (why: string): void => {
      const i = this.runners.indexOf(runner);
      if (i === -1) return;
      this.runners.splice(i, 1);
      const err = new ScanWorkerError(`scan worker failed: ${why}`);
      for (const p of runner.inflight.values()) this.settle(p, err);
      runner.inflight.clear();
      void worker.terminate();
      if (!runner.replied) for (const p of this.queue.splice(0)) this.settle(p, err);
      // Queued jobs go to a replacement.
      else if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => fail(err instanceof Error ? err.message : String(err)));
    worker.on('messageerror', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    return runner;
  }
}

/** A server run with --cpu-prof profiles its scan workers too (each writes its own profile). */
function profileArgs(): string[] {
  return process.execArgv.filter((a) => a === '--cpu-prof' || a.startsWith('--cpu-prof-dir='));
}

let active: ScanPool | undefined;

/** The pool line-filter scans use, set by the app from `querier.scan_workers` (none: single-threaded). */
export function scanPool(): ScanPool | undefined {
  return active;
}

/** Installs (or with undefined, removes) the process's scan pool; returns the one it replaces. */
export function setScanPool(pool: ScanPool | undefined): ScanPool | undefined {
  const prev = active;
  active = pool;
  return prev;
}
