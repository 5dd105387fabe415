/**
 * Worker threads that read stored chunks: decompress, decode, run the pipeline, and hand back
 * only what survives (kept entries, per-series counts, samples). The main thread fetches the
 * objects and merges, so a query uses every core.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ReadTask, ReadTaskResult } from './read-tasks.js';

/** tsx's loader, resolved from the project (an eval'd worker would resolve it from the working directory). */
const TSX_API = import.meta.url.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : '';

interface Pending {
  resolve: (r: ReadTaskResult) => void;
  reject: (e: Error) => void;
}

/** Errors thrown in a worker, rethrown on the main thread with their name and message. */
export class ReadWorkerError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

class ReadWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly url: URL) {}

  get load(): number {
    return this.pending.size;
  }

  run(task: ReadTask, transfer: ArrayBuffer[]): Promise<ReadTaskResult> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, task }, transfer);
    });
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    // Run from source (tests, tsx), the worker registers the TypeScript loader itself first.
    const w = this.url.pathname.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(TSX_API)}).then((api) => { api.register(); return import(${JSON.stringify(this.url.href)}); });`, { eval: true })
      : new Worker(this.url);
    // Idle workers must not keep the process alive.
    w.unref();
    w.on('message', (msg: { id: number; ok: boolean; result?: ReadTaskResult; name?: string; message?: string }) => {
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result!);
      else p.reject(new ReadWorkerError(msg.name ?? 'Error', msg.message ?? 'read worker failed'));
    });
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`read worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }

  terminate(): Promise<number> | undefined {
    const w = this.worker;
    this.worker = undefined;
    return w?.terminate();
  }
}

export class ReadPool {
  private readonly workers: ReadWorker[];

  constructor(size: number, url = workerUrl()) {
    this.workers = Array.from({ length: size }, () => new ReadWorker(url));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Tasks worth having in flight: one running and one queued per worker. */
  get capacity(): number {
    return 2 * this.workers.length;
  }

  /** Runs a task on the least busy worker; `transfer` moves buffers instead of copying them. */
  run(task: ReadTask, transfer: ArrayBuffer[] = []): Promise<ReadTaskResult> {
    let best = this.workers[0];
    for (const w of this.workers) if (w.load < best.load) best = w;
    return best.run(task, transfer);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The worker script next to this module: .js when built, .ts when run from source. */
function workerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./read-worker${ext}`, import.meta.url);
}

let shared: ReadPool | null | undefined;

/**
 * The process-wide pool: one worker per core (at most 4), none on a single core, where
 * workers would only add copying. SKALD_READ_WORKERS overrides the count (0 disables them).
 */
export function sharedReadPool(): ReadPool | undefined {
  if (shared === undefined) {
    const env = process.env.SKALD_READ_WORKERS;
    const cores = availableParallelism();
    const n = env !== undefined && env !== '' ? Number(env) : cores > 1 ? Math.min(cores, 4) : 0;
    shared = Number.isInteger(n) && n > 0 ? new ReadPool(n) : null;
  }
  return shared ?? undefined;
}
