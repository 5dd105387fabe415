import type { StreamEntries } from '../model/entry.js';
import { matchesAll, type LabelMatcher } from '../model/matcher.js';
import { rootLogger } from '../util/logger.js';

const log = rootLogger.child({ component: 'tail' });

/** A live tail waiting for the entries of streams its selector matches. */
export interface TailListener {
  readonly matchers: readonly LabelMatcher[];
  /** Called synchronously from the push path: must be quick and must not throw. */
  onStream(stream: StreamEntries): void;
  /** Ends the tail with an error (the hub calls it when onStream throws). */
  fail(message: string): void;
}

/**
 * Where appended entries meet live tails. The ingester publishes each push's appended
 * entries; tail sessions subscribe per tenant. One hub per owner (the ingester), so
 * several servers in one process stay apart.
 */
export class TailHub {
  private static readonly hubs = new WeakMap<object, TailHub>();

  /** The hub of `owner`, created on first use. */
  static for(owner: object): TailHub {
    let hub = TailHub.hubs.get(owner);
    if (!hub) TailHub.hubs.set(owner, (hub = new TailHub()));
    return hub;
  }

  private readonly tenants = new Map<string, Set<TailListener>>();

  /** Registers a listener; returns the function that removes it. */
  subscribe(tenant: string, listener: TailListener): () => void {
    let set = this.tenants.get(tenant);
    if (!set) this.tenants.set(tenant, (set = new Set()));
    set.add(listener);
    return () => {
      const s = this.tenants.get(tenant);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.tenants.delete(tenant);
    };
  }

  /** Live tails of a tenant (for max_concurrent_tail_requests). */
  count(tenant: string): number {
    return this.tenants.get(tenant)?.size ?? 0;
  }

  /** Hands entries just appended for `tenant` to the tails whose selector matches their stream. */
  publish(tenant: string, streams: readonly StreamEntries[]): void {
    const listeners = this.tenants.get(tenant);
    if (!listeners) return;
    for (const s of streams) {
      if (s.entries.count === 0) continue;
      for (const l of listeners) {
        if (!matchesAll(l.matchers, s.labels)) continue;
        try {
          l.onStream(s);
        } catch (err) {
          // A failing tail must never fail a push: that tail ends, with the reason logged and sent.
          const message = err instanceof Error ? err.message : String(err);
          log.error('live tail failed on pushed entries; closing it', { tenant, err: message });
          l.fail(message);
        }
      }
    }
  }
}
