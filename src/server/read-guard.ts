import type { LimitsConfig } from '../config/types.js';
import type { ChunkHandle, SeriesSource } from '../querier/sources.js';
import { ClientClosedError } from '../util/errors.js';
import { mainThread } from './fair-scheduler.js';

/** Longest stretch a query computes before letting other requests (and its own deadline timer) run. */
const SLICE_MS = 2;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The guard's yield: through the fair scheduler when the query is bound to a tenant. */
function yielderFor(signal: AbortSignal): () => Promise<void> {
  return mainThread.yielder(signal) ?? yieldToLoop;
}

/**
 * Wraps the chunks a query reads. Before each chunk it stops the query if its signal fired
 * (deadline, client gone) and, after SLICE_MS of work, yields to the event loop: chunks held in
 * memory resolve as microtasks, so without this a long query would hold the process until it ends.
 * With a byte budget (partial results) it stops handing out data once the budget is spent.
 */
export class ReadGuard {
  private lastYield = performance.now();
  private bytes = 0;
  private budget = 0;
  private stopped = false;

  private readonly yieldNow: () => Promise<void>;

  constructor(private readonly signal: AbortSignal) {
    this.yieldNow = yielderFor(signal);
  }

  /** Stop reading after about this many line bytes; 0 = no budget. */
  limitBytes(max: number): void {
    this.budget = max;
  }

  /** Whether the byte budget cut the read short. */
  get exhausted(): boolean {
    return this.stopped;
  }

  get bytesRead(): number {
    return this.bytes;
  }

  wrap(series: readonly SeriesSource[]): SeriesSource[] {
    return series.map((s) => ({ labels: s.labels, key: s.key, chunks: s.chunks.map((c) => this.handle(c)) }));
  }

  private handle(c: ChunkHandle): ChunkHandle {
    return {
      minTs: c.minTs,
      maxTs: c.maxTs,
      batches: async (from, through) => {
        await this.checkpoint();
        if (this.spent()) return [];
        // Batches may come from a one-shot generator: count them into an array the reader can still use.
        const batches = [...(await c.batches(from, through))];
        // Checked again: concurrent cursors may have spent the budget meanwhile.
        if (this.spent()) return [];
        for (const b of batches) this.bytes += b.lineStart[b.count] - b.lineStart[0];
        return batches;
      },
    };
  }

  private spent(): boolean {
    if (this.budget > 0 && this.bytes >= this.budget) this.stopped = true;
    return this.stopped;
  }

  private async checkpoint(): Promise<void> {
    if (this.signal.aborted) throw new ClientClosedError();
    if (performance.now() - this.lastYield < SLICE_MS) return;
    await this.yieldNow();
    this.lastYield = performance.now();
    if (this.signal.aborted) throw new ClientClosedError();
  }
}

/** go-humanize IBytes, as Loki prints byte counts in limit errors (`1.5 MiB`). */
export function humanizeIBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const sizes = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  const e = Math.floor(Math.log(n) / Math.log(1024));
  const val = Math.floor((n / 1024 ** e) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : val.toFixed(0)} ${sizes[e]}`;
}

export function queryTooManyBytesMessage(bytes: number, max: number): string {
  return `the query would read too many bytes (query: ${humanizeIBytes(bytes)}, limit: ${humanizeIBytes(max)}); consider adding more specific stream selectors or reduce the time range of the query`;
}

type NumericLimit = 'max_entries_limit_per_query' | 'max_query_series' | 'max_query_length' | 'max_query_lookback' | 'max_query_range'
  | 'query_timeout' | 'max_streams_matchers_per_query' | 'max_query_bytes_read' | 'split_queries_by_interval';
const SMALLEST_POSITIVE: readonly NumericLimit[] = [
  'max_entries_limit_per_query', 'max_query_series', 'max_query_length', 'max_query_lookback', 'max_query_range', 'query_timeout',
  'max_streams_matchers_per_query', 'max_query_bytes_read', 'split_queries_by_interval',
];

/**
 * The limits of a read over several tenants: Loki takes the smallest positive value per limit
 * (validation.SmallestPositiveNonZeroIntPerTenant); partial results only if every tenant opted in.
 */
export function combinedLimits(tenants: readonly string[], limitsFor: (tenant: string) => LimitsConfig): LimitsConfig {
  const all = tenants.map(limitsFor);
  if (all.length === 1) return all[0];
  const out: LimitsConfig = { ...all[0] };
  for (const key of SMALLEST_POSITIVE) {
    const positive = all.map((l) => l[key]).filter((v) => v > 0);
    out[key] = positive.length === 0 ? 0 : Math.min(...positive);
  }
  out.skald_partial_results = all.every((l) => l.skald_partial_results);
  return out;
}
