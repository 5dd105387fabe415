import { entryMetadata } from '../chunk/index.js';
import type { LogPipeline, PipelineOutput, StreamPipeline } from '../logql/log/types.js';
import type { LogSelector } from '../logql/syntax/index.js';
import { EMPTY_LABELS, labelsToString, type Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import { ClientClosedError } from '../util/errors.js';
import { Heap } from '../util/heap.js';
import { LiteralScan, requiredLiterals } from './line-prefilter.js';
import { LogCursor, type QueryEntry } from './log-cursor.js';
import type { Direction } from './params.js';
import { RelTime } from './rel-time.js';
import { SeriesCursor } from './series-cursor.js';
import { chunkGroups, newReadStats, Pacer, readSegment, type ChunkGroup, type ReadStats } from './series-plan.js';
import type { SeriesSource } from './sources.js';
import { scanPool } from './scan-pool/pool.js';
import { Prescan, readFound } from './scan-pool/prescan.js';
import { pipelineKey } from './scan-pool/spec.js';
import { toWire } from '../logql/syntax/wire.js';

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
  /** The query's selector, when known: its line filters let the reader skip lines without running the pipeline. */
  readonly selector?: LogSelector;
  /** False: no scan workers for this query (default: the process's scan pool, if any). */
  readonly scanWorkers?: boolean;
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

/** One kept entry: its place in the result order and what the result shows. */
interface Kept {
  /** Time relative to the query start (exact: see RelTime). */
  readonly rel: number;
  /** Rank of the stream's label string among the query's streams. */
  readonly rank: number;
  /** Position within its segment, ascending in time: orders entries of one stream with equal times. */
  readonly pos: number;
  readonly entry: QueryEntry;
}

/** Processing order of chunk groups: the ones that may hold the best entries first. */
interface Planned {
  readonly group: ChunkGroup;
  readonly rank: number;
  readonly src: SeriesSource;
  /** The group's best possible time (relative): its newest (backward) or oldest (forward). */
  readonly bound: number;
}

/** Chunk groups a log query reads before its pipeline may go to the scan workers. */
const PIPELINE_AFTER = 4;

/** How many chunk groups are fetched ahead of the one being read: overlaps object reads with decoding. */
const PREFETCH = 4;

/**
 * Streams are read a chunk group at a time, best groups first, keeping the best `limit` entries
 * seen; once that many are kept, groups, segments and entries that cannot beat the worst kept
 * entry are skipped. Memory: the kept entries plus a few chunks.
 */
async function topLogs(req: SelectLogsRequest): Promise<SelectLogsResult> {
  const stats = newReadStats();
  const forward = req.direction === 'forward';
  const time = new RelTime(req.start);
  const pacer = new Pacer(req.signal);
  // "a comes out before b" in the result order.
  const better = (a: Kept, b: Kept): boolean => {
    if (a.rel !== b.rel) return forward ? a.rel < b.rel : a.rel > b.rel;
    if (a.rank !== b.rank) return a.rank < b.rank;
    return forward ? a.pos < b.pos : a.pos > b.pos;
  };
  const kept = new Heap<Kept>((a, b) => better(b, a));
  const limit = req.limit;
  /** Whether something at relative time r can still make it into the result. */
  const mayEnter = (r: number): boolean => {
    if (kept.size < limit) return true;
    const worst = kept.peek()!.rel;
    return forward ? r <= worst : r >= worst;
  };

  const byKey = [...req.series].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const planned: Planned[] = [];
  const spanEnd = req.end - 1n;
  byKey.forEach((src, rank) => {
    for (const group of chunkGroups(src, req.start, req.end)) {
      const edge = forward ? (group.minTs > req.start ? group.minTs : req.start) : (group.maxTs < spanEnd ? group.maxTs : spanEnd);
      planned.push({ group, rank, src, bound: time.rel(edge) });
    }
  });
  planned.sort((a, b) => (a.bound !== b.bound ? (forward ? a.bound - b.bound : b.bound - a.bound) : a.rank - b.rank));

  const literals = req.selector !== undefined ? requiredLiterals(req.selector.pipeline) : [];
  const scan = literals.length > 0 ? new LiteralScan(literals) : undefined;
  const pipelines = new Map<number, StreamPipeline>();
  const out: PipelineOutput = { line: Buffer.alloc(0), labels: { all: EMPTY_LABELS, key: '{}', stream: EMPTY_LABELS, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS } };
  let candidates = new Uint32Array(0);
  // Large scans run their line-filter prefilter on the scan pool, a few groups ahead, and their
  // pipeline too when the first groups say the limit will not fill: a query that fills it reads
  // little of the older groups, and the workers' runs over whole blocks would mostly be wasted.
  const offload = req.selector !== undefined && !req.pipeline.noop;
  const pool = req.scanWorkers !== false && (scan !== undefined || offload) ? scanPool() : undefined;
  const startPrescan = (from: number, withPipeline: boolean): Prescan | undefined => {
    const items = planned.slice(from);
    if (pool === undefined || items.length < pool.minGroups) return undefined;
    if (!withPipeline && scan === undefined) return undefined;
    return new Prescan(pool, items, req.start, req.end, {
      literals, jobsAhead: 2 * pool.size,
      // Segments wholly in range: their best time is their edge.
      wanted: (seg) => mayEnter(time.rel(forward ? seg.minTs : seg.maxTs)),
      ...(req.signal !== undefined ? { signal: req.signal } : {}),
      ...(withPipeline ? { pipeline: { spec: { kind: 'filter', key: pipelineKey(), selector: toWire(req.selector) }, base: 0n } } : {}),
    });
  };
  let prescan = startPrescan(0, false);
  let piped = !offload;

  // The group whose segments are being read: released (its buffers reused) once done with.
  let held: ChunkGroup | undefined;
  try {
  for (let g = 0; g < planned.length; g++) {
    const p = planned[g];
    held?.release();
    held = undefined;
    if (!mayEnter(p.bound)) break;
    if (!piped && g >= PIPELINE_AFTER) {
      piped = true;
      // At the rate of the first groups the whole scan would not fill the limit: every group is read in full.
      if (kept.size * (planned.length / g) < limit) {
        prescan?.close();
        prescan = startPrescan(g, true);
      }
    }
    prescan?.advance(p.group);
    // Groups come best first: once one cannot enter, neither can the ones after it.
    for (let j = g + 1; j < Math.min(planned.length, g + 1 + PREFETCH) && mayEnter(planned[j].bound); j++) planned[j].group.prefetch();
    await pacer.tick();
    const segments = await p.group.segments(req.start, req.end, stats, () => pacer.tick());
    held = p.group;
    const found = await prescan?.take(p.group);
    let pipeline = pipelines.get(p.rank);
    if (pipeline === undefined) pipelines.set(p.rank, (pipeline = req.pipeline.forStream(p.src.labels)));
    for (let s = 0; s < segments.length; s++) {
      const seg = segments[forward ? s : segments.length - 1 - s];
      if (seg.maxTs < req.start || seg.minTs >= req.end) continue;
      if (!mayEnter(time.rel(forward ? (seg.minTs > req.start ? seg.minTs : req.start) : (seg.maxTs < spanEnd ? seg.maxTs : spanEnd)))) break;
      if (s > 0) await pacer.tick();
      // A block the worker could not run through the pipeline (kept null) is read here.
      const f = found?.get(seg);
      const worker = f !== undefined && f.kept !== null ? f : undefined;
      // Once the limit is filled only entries at or past the worst kept one can enter: a block is
      // decoded for those alone (the part of a merged block's lines that holds them). Not with a
      // literal to search for: that reads the block's lines whole anyway, and counts it whole.
      let from = req.start;
      let through = req.end;
      if (kept.size >= limit && scan === undefined) {
        const worst = kept.peek()!.entry.ts;
        if (!forward && worst > from) from = worst;
        else if (forward && worst < through - 1n) through = worst + 1n;
      }
      const batches = worker !== undefined ? readFound(seg, worker, req.start, req.end, stats) : readSegment(seg, from, through, stats, scan?.blockLiteral());
      // The entries the worker's pipeline kept, of the block's one batch.
      const keptIdx = worker?.kept?.kind === 'entries' ? worker.kept.index : undefined;
      if (keptIdx !== undefined && batches.length > 1) throw new Error('a worker-read block gave several batches');
      let pos = 0;
      const firstPos: number[] = [];
      for (const b of batches) {
        firstPos.push(pos);
        pos += b.count;
      }
      let stop = false;
      for (let k = 0; k < batches.length && !stop; k++) {
        const bi = forward ? k : batches.length - 1 - k;
        const b = batches[bi];
        let n = b.count;
        let idx: Uint32Array | undefined;
        if (keptIdx !== undefined) {
          n = keptIdx.length;
          idx = keptIdx;
        } else if (scan !== undefined) {
          if (candidates.length < b.count) candidates = new Uint32Array(Math.max(b.count, 2 * candidates.length));
          n = scan.candidates(b, candidates);
          idx = candidates;
        }
        const halves = time.view(b);
        for (let c = 0; c < n; c++) {
          const i = idx === undefined ? (forward ? c : n - 1 - c) : idx[forward ? c : n - 1 - c];
          const rel = time.relAt(halves, i);
          if (!mayEnter(rel)) {
            stop = true;
            break;
          }
          const line = b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]);
          const ts = b.ts[i];
          // A few entries of the block (candidates, or the worker's kept ones): their metadata alone.
          if (!pipeline.process(ts, line, idx !== undefined ? entryMetadata(b, i) : b.metadata === null ? EMPTY_LABELS : b.metadata[i], out)) continue;
          const cand: Kept = { rel, rank: p.rank, pos: firstPos[bi] + i, entry: { ts, line: out.line, labels: out.labels } };
          if (kept.size < limit) kept.push(keep(cand));
          else if (better(cand, kept.peek()!)) kept.replaceTop(keep(cand));
        }
      }
    }
  }
  } finally {
    held?.release();
    prescan?.close();
  }

  const entries: Kept[] = [];
  while (kept.size > 0) entries.push(kept.pop()!);
  entries.reverse();
  return { streams: group(entries.map((e) => e.entry), req.categorize), stats, entriesReturned: entries.length };
}

/** A kept entry owns its line: the batch it came from may be a reused buffer. */
function keep(k: Kept): Kept {
  return { ...k, entry: { ts: k.entry.ts, line: Buffer.from(k.entry.line), labels: k.entry.labels } };
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
async function mergeLogs(req: SelectLogsRequest): Promise<SelectLogsResult> {
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

