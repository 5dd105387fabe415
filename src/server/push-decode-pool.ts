import { Worker } from 'node:worker_threads';
import { decodePushRequest, type DecodeOptions, type PushRequest } from '../push/index.js';
import type { PushEntries } from '../push/types.js';
import { HttpError } from '../util/errors.js';
import { mainThread } from './fair-scheduler.js';
import type { DecodeJob, DecodeReply } from './push-decode-worker.js';

/** A decoded request and the worker's time for it (ms). */
export interface Decoded {
  readonly push: PushRequest;
  readonly ms: number;
}

interface Pending {
  readonly resolve: (d: Decoded) => void;
  readonly reject: (err: unknown) => void;
}

/** Structured clone hands Buffers back as plain Uint8Arrays: view them as Buffers again. */
function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function revive(push: PushRequest): PushRequest {
  for (const s of push.streams) {
    const e = s.entries;
    (s as { entries: PushEntries }).entries = { ...e, buf: asBuffer(e.buf) };
  }
  return push;
}

/**
 * Decodes push bodies in a worker thread, so that a tenant's big pushes do not hold the main
 * thread (fair-scheduler.ts) for the decode. The result is the same PushRequest the main thread
 * would have made; errors keep their status and Loki's text. One worker, started on first use and
 * not keeping the process alive.
 */
export class PushDecodePool {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  decode(body: Buffer, opts: DecodeOptions): Promise<Decoded> {
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Decoded>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      const job: DecodeJob = { id, body, opts: { ...opts } };
      w.postMessage(job);
    });
  }

  /** Stops the worker; decodes in flight fail. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private start(): Worker {
    // The build runs the compiled .js. Under tsx (tests, dev) the source runs as .ts, and a worker
    // does not inherit tsx's loader: it registers it before importing the worker module.
    const w = import.meta.url.endsWith('.ts')
      ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./push-decode-worker.ts', import.meta.url).href)}); });`, { eval: true })
      : new Worker(new URL('./push-decode-worker.js', import.meta.url));
    w.unref();
    w.on('message', (reply: DecodeReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (reply.ok) p.resolve({ push: revive(reply.push), ms: reply.ms });
      else p.reject(new HttpError(reply.status, reply.message));
    });
    const fail = (err: unknown): void => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`push decode worker exited with code ${code}`)));
    this.worker = w;
    return w;
  }
}

/** Bodies at least this big are worth a trip to the decode worker (about 1 ms of decoding). */
const OFFLOAD_BYTES = 32 * 1024;
let pool: PushDecodePool | undefined;

/**
 * Decodes a push body as one unit of the tenant's main-thread work (fair-scheduler.ts). While
 * tenants share the process, big bodies are decoded in a worker thread instead; the decode still
 * waits for the tenant's turn and is charged to it, so the tenant's CPU share bounds its decoding
 * too (pushes its rate limit refuses are decoded first: Loki's 429 text counts their lines).
 */
export async function decodeForTenant(tenant: string, body: Buffer, opts: DecodeOptions): Promise<PushRequest> {
  if (body.length < OFFLOAD_BYTES || !mainThread.shared(tenant)) return mainThread.unit(tenant, () => decodePushRequest(body, opts));
  await mainThread.turn(tenant);
  const { push, ms } = await (pool ??= new PushDecodePool()).decode(body, opts);
  mainThread.charge(tenant, ms);
  return push;
}
