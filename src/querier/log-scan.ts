/**
 * The inner loop of log queries, shared by the main thread and read workers: run the pipeline
 * over a stream's segments in query direction and keep the best `limit` entries.
 */
import type { PipelineOutput, StreamPipeline } from '../logql/log/types.js';
import { EMPTY_LABELS } from '../model/labels.js';
import { Heap } from '../util/heap.js';
import type { LiteralScan } from './line-prefilter.js';
import type { QueryEntry } from './log-cursor.js';
import { RelTime } from './rel-time.js';
import { countRead, type ReadStats } from './series-plan.js';
import type { Segment } from './sources.js';

/** One kept entry: its place in the result order and what the result shows. */
export interface Kept {
  /** Time relative to the query start (exact: see RelTime). */
  readonly rel: number;
  /** Rank of the stream's label string among the query's streams. */
  readonly rank: number;
  /** Position within its segment, ascending in time: orders entries of one stream with equal times. */
  readonly pos: number;
  readonly entry: QueryEntry;
}

/**
 * The best `limit` entries in the order of a k-way merge by (time in query direction, stream
 * labels, push order), in a heap with the worst on top.
 */
export class LogKeeper {
  private readonly heap: Heap<Kept>;
  /** A bound known from elsewhere (the main thread's full set): entries worse in time cannot enter. NaN: none. */
  floor = NaN;

  constructor(readonly forward: boolean, readonly limit: number) {
    this.heap = new Heap<Kept>((a, b) => this.better(b, a));
  }

  /** Whether a comes out before b in the result order. */
  better(a: Kept, b: Kept): boolean {
    if (a.rel !== b.rel) return this.forward ? a.rel < b.rel : a.rel > b.rel;
    if (a.rank !== b.rank) return a.rank < b.rank;
    return this.forward ? a.pos < b.pos : a.pos > b.pos;
  }

  /** The worst kept time once `limit` entries are kept, else the floor (NaN: anything may enter). */
  get worst(): number {
    return this.heap.size >= this.limit ? this.heap.peek()!.rel : this.floor;
  }

  /** Whether something at relative time r can still make it into the result. */
  mayEnter(r: number): boolean {
    const w = this.worst;
    if (Number.isNaN(w)) return true;
    return this.forward ? r <= w : r >= w;
  }

  /** Offers an entry; it is kept with a copy of its line (the batch it came from may be a reused buffer). */
  offer(k: Kept): void {
    if (this.heap.size < this.limit) this.heap.push(owned(k));
    else if (this.better(k, this.heap.peek()!)) this.heap.replaceTop(owned(k));
  }

  /** Offers an entry whose line is already its own. */
  offerOwned(k: Kept): void {
    if (this.heap.size < this.limit) this.heap.push(k);
    else if (this.better(k, this.heap.peek()!)) this.heap.replaceTop(k);
  }

  /** The kept entries, best first; empties the keeper. */
  drain(): Kept[] {
    const out: Kept[] = [];
    while (this.heap.size > 0) out.push(this.heap.pop()!);
    return out.reverse();
  }
}

function owned(k: Kept): Kept {
  return { rel: k.rel, rank: k.rank, pos: k.pos, entry: { ts: k.entry.ts, line: Buffer.from(k.entry.line), labels: k.entry.labels } };
}

/** Scans segments of one stream in query direction into a keeper. */
export class SegmentScanner {
  private readonly time: RelTime;
  private readonly spanEnd: bigint;
  private candidates = new Uint32Array(0);
  private readonly out: PipelineOutput = { line: Buffer.alloc(0), labels: { all: EMPTY_LABELS, key: '{}', stream: EMPTY_LABELS, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS } };

  constructor(
    private readonly start: bigint,
    private readonly end: bigint,
    private readonly keeper: LogKeeper,
    private readonly scan: LiteralScan | undefined,
  ) {
    this.time = new RelTime(start);
    this.spanEnd = end - 1n;
  }

  rel(ts: bigint): number {
    return this.time.rel(ts);
  }

  /** The best relative time anything in [minTs, maxTs] may have, clamped to the query range. */
  bound(minTs: bigint, maxTs: bigint): number {
    if (this.keeper.forward) return this.time.rel(minTs > this.start ? minTs : this.start);
    return this.time.rel(maxTs < this.spanEnd ? maxTs : this.spanEnd);
  }

  /**
   * Reads one segment and offers its entries that pass the pipeline. False when nothing later
   * in query direction (rest of this segment included) can enter the result.
   */
  scanSegment(seg: Segment, pipeline: StreamPipeline, rank: number, stats: ReadStats): boolean {
    const keeper = this.keeper;
    const forward = keeper.forward;
    if (seg.maxTs < this.start || seg.minTs >= this.end) return true;
    if (!keeper.mayEnter(this.bound(seg.minTs, seg.maxTs))) return false;
    const batches = seg.read(this.start, this.end, false);
    countRead(stats, batches);
    let pos = 0;
    const firstPos: number[] = [];
    for (const b of batches) {
      firstPos.push(pos);
      pos += b.count;
    }
    const time = this.time;
    const out = this.out;
    for (let k = 0; k < batches.length; k++) {
      const bi = forward ? k : batches.length - 1 - k;
      const b = batches[bi];
      let n = b.count;
      let idx: Uint32Array | undefined;
      if (this.scan !== undefined) {
        if (this.candidates.length < b.count) this.candidates = new Uint32Array(Math.max(b.count, 2 * this.candidates.length));
        n = this.scan.candidates(b, this.candidates);
        idx = this.candidates;
      }
      const halves = time.view(b);
      for (let c = 0; c < n; c++) {
        const j = forward ? c : n - 1 - c;
        const i = idx === undefined ? j : idx[j];
        const rel = time.relAt(halves, i);
        if (!keeper.mayEnter(rel)) return false;
        const ts = b.ts[i];
        if (!pipeline.process(ts, b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]), b.metadata === null ? EMPTY_LABELS : b.metadata[i], out)) continue;
        keeper.offer({ rel, rank, pos: firstPos[bi] + i, entry: { ts, line: out.line, labels: out.labels } });
      }
    }
    return true;
  }
}
