/**
 * Worker thread side of PushDecodePool: decodes push bodies off the main thread. Results go back
 * by structured clone; the body and column buffers are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { decodePushRequest, type DecodeOptions, type PushRequest } from '../push/index.js';
import { HttpError } from '../util/errors.js';
import { lowerThreadPriority } from '../util/thread-priority.js';

export interface DecodeJob {
  readonly id: number;
  readonly body: Uint8Array;
  readonly opts: DecodeOptions;
}

export type DecodeReply =
  | { readonly id: number; readonly ok: true; readonly push: PushRequest; readonly ms: number }
  | { readonly id: number; readonly ok: false; readonly status: number; readonly message: string };

/**
 * The distinct ArrayBuffers under a decoded request's columns, to transfer rather than copy. Lines
 * in a pooled buffer (`pooledLines`) are copied: the buffer goes back to this thread's pool.
 */
function buffersOf(push: PushRequest, pooledLines: boolean): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const s of push.streams) {
    const e = s.entries;
    for (const a of pooledLines ? [e.ts, e.lineStart, e.lineEnd] : [e.ts, e.lineStart, e.lineEnd, e.buf]) {
      if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
    }
  }
  if (pooledLines) for (const s of push.streams) out.delete(s.entries.buf.buffer as ArrayBuffer);
  return [...out];
}

// Below the main thread: decoding a tenant's big pushes must not delay others' small requests.
lowerThreadPriority();

parentPort?.on('message', (job: DecodeJob) => {
  const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
  const t0 = performance.now();
  decodePushRequest(body, job.opts).then(
    (decoded) => {
      // release() (a pooled body buffer) stays here: functions do not cross threads.
      const { release, ...push } = decoded;
      const reply: DecodeReply = { id: job.id, ok: true, push, ms: performance.now() - t0 };
      try {
        parentPort!.postMessage(reply, buffersOf(push, release !== undefined));
      } catch {
        // A buffer that cannot be transferred (Node's shared pool): copy instead.
        parentPort!.postMessage(reply);
      } finally {
        // The lines were copied into the message: the pooled buffer can serve the next body.
        release?.();
      }
    },
    (err: unknown) => {
      const reply: DecodeReply = err instanceof HttpError
        ? { id: job.id, ok: false, status: err.status, message: err.message }
        : { id: job.id, ok: false, status: 500, message: err instanceof Error ? err.message : String(err) };
      parentPort!.postMessage(reply);
    },
  );
});
