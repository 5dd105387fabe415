import type { PaceYield } from '../querier/series-plan.js';

/** A tenant's recent main-thread time halves every this many ms. */
const HALF_LIFE_MS = 1000;
/**
 * A heavier tenant's units wait while a lighter tenant has a request in flight, for at most this
 * long per request: longer ones (a query waiting on storage, a slow upload) are not small
 * latency-bound requests, and would otherwise stall the heavy tenant for their whole duration.
 */
const MAX_DEFER_MS = 50;
/** One unit is charged at most this much: a stretch that long also held I/O waits, not only CPU. */
const MAX_CHARGE_MS = 100;
/** A tenant's state is dropped once idle and its recent time has decayed below this (ms). */
const FORGET_BELOW_MS = 0.01;
/** "Lighter": recent time below this fraction of the other tenant's. */
const LIGHTER_FRACTION = 0.5;
/** Recent time of a tenant that keeps the main thread busy all the time (the decayed sum's limit). */
const STEADY_MS = HALF_LIFE_MS / Math.LN2;
/** Paced work of a tenant held to its CPU share yields after this many ms (Pacer's default: 4). */
const CAPPED_SLICE_MS = 1;
/** A unit whose spacing would end within this many ms starts now: a timer is not worth it. */
const SLACK_MS = 1;
/** How often idle tenants' state is swept away. */
const SWEEP_MS = 10_000;
/** Another tenant counts as active for this long after its last request ended. */
const ACTIVE_MS = 1000;

interface Waiter {
  readonly resolve: () => void;
  readonly since: number;
}

interface TenantState {
  /** Recent main-thread ms, decayed to `stamp`. */
  usage: number;
  stamp: number;
  /** When the tenant last had a request in flight. */
  seen: number;
  /** With a CPU share below 1: the tenant's next unit does not start before this while others are active. */
  notBefore: number;
  /** Start times of the tenant's requests in flight (between enter() and its release). */
  readonly inflight: Set<{ readonly since: number }>;
  readonly waiters: Waiter[];
}

/**
 * Shares the main thread between tenants. Skald runs every request on one event loop, so a tenant
 * that floods pushes and heavy queries would otherwise fill each loop iteration with its work, and
 * every step of another tenant's request (arrival, WAL write, fsync, response) would wait behind it.
 *
 * CPU-heavy work is done in units (a push's decode, a push's append, a query's slice between two
 * Pacer yields), each started by turn(): one unit per event-loop iteration, so I/O is polled in
 * between, and the next unit goes to the waiting tenant with the least recent main-thread time.
 * - A unit of a tenant also waits (up to MAX_DEFER_MS) while a clearly lighter tenant has a
 *   request in flight, e.g. one waiting for its fsync: that request then finishes without
 *   waiting behind the heavy tenant's units.
 * - A tenant with a CPU share s < 1 (limits_config.skald_cpu_share) takes at most that fraction of
 *   the main thread while other tenants are active: after a unit of c ms, its next one waits
 *   c·(1−s)/s ms. The headroom lets other tenants' requests start at once, and keeps the process
 *   from looking like a CPU hog to the OS scheduler on a busy machine.
 * With a single tenant, a unit costs one setImmediate, as the plain yields it replaces did.
 */
export class FairScheduler {
  private readonly tenants = new Map<string, TenantState>();
  private readonly keys = new WeakMap<AbortSignal, string>();
  private tickScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private shareOf: (tenant: string) => number = () => 1;
  private lastSweep = performance.now();

  /** maxDeferMs: how long a lighter tenant's request may hold a heavier tenant's units. */
  constructor(private readonly maxDeferMs = MAX_DEFER_MS) {}

  /** Where each tenant's CPU share comes from (its limits); 0 or ≥ 1 = no cap. */
  setShares(shareOf: (tenant: string) => number): void {
    this.shareOf = shareOf;
  }

  /** A request of the tenant starts; call the returned function (once) when it ends. */
  enter(tenant: string): () => void {
    const req = { since: performance.now() };
    // Swept before the state is taken: a fresh state (no time used yet) would otherwise be dropped
    // from the map while this request holds it.
    if (req.since - this.lastSweep > SWEEP_MS) this.sweep(req.since);
    const t = this.state(tenant);
    t.inflight.add(req);
    t.seen = req.since;
    return () => {
      if (!t.inflight.delete(req)) return;
      t.seen = performance.now();
      this.forgetIfIdle(tenant, t);
      // Units deferred for this request may run now.
      this.kick();
    };
  }

  /** Resolves, on a later event-loop iteration, when the tenant's next unit of work may run. */
  turn(tenant: string): Promise<void> {
    const t = this.state(tenant);
    return new Promise<void>((resolve) => {
      t.waiters.push({ resolve, since: performance.now() });
      this.kick();
    });
  }

  /** Records ms of main-thread work the tenant did. */
  charge(tenant: string, ms: number): void {
    const t = this.state(tenant);
    const now = performance.now();
    const c = Math.min(Math.max(ms, 0), MAX_CHARGE_MS);
    t.usage = this.decayed(t, now) + c;
    t.stamp = now;
    const share = this.shareOf(tenant);
    // Spaced only while others are active and the tenant has recently used at least half of its
    // share: a light tenant's small units never wait. Alone, a tenant may use the whole thread,
    // and no debt is carried into the time others arrive.
    if (this.capped(tenant)) {
      t.notBefore = Math.max(t.notBefore, now) + (c * (1 - share)) / share;
    } else {
      t.notBefore = 0;
    }
  }

  /**
   * Runs fn as one unit of the tenant's work: waits for its turn, then charges fn's time. fn should
   * be CPU work: what it awaits is charged too (capped), and other tenants' units may run meanwhile.
   */
  async unit<T>(tenant: string, fn: () => T | Promise<T>): Promise<T> {
    await this.turn(tenant);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.charge(tenant, performance.now() - t0);
    }
  }

  /** The query behind `signal` belongs to `tenant`: its Pacers and read guard yield through turns. */
  bind(signal: AbortSignal, tenant: string): void {
    this.keys.set(signal, tenant);
  }

  /**
   * A yield for paced work of the query behind `signal` (undefined when unbound): charges the
   * time since the previous yield to its tenant, then waits for the tenant's next turn.
   */
  yielder(signal: AbortSignal | undefined): PaceYield | undefined {
    const tenant = signal === undefined ? undefined : this.keys.get(signal);
    if (tenant === undefined) return undefined;
    let last = performance.now();
    const yieldNow = async (): Promise<void> => {
      this.charge(tenant, performance.now() - last);
      await this.turn(tenant);
      last = performance.now();
    };
    // A tenant held to its share works in short slices: another tenant's request that arrives
    // meanwhile waits for at most one of them.
    return this.capped(tenant) ? Object.assign(yieldNow, { sliceMs: CAPPED_SLICE_MS }) : yieldNow;
  }

  /** Whether the tenant's units are being spaced to its CPU share now. */
  private capped(tenant: string): boolean {
    const t = this.tenants.get(tenant);
    if (!t) return false;
    const share = this.shareOf(tenant);
    const now = performance.now();
    return share > 0 && share < 1 && this.decayed(t, now) > (share / 2) * STEADY_MS && this.othersActive(t, now);
  }

  /** Whether tenants other than this one have been active in the last second. */
  shared(tenant: string): boolean {
    const t = this.tenants.get(tenant);
    const now = performance.now();
    return t ? this.othersActive(t, now) : [...this.tenants.values()].some((o) => o.inflight.size > 0 || now - o.seen < ACTIVE_MS);
  }

  /** Recent main-thread ms, requests in flight, waiting units and whether it is held to its share. */
  stats(tenant: string): { usageMs: number; inflight: number; waiting: number; capped: boolean } {
    const t = this.tenants.get(tenant);
    if (!t) return { usageMs: 0, inflight: 0, waiting: 0, capped: false };
    return { usageMs: this.decayed(t, performance.now()), inflight: t.inflight.size, waiting: t.waiters.length, capped: this.capped(tenant) };
  }

  private state(tenant: string): TenantState {
    let t = this.tenants.get(tenant);
    if (!t) {
      const now = performance.now();
      this.tenants.set(tenant, (t = { usage: 0, stamp: now, seen: now, notBefore: 0, inflight: new Set(), waiters: [] }));
    }
    return t;
  }

  private decayed(t: TenantState, now: number): number {
    return t.usage === 0 ? 0 : t.usage * 2 ** (-(now - t.stamp) / HALF_LIFE_MS);
  }

  /** Drops the state of tenants that have been idle long enough for their time to decay away. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [tenant, t] of this.tenants) this.forgetIfIdle(tenant, t);
  }

  private forgetIfIdle(tenant: string, t: TenantState): void {
    // Only the tenant's current state: deleting by name a newer state that holds waiters would lose them.
    if (this.tenants.get(tenant) !== t) return;
    if (t.inflight.size === 0 && t.waiters.length === 0 && this.decayed(t, performance.now()) < FORGET_BELOW_MS) this.tenants.delete(tenant);
  }

  private kick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(this.tick);
  }

  /** Re-checks at `at` (ms, performance.now() time) at the latest. */
  private wakeAt(at: number, now: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.kick();
    }, Math.max(1, Math.ceil(at - now)));
  }

  /** Grants one unit: to the waiting tenant with the least recent time that may run now. */
  private readonly tick = (): void => {
    this.tickScheduled = false;
    const now = performance.now();
    let best: TenantState | undefined;
    let bestUsage = Infinity;
    let wake = Infinity;
    for (const t of this.tenants.values()) {
      if (t.waiters.length === 0) continue;
      if (t.notBefore > now + SLACK_MS && this.othersActive(t, now)) {
        wake = Math.min(wake, t.notBefore);
        continue;
      }
      const u = this.decayed(t, now);
      if (u < bestUsage) { best = t; bestUsage = u; }
    }
    if (best) {
      const deferUntil = this.lighterInFlight(best, bestUsage, now);
      if (deferUntil > now) {
        // Re-checked when that request ends (enter's release kicks) or when the wait is over.
        wake = Math.min(wake, deferUntil);
      } else {
        best.waiters.shift()!.resolve();
        for (const t of this.tenants.values()) {
          if (t.waiters.length > 0) { this.kick(); break; }
        }
        return;
      }
    }
    if (wake < Infinity) this.wakeAt(wake, now);
  };

  private othersActive(t: TenantState, now: number): boolean {
    for (const o of this.tenants.values()) {
      if (o !== t && (o.inflight.size > 0 || now - o.seen < ACTIVE_MS)) return true;
    }
    return false;
  }

  /** Until when a unit of `heavy` waits for lighter tenants' requests in flight (≤ now: it need not). */
  private lighterInFlight(heavy: TenantState, heavyUsage: number, now: number): number {
    let until = 0;
    for (const t of this.tenants.values()) {
      if (t === heavy || t.inflight.size === 0 || !(this.decayed(t, now) < heavyUsage * LIGHTER_FRACTION)) continue;
      for (const r of t.inflight) until = Math.max(until, r.since + this.maxDeferMs);
    }
    return until;
  }
}

/** The process's scheduler: there is one main thread to share. */
export const mainThread = new FairScheduler();
