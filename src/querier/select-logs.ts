import type { LogPipeline, StreamPipeline } from '../logql/log/types.js';
import { exprToString, type LogSelector } from '../logql/syntax/index.js';
import { labelsToString, type Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import { ClientClosedError } from '../util/errors.js';
import { Heap } from '../util/heap.js';
import { LiteralScan, requiredLiterals } from './line-prefilter.js';
import { LogCursor, type QueryEntry } from './log-cursor.js';
import { LogKeeper, SegmentScanner } from './log-scan.js';
import type { Direction } from './params.js';
import type { ReadPool } from './read-pool.js';
import { addStats, taskSource, type LogsResult, type LogsTask } from './read-tasks.js';
import { RelTime } from './rel-time.js';
import { SeriesCursor } from './series-cursor.js';
import { chunkGroups, newReadStats, orderedJobs, Pacer, type ChunkGroup, type ReadStats } from './series-plan.js';
import type { Segment, SeriesSource } from './sources.js';

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
  /**
   * The query's selector, when known: its line filters let the reader skip lines without running
   * the pipeline, and read workers compile it themselves (`pipeline` must then be its compiled form).
   */
  readonly selector?: LogSelector;
  /** Worker threads for stored chunks (with `selector`). */
  readonly readPool?: ReadPool;
}

/**
 * The newest (backward) or oldest (forward) `limit` entries in [start, end) across all streams,
 * in the order of a k-way merge by (time in query direction, stream labels, push order).
 */
export async function selectLogs(req: SelectLogsRequest): Promise<SelectLogsResult> {
  const interval = req.intervalNs ?? 0n;
  if (interval > 0n || !RelTime.fits(req.start, req.end)) return mergeLogs(req);
  return topLogs(req);
}

/** Processing order of chunk groups: the ones that may hold the best entries first. */
interface Planned {
  readonly group: ChunkGroup;
  readonly rank: number;
  readonly src: SeriesSource;
  /** The group's best possible time (relative): its newest (backward) or oldest (forward). */
  readonly bound: number;
}

/** How many chunk groups are fetched ahead of the one being read: overlaps object reads with decoding. */
const PREFETCH = 4;

type Job = { local: readonly Segment[] } | { remote: LogsResult } | null;

/**
 * Streams are read a chunk group at a time, best groups first, keeping the best `limit` entries
 * seen; once that many are kept, groups, segments and entries that cannot beat the worst kept
 * entry are skipped. Stored chunks go to read workers when there are some. Memory: the kept
 * entries plus a few chunks.
 */
async function topLogs(req: SelectLogsRequest): Promise<SelectLogsResult> {
  const stats = newReadStats();
  const forward = req.direction === 'forward';
  const pacer = new Pacer(req.signal);
  const keeper = new LogKeeper(forward, req.limit);
  const literals = req.selector !== undefined ? requiredLiterals(req.selector.pipeline) : [];
  const scanner = new SegmentScanner(req.start, req.end, keeper, literals.length > 0 ? new LiteralScan(literals) : undefined);
  const pool = req.selector !== undefined ? req.readPool : undefined;
  const query = pool !== undefined && req.selector !== undefined ? exprToString(req.selector) : '';

  const byKey = [...req.series].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const planned: Planned[] = [];
  byKey.forEach((src, rank) => {
    for (const group of chunkGroups(src, req.start, req.end)) planned.push({ group, rank, src, bound: scanner.bound(group.minTs, group.maxTs) });
  });
  planned.sort((a, b) => (a.bound !== b.bound ? (forward ? a.bound - b.bound : b.bound - a.bound) : a.rank - b.rank));

  const pipelines = new Map<number, StreamPipeline>();
  await orderedJobs<Job>(planned.length, pool !== undefined ? pool.capacity : PREFETCH, (g) => {
    const p = planned[g];
    // Later groups are no better: once this one cannot enter, none can.
    if (!keeper.mayEnter(p.bound)) return undefined;
    if (pool === undefined) return p.group.segments(req.start, req.end, stats).then((local): Job => ({ local }));
    return taskSource(p.group, req.start, req.end, stats).then((t): Promise<Job> | Job => {
      if ('local' in t) return { local: t.local.segments };
      if (!keeper.mayEnter(p.bound)) return null;
      const task: LogsTask = { kind: 'logs', query, labels: p.src.labels, chunk: t.source, start: req.start, end: req.end, forward, limit: req.limit, floor: keeper.worst };
      return pool.run(task, t.transfer).then((r) => {
        if (r.kind !== 'logs') throw new Error('read worker answered a logs task with ' + r.kind);
        return { remote: r };
      });
    });
  }, async (g, job) => {
    if (job === null) return;
    const p = planned[g];
    await pacer.tick();
    if ('remote' in job) {
      addStats(stats, job.remote.stats);
      for (const e of job.remote.entries) {
        const line = Buffer.from(e.line.buffer, e.line.byteOffset, e.line.byteLength);
        keeper.offerOwned({ rel: e.rel, rank: p.rank, pos: e.pos, entry: { ts: e.ts, line, labels: e.labels } });
      }
      return;
    }
    let pipeline = pipelines.get(p.rank);
    if (pipeline === undefined) pipelines.set(p.rank, (pipeline = req.pipeline.forStream(p.src.labels)));
    const segs = job.local;
    for (let s = 0; s < segs.length; s++) {
      if (s > 0) await pacer.tick();
      if (!scanner.scanSegment(segs[forward ? s : segs.length - 1 - s], pipeline, p.rank, stats)) break;
    }
  });

  const entries = keeper.drain();
  return { streams: group(entries.map((e) => e.entry), req.categorize), stats, entriesReturned: entries.length };
}

/** Result streams: entries grouped by result labels (stream labels when categorized), sorted by label string. */
function group(entries: readonly QueryEntry[], categorize: boolean): LogStream[] {
  const out = new Map<string, LogStream>();
  for (const entry of entries) {
    const key = categorize ? streamKey(entry) : entry.labels.key;
    let stream = out.get(key);
    if (!stream) out.set(key, (stream = { labels: categorize ? entry.labels.stream : entry.labels.all, key, entries: [] }));
    stream.entries.push(entry);
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The k-way merge over per-stream cursors, for `interval` (whose skipping depends on every entry
 * before) and ranges too long for relative times; stops as soon as the limit is reached.
 */
export async function mergeLogs(req: SelectLogsRequest): Promise<SelectLogsResult> {
  const stats = newReadStats();
  const forward = req.direction === 'forward';
  const heap = new Heap<LogCursor>((a, b) => {
    const x = a.current.ts, y = b.current.ts;
    if (x !== y) return forward ? x < y : x > y;
    return a.seriesKey < b.seriesKey;
  });
  const cursors = req.series.map((s) => new LogCursor(new SeriesCursor(s, req.start, req.end, req.direction, stats), req.pipeline.forStream(s.labels)));
  await Promise.all(cursors.map(async (c) => { if (await c.load()) heap.push(c); }));

  const entries: QueryEntry[] = [];
  const interval = req.intervalNs ?? 0n;
  let last: bigint | undefined;
  while (entries.length < req.limit && heap.size > 0) {
    if (req.signal?.aborted) throw new ClientClosedError();
    const cur = heap.peek()!;
    const entry = cur.current;
    const skip = interval > 0n && last !== undefined && (forward ? entry.ts < last + interval : entry.ts > last - interval);
    if (!skip) {
      last = entry.ts;
      entries.push(entry);
    }
    if (cur.advance()) heap.replaceTop(cur);
    else {
      heap.pop();
      if (await cur.load()) heap.push(cur);
    }
  }
  return { streams: group(entries, req.categorize), stats, entriesReturned: entries.length };
}

const streamKeys = new WeakMap<Labels, string>();

function streamKey(e: QueryEntry): string {
  let k = streamKeys.get(e.labels.stream);
  if (k === undefined) streamKeys.set(e.labels.stream, (k = labelsToString(e.labels.stream)));
  return k;
}

