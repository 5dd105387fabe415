import type { Nanos } from '../../model/time.js';
import { RequestError } from './errors.js';
import { labelSetString } from './labels-util.js';
import type { LogEntry } from './output.js';

export interface PageRequest {
  readonly limit: number;
  readonly start: Nanos;
  readonly end: Nanos;
}

/** One answer: log entries, or a metric result that ends paging at once. */
export type Page = { readonly kind: 'streams'; readonly entries: LogEntry[] } | { readonly kind: 'other'; readonly data: unknown };

export interface PagingOptions {
  readonly limit: number;
  /** Entries per request (`--batch`); the server refuses more than its max_entries_limit_per_query. */
  readonly batch: number;
  readonly start: Nanos;
  readonly end: Nanos;
  readonly forward: boolean;
}

export interface PagingHooks {
  readonly fetch: (req: PageRequest) => Promise<Page>;
  /** Entries of one page, new ones only, in output order. */
  readonly emit: (entries: LogEntry[]) => void;
  readonly progress?: (printed: number, pages: number) => void;
}

const key = (e: LogEntry): string => labelSetString(e.labels) + '\u0000' + e.line;

/** Orders a page newest first (backward) or oldest first (forward); the sort is stable. */
export function sortEntries(entries: LogEntry[], forward: boolean): LogEntry[] {
  return entries.sort((a, b) => (a.ts === b.ts ? 0 : (a.ts < b.ts) === forward ? -1 : 1));
}

/**
 * logcli's batching: each request asks for at most `batch` entries; the next one starts at the
 * timestamp of the last entry printed (inclusive), because several entries may share it, and
 * the entries already printed at that timestamp are skipped.
 * Returns how many entries were printed, or the metric result if the query was not a log query.
 */
export async function pageLogs(opts: PagingOptions, hooks: PagingHooks): Promise<{ printed: number; pages: number; other?: unknown }> {
  const batch = Math.max(1, Math.min(opts.batch, opts.limit));
  let { start, end } = opts;
  let total = 0;
  let pages = 0;
  let boundary: LogEntry[] = [];
  while (total < opts.limit) {
    // Ask for the boundary entries again on top of what is still needed.
    const want = opts.limit - total < batch ? opts.limit - total + boundary.length : batch;
    const page = await hooks.fetch({ limit: want, start, end });
    pages++;
    if (page.kind === 'other') return { printed: total, pages, other: page.data };
    const entries = sortEntries(page.entries, opts.forward);
    if (entries.length === 0) break;
    const seen = new Set(boundary.map((b) => `${b.ts}\u0000${key(b)}`));
    const fresh = entries.filter((e) => !seen.has(`${e.ts}\u0000${key(e)}`));
    hooks.emit(fresh);
    total += fresh.length;
    hooks.progress?.(total, pages);
    // A short page means the range is exhausted; nothing new means the same again would come back.
    if (entries.length < want || fresh.length === 0) break;
    const lastTs = entries[entries.length - 1].ts;
    boundary = entries.filter((e) => e.ts === lastTs);
    if (boundary.length >= batch && total < opts.limit) {
      throw new RequestError(`--batch ${batch} is too small: a request must return more entries than share its last timestamp (${boundary.length} at ${lastTs}); use at least --batch ${boundary.length + 1}`);
    }
    if (opts.forward) start = lastTs;
    // The end is exclusive: move it 1ns past the boundary to get the boundary entries again.
    else end = lastTs + 1n;
  }
  return { printed: total, pages };
}
