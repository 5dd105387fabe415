import type { LogPipeline } from '../logql/log/types.js';
import { labelsToString, type Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import { ClientClosedError } from '../util/errors.js';
import { Heap } from '../util/heap.js';
import type { Direction } from './params.js';
import { LogCursor, type QueryEntry } from './log-cursor.js';
import { SeriesCursor, type ReadStats } from './series-cursor.js';
import type { SeriesSource } from './sources.js';

export interface LogStream {
  readonly labels: Labels;
  readonly key: string;
  readonly entries: QueryEntry[];
}

export interface SelectLogsResult {
  /** Result streams sorted by label string; entries in query direction. */
  readonly streams: LogStream[];
  readonly stats: ReadStats;
  readonly entriesReturned: number;
}

export interface SelectLogsRequest {
  readonly series: readonly SeriesSource[];
  readonly start: Nanos;
  readonly end: Nanos;
  readonly direction: Direction;
  readonly limit: number;
  readonly pipeline: LogPipeline;
  /** Loki's `interval`: after an entry, skip entries closer than this (ns) in query direction, across all streams. */
  readonly intervalNs?: bigint;
  /** Group results by stream labels only (categorize-labels) instead of by all result labels. */
  readonly categorize: boolean;
  readonly signal?: AbortSignal;
}

/**
 * The newest (backward) or oldest (forward) `limit` entries in [start, end) across all streams:
 * a k-way merge over per-stream cursors, stopping as soon as the limit is reached.
 */
export async function selectLogs(req: SelectLogsRequest): Promise<SelectLogsResult> {
  const stats: ReadStats = { chunksRead: 0, decompressedLines: 0, decompressedBytes: 0, duplicates: 0 };
  const forward = req.direction === 'forward';
  const heap = new Heap<LogCursor>((a, b) => {
    const x = a.current.ts, y = b.current.ts;
    if (x !== y) return forward ? x < y : x > y;
    return a.seriesKey < b.seriesKey;
  });
  const cursors = req.series.map((s) => new LogCursor(new SeriesCursor(s, req.start, req.end, req.direction, stats), req.pipeline.forStream(s.labels)));
  await Promise.all(cursors.map(async (c) => { if (await c.load()) heap.push(c); }));

  const out = new Map<string, LogStream>();
  let returned = 0;
  const interval = req.intervalNs ?? 0n;
  let last: bigint | undefined;
  while (returned < req.limit && heap.size > 0) {
    if (req.signal?.aborted) throw new ClientClosedError();
    const cur = heap.peek()!;
    const entry = cur.current;
    const skip = interval > 0n && last !== undefined && (forward ? entry.ts < last + interval : entry.ts > last - interval);
    if (skip) {
      if (cur.advance()) heap.replaceTop(cur);
      else {
        heap.pop();
        if (await cur.load()) heap.push(cur);
      }
      continue;
    }
    last = entry.ts;
    const key = req.categorize ? streamKey(entry) : entry.labels.key;
    let stream = out.get(key);
    if (!stream) out.set(key, (stream = { labels: req.categorize ? entry.labels.stream : entry.labels.all, key, entries: [] }));
    stream.entries.push(entry);
    returned++;
    if (cur.advance()) heap.replaceTop(cur);
    else {
      heap.pop();
      if (await cur.load()) heap.push(cur);
    }
  }
  const streams = [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { streams, stats, entriesReturned: returned };
}

const streamKeys = new WeakMap<Labels, string>();

function streamKey(e: QueryEntry): string {
  let k = streamKeys.get(e.labels.stream);
  if (k === undefined) streamKeys.set(e.labels.stream, (k = labelsToString(e.labels.stream)));
  return k;
}
