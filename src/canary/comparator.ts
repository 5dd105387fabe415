import type { CanaryMetrics } from './metrics.js';

const MS = 1_000_000n;
/** Queries look ±10s around an entry, for clock differences between canary and server. */
const QUERY_SLACK = 10_000n * MS;

/** What the comparator needs from Loki besides the live tail. */
export interface CanaryReader {
  /** Canary timestamps (from the lines) found between start and end. */
  query(start: bigint, end: bigint): Promise<bigint[]>;
  /** `count_over_time(selector[range])` at `at`; `cache: false` asks the server not to use a results cache. */
  countOverTime(range: string, at: bigint, cache: boolean): Promise<number>;
}

export interface ComparatorOptions {
  readonly waitMs: number;
  readonly maxWaitMs: number;
  readonly spotCheckIntervalMs: number;
  readonly spotCheckMaxMs: number;
  readonly spotCheckWaitMs: number;
  readonly metricTestRangeMs: number;
  readonly cacheTestRangeMs: number;
  readonly cacheTestNowMs: number;
  readonly writeIntervalMs: number;
}

const ns = (ms: number): bigint => BigInt(Math.round(ms)) * MS;

/**
 * loki-canary's bookkeeping. Sent entries wait for the WebSocket tail; one that does not arrive
 * within `wait` counts as websocket-missing and is looked for with queries until `max-wait`,
 * after which it counts as missing. Arrivals ahead of older pending entries are out of order;
 * arrivals already acknowledged are duplicates; anything else is unexpected. A sample of sent
 * entries is spot-checked by query until `spot-check-max`, to catch data lost after flushing.
 */
export class Comparator {
  /** Sent, not yet received over the tail, oldest first. */
  private pending: bigint[] = [];
  /** Received, kept for `wait` to recognise duplicates. */
  private acked: bigint[] = [];
  /** Websocket-missing, still looked for by query. */
  private missing: bigint[] = [];
  private spot: bigint[] = [];
  private readonly startTime: bigint;

  constructor(
    private readonly opts: ComparatorOptions,
    private readonly reader: CanaryReader,
    private readonly metrics: CanaryMetrics,
    private readonly log: (msg: string) => void,
    private readonly now: () => bigint,
  ) {
    this.startTime = now();
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  get missingCount(): number {
    return this.missing.length;
  }

  entrySent(ts: bigint): void {
    this.pending.push(ts);
    this.metrics.entries.inc();
    const last = this.spot[this.spot.length - 1];
    if (last === undefined || ts - last >= ns(this.opts.spotCheckIntervalMs)) this.spot.push(ts);
  }

  entryReceived(ts: bigint): void {
    const i = this.pending.indexOf(ts);
    if (i >= 0) {
      if (i !== 0) {
        this.metrics.outOfOrder.inc();
        this.log(`out of order entry ${ts} was received before entries: [${this.pending.slice(0, i).join(' ')}]`);
      }
      this.metrics.responseLatency.observe(Number(this.now() - ts) / 1e9);
      this.pending.splice(i, 1);
      this.acked.push(ts);
      return;
    }
    if (this.acked.includes(ts)) {
      this.metrics.duplicate.inc();
      this.log(`received a duplicate entry for ts ${ts}`);
    } else {
      this.metrics.unexpected.inc();
      this.log(`received an unexpected entry with ts ${ts}`);
    }
  }

  /** Moves entries older than `wait` to the missing list and looks for them by query. */
  async pruneEntries(): Promise<void> {
    const now = this.now();
    const cutoff = now - ns(this.opts.waitMs);
    const late = this.pending.filter((t) => t <= cutoff);
    if (late.length > 0) {
      this.pending = this.pending.filter((t) => t > cutoff);
      for (const t of late) {
        this.metrics.wsMissing.inc();
        this.log(`websocket failed to receive entry ${t} within ${this.opts.waitMs / 1000} seconds`);
      }
      this.missing.push(...late);
      this.missing.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    this.acked = this.acked.filter((t) => t >= cutoff);
    if (this.missing.length > 0) await this.confirmMissing(now);
  }

  /** Queries around the missing entries; found ones are dropped, those older than max-wait are missing for good. */
  async confirmMissing(now: bigint = this.now()): Promise<void> {
    if (this.missing.length === 0) return;
    const start = this.missing[0] - QUERY_SLACK;
    const end = this.missing[this.missing.length - 1] + QUERY_SLACK;
    let found: bigint[];
    try {
      found = await this.reader.query(start, end);
    } catch (err) {
      this.log(`error querying loki: ${(err as Error).message}`);
      return;
    }
    const got = new Set(found);
    this.missing = this.missing.filter((t) => {
      if (!got.has(t)) return true;
      this.log(`missing websocket entry ${t} was found ${Number(now - t) / 1e9} seconds after it was originally sent`);
      return false;
    });
    const cutoff = now - ns(this.opts.maxWaitMs);
    this.missing = this.missing.filter((t) => {
      if (t >= cutoff) return true;
      this.metrics.missing.inc();
      this.log(`failed to receive entry ${t} within ${this.opts.maxWaitMs / 1000} seconds`);
      return false;
    });
  }

  /** Queries each sampled entry older than the initial wait; drops samples older than spot-check-max. */
  async spotCheckEntries(): Promise<void> {
    const now = this.now();
    this.spot = this.spot.filter((t) => t >= now - ns(this.opts.spotCheckMaxMs));
    for (const t of [...this.spot]) {
      if (now - t < ns(this.opts.spotCheckWaitMs)) continue;
      this.metrics.spotCheckEntries.inc();
      const begin = performance.now();
      let found: bigint[];
      try {
        found = await this.reader.query(t - QUERY_SLACK, t + QUERY_SLACK);
      } catch (err) {
        this.log(`error querying loki: ${(err as Error).message}`);
        return;
      } finally {
        this.metrics.spotTestLatency.observe((performance.now() - begin) / 1000);
      }
      if (!found.includes(t)) {
        this.metrics.spotCheckMissing.inc();
        this.log(`failed to find entry ${t} in Loki when spot check querying ${Number(now - t) / 1e9}s after it was written`);
      }
    }
  }

  /** Compares count_over_time over the canary's lifetime (up to metric-test-range) with what was written. */
  async metricTest(): Promise<void> {
    const now = this.now();
    let rangeMs = this.opts.metricTestRangeMs;
    if (now - ns(rangeMs) < this.startTime) rangeMs = Number((now - this.startTime) / MS);
    const range = `${Math.round(rangeMs / 1000)}s`;
    if (range === '0s') return;
    const begin = performance.now();
    try {
      const actual = await this.reader.countOverTime(range, now, true);
      this.metrics.metricTestExpected.set(rangeMs / this.opts.writeIntervalMs);
      this.metrics.metricTestActual.set(actual);
    } catch (err) {
      this.log(`error running metric query test: ${(err as Error).message}`);
    } finally {
      this.metrics.metricTestLatency.observe((performance.now() - begin) / 1000);
    }
  }

  /** Runs the same count with and without the results cache over settled data; counts differences. */
  async cacheTest(): Promise<void> {
    const at = this.now() - ns(this.opts.cacheTestNowMs);
    const range = `${Math.round(this.opts.cacheTestRangeMs / 1000)}s`;
    try {
      const cached = await this.reader.countOverTime(range, at, true);
      const uncached = await this.reader.countOverTime(range, at, false);
      if (Math.abs(cached - uncached) > 1e-6) this.metrics.cacheResultsDiff.inc();
    } catch (err) {
      this.log(`error running cache query test: ${(err as Error).message}`);
    }
  }
}
