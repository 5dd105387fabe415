import { ClientClosedError, TooManyRequestsError } from '../util/errors.js';

interface Waiter {
  readonly resolve: () => void;
}

interface TenantQueue {
  running: number;
  readonly waiting: Waiter[];
}

/**
 * Per-tenant query concurrency: a tenant runs at most `maxConcurrent` queries at once, the next
 * `maxQueued` wait in its own FIFO queue, and more are refused with 429. One tenant's backlog never
 * delays another tenant's queries. Multi-tenant reads (`a|b`) queue under their joined ID, as in Loki.
 */
export class TenantQueryScheduler {
  private readonly tenants = new Map<string, TenantQueue>();

  constructor(private readonly maxConcurrent: number, private readonly maxQueued: number) {}

  /** Runs fn once the tenant has a free slot; a signal aborted while waiting leaves the queue (499). */
  async run<T>(tenant: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    await this.acquire(tenant, signal);
    try {
      return await fn();
    } finally {
      this.release(tenant);
    }
  }

  /** Running and waiting queries of a tenant. */
  stats(tenant: string): { running: number; queued: number } {
    const q = this.tenants.get(tenant);
    return { running: q?.running ?? 0, queued: q?.waiting.length ?? 0 };
  }

  private acquire(tenant: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new ClientClosedError());
    let q = this.tenants.get(tenant);
    if (!q) this.tenants.set(tenant, (q = { running: 0, waiting: [] }));
    if (q.running < this.maxConcurrent) {
      q.running++;
      return Promise.resolve();
    }
    if (q.waiting.length >= this.maxQueued) return Promise.reject(new TooManyRequestsError('too many outstanding requests'));
    const queue = q;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = queue.waiting.indexOf(waiter);
        if (i >= 0) queue.waiting.splice(i, 1);
        reject(new ClientClosedError());
      };
      const waiter: Waiter = { resolve: () => { signal.removeEventListener('abort', onAbort); resolve(); } };
      signal.addEventListener('abort', onAbort, { once: true });
      queue.waiting.push(waiter);
    });
  }

  private release(tenant: string): void {
    const q = this.tenants.get(tenant);
    if (!q) return;
    const next = q.waiting.shift();
    // The slot passes straight to the next waiter; running stays the same.
    if (next) next.resolve();
    else if (--q.running === 0) this.tenants.delete(tenant);
  }
}
