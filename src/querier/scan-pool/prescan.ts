import type { EntryBatch } from '../../chunk/index.js';
import { CorruptChunkError } from '../../chunk/errors.js';
import type { ResultLabels } from '../../logql/log/types.js';
import { ClientClosedError } from '../../util/errors.js';
import type { ChunkGroup, ReadStats } from '../series-plan.js';
import type { ScanBlock, Segment, SeriesSource } from '../sources.js';
import type { ScanPool } from './pool.js';
import { BLOCK_FIELDS, FAILED, LOCAL, PACKED, type PipelineReply, type PipelineSpec, type PipelineTask, type ScanReply } from './protocol.js';

/** The labels of worker samples: what routing a sample to its series needs. */
export type SampleLabels = Pick<ResultLabels, 'all' | 'key'>;

/** What a worker's pipeline made of one block's entries. */
export type Kept =
  | { readonly kind: 'entries'; readonly index: Uint32Array }
  | { readonly kind: 'samples'; readonly rel: Float64Array; readonly value: Float64Array; readonly series: Int32Array; readonly labels: readonly SampleLabels[] };

/** What a worker found in one block. */
export interface Found {
  readonly crc: number;
  /** The block's decompressed lines when they hold the needles and the pipeline kept an entry, else null. */
  readonly lines: Buffer | null;
  readonly error: string | null;
  /** With a pipeline: what it kept; null when the reader must run the block itself. */
  readonly kept?: Kept | null;
}

/** A chunk group to prescan and the stream it belongs to. */
export interface PrescanItem {
  readonly group: ChunkGroup;
  readonly src: SeriesSource;
}

export interface PrescanOptions {
  /** What every wanted line holds (requiredLiterals); may be empty when there is a pipeline. */
  readonly literals: readonly Buffer[];
  /** The query's pipeline, run by the workers too; `base`: what sample times are relative to. */
  readonly pipeline?: { readonly spec: PipelineSpec; readonly base: bigint };
  /** Jobs kept in flight beyond the one being read. */
  readonly jobsAhead: number;
  /**
   * Whether the reader may still read a segment, asked when its job starts: a log query whose
   * limit is reached skips segments older (or newer) than what it keeps, and so do its jobs.
   */
  readonly wanted?: (seg: Segment) => boolean;
  /** The query's signal: a reader waiting for a worker stops waiting when it aborts. */
  readonly signal?: AbortSignal;
}

/**
 * Chunk groups per job at most: each message to a worker and back has a fixed cost (serializing,
 * waking a thread), near what decompressing one small chunk costs; a job of several chunks
 * spreads it. Jobs start with one group and double: a query that stops early (a limit reached)
 * leaves little work in the workers.
 */
const GROUPS_PER_JOB = 8;

/** How a job taken back by the reader ends (never seen: nothing awaits it). */
const WITHDRAWN = new ClientClosedError();

interface JobState {
  submitted: boolean;
  withdrawn: boolean;
  /** Pool jobs it went out as (its blocks split to fit the pool's arena slots). */
  parts: number;
  /** Resolves once the job went to the pool, or turned out to have nothing for it. */
  readonly ready: Promise<void>;
  readonly markReady: () => void;
}

function jobState(): JobState {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });
  return { submitted: false, withdrawn: false, parts: 0, ready, markReady };
}

/** A job of plan positions [from, to). */
interface Job {
  readonly from: number;
  readonly to: number;
  readonly result: Promise<Map<Segment, Found> | undefined>;
  /** Set when it goes to the pool, or when the reader takes the work back before that. */
  readonly state: JobState;
}

/**
 * A query's scan work run ahead on the scan pool, in the order the reader will want it: for each
 * segment of one block lying wholly in the query range, a worker decompresses the block's lines
 * and searches them for the literals every wanted line holds, and, with a pipeline, runs it over
 * the entries. The reader then decodes (on the main thread) only the blocks that hold the
 * literals and runs the pipeline on only the entries it kept (log queries), or takes the samples
 * as they are (metric queries). Blocks are read exactly as readSegment would: a block without a
 * literal, or whose entries the pipeline all drops, has no wanted entry either way.
 */
export class Prescan {
  private next = 0;
  private size = 1;
  private readonly jobs = new Map<number, Job>();
  private readonly position = new Map<ChunkGroup, number>();
  private closed = false;
  private readonly needles: readonly Uint8Array<ArrayBuffer>[];
  /** Sample label sets by key, shared by every job: routing caches by identity. */
  private readonly labels = new Map<string, SampleLabels>();

  /** `items` in reading order. */
  constructor(
    private readonly pool: ScanPool,
    private readonly items: readonly PrescanItem[],
    private readonly from: bigint,
    private readonly through: bigint,
    private readonly options: PrescanOptions,
  ) {
    // Copies: a view of the Buffer pool would be sent whole.
    this.needles = options.literals.map((l) => new Uint8Array(l));
    items.forEach((it, i) => this.position.set(it.group, i));
  }

  /** Starts the jobs of the groups from `group` on, up to jobsAhead jobs beyond its own. */
  advance(group: ChunkGroup): void {
    const g = this.position.get(group);
    if (this.closed || g === undefined) return;
    if (this.next < g) this.next = g;
    let ahead = 0;
    for (const job of new Set(this.jobs.values())) if (job.to > g) ahead++;
    while (this.next < this.items.length && ahead <= this.options.jobsAhead) {
      const from = this.next;
      const to = Math.min(this.items.length, from + this.size);
      this.size = Math.min(GROUPS_PER_JOB, this.size * 2);
      const state = jobState();
      const result = this.start(from, to, state);
      // Also its rejection handler: take() may never await it (the read stops first, or withdrew it).
      result.then(state.markReady, state.markReady);
      const job: Job = { from, to, result, state };
      for (let i = from; i < to; i++) this.jobs.set(i, job);
      this.next = to;
      ahead++;
    }
  }

  /**
   * What the workers found in the group's segments (after advance()); undefined: read them as
   * usual. A job no worker has started yet is taken back: the reader scans its groups itself
   * rather than wait (a busy machine may not run the workers soon).
   */
  async take(group: ChunkGroup): Promise<ReadonlyMap<Segment, Found> | undefined> {
    const g = this.position.get(group);
    const job = g === undefined ? undefined : this.jobs.get(g);
    if (job === undefined || g === undefined) return undefined;
    // Until its chunks are fetched a job is not in the pool: the reader needs them too, so it waits.
    await job.state.ready;
    // Parts no worker has started are taken back (their segments are then read here); all of them: the whole job.
    if (job.state.withdrawn || !job.state.submitted || this.pool.withdraw(job.state, WITHDRAWN) === job.state.parts) {
      job.state.withdrawn = true;
      for (let i = job.from; i < job.to; i++) this.jobs.delete(i);
      return undefined;
    }
    this.jobs.delete(g);
    return this.options.signal === undefined ? job.result : untilAborted(job.result, this.options.signal);
  }

  /** Stops: queued jobs are dropped, replies still to come are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.jobs.clear();
    this.pool.drop(this, new ClientClosedError());
  }

  /** One job for plan positions [from, to): the segments of all of them. */
  private async start(from: number, to: number, state: JobState): Promise<Map<Segment, Found> | undefined> {
    const peeks: { p: Promise<readonly Segment[]>; src: SeriesSource }[] = [];
    for (let g = from; g < to; g++) {
      const p = this.items[g].group.peek();
      if (p !== undefined) peeks.push({ p, src: this.items[g].src });
    }
    if (peeks.length === 0) return undefined;
    const segs = await Promise.all(peeks.map((x) => x.p));
    if (this.closed || state.withdrawn) return undefined;
    const picked: { seg: Segment; block: ScanBlock; stream: number }[] = [];
    const streams: SeriesSource[] = [];
    segs.forEach((list, k) => {
      for (const seg of list) {
        const block = seg.block;
        if (block === undefined || !seg.exact || seg.minTs < this.from || seg.maxTs >= this.through) continue;
        if (this.options.wanted !== undefined && !this.options.wanted(seg)) continue;
        if (picked.length > 0 && block.encoding !== picked[0].block.encoding) continue;
        if (streams[streams.length - 1] !== peeks[k].src) streams.push(peeks[k].src);
        picked.push({ seg, block, stream: streams.length - 1 });
      }
    });
    if (picked.length === 0) return undefined;
    // Parts that each fit an arena slot: a larger job would need fresh memory for its copy.
    const parts: (typeof picked)[] = [];
    let part: typeof picked = [];
    let partBytes = 0;
    for (const x of picked) {
      if (part.length > 0 && partBytes + x.block.data.length > this.pool.slotBytes) {
        parts.push(part);
        part = [];
        partBytes = 0;
      }
      part.push(x);
      partBytes += x.block.data.length;
    }
    parts.push(part);
    state.submitted = true;
    state.parts = parts.length;
    const replies = parts.map((p) => this.submit(p, streams, state));
    state.markReady();
    const out = new Map<Segment, Found>();
    for (const r of await Promise.all(replies)) if (r !== undefined) for (const [seg, f] of r) out.set(seg, f);
    return out;
  }

  /** One pool job for `picked` (blocks of one encoding); undefined when the reader took it back. */
  private async submit(
    picked: readonly { seg: Segment; block: ScanBlock; stream: number }[], streams: readonly SeriesSource[], state: JobState,
  ): Promise<Map<Segment, Found> | undefined> {
    // Blocks in shared memory (recycled chunk reads) are read in place. The others are copied:
    // a view would send the whole buffer under it (a chunk, or the Buffer pool).
    let bytes = 0;
    for (const { block } of picked) if (!(block.data.buffer instanceof SharedArrayBuffer)) bytes += block.data.length;
    const data = this.pool.buffer(bytes);
    const shared: SharedArrayBuffer[] = [];
    const blocks = new Int32Array(picked.length * BLOCK_FIELDS);
    let off = 0;
    for (let i = 0; i < picked.length; i++) {
      const d = picked[i].block.data;
      const at = i * BLOCK_FIELDS;
      if (d.buffer instanceof SharedArrayBuffer) {
        // Consecutive blocks mostly come from one chunk, so one buffer.
        let k = shared.lastIndexOf(d.buffer);
        if (k === -1) k = shared.push(d.buffer) - 1;
        blocks[at] = k;
        blocks[at + 1] = d.byteOffset;
      } else {
        data.set(d, off);
        blocks[at] = PACKED;
        blocks[at + 1] = off;
        off += d.length;
      }
      blocks[at + 2] = d.length;
      blocks[at + 3] = picked[i].block.rawLength;
      blocks[at + 4] = picked[i].block.linesSize;
      blocks[at + 5] = picked[i].block.verified() ? 0 : 1;
    }
    const pipeline = this.task(picked, streams);
    let reply: ScanReply;
    try {
      reply = await this.pool.scan({ encoding: picked[0].block.encoding, needles: this.needles, data, shared, blocks, pipeline }, this, state);
    } catch (err) {
      if (err === WITHDRAWN) return undefined;
      throw err;
    }
    const lines = Buffer.from(reply.lines.buffer, reply.lines.byteOffset, reply.lines.byteLength);
    const labels = reply.pipeline === undefined ? [] : reply.pipeline.labels.map((l) => this.sampleLabels(l));
    const samples = this.options.pipeline?.spec.kind === 'samples';
    const out = new Map<Segment, Found>();
    picked.forEach(({ seg, block }, i) => {
      const at = reply.found[i];
      const p = reply.pipeline;
      const crc = reply.crcs[i];
      const blockLines = at < 0 ? null : lines.subarray(at, at + block.linesSize);
      const error = at === FAILED ? reply.errors[i] ?? 'block does not decompress' : null;
      out.set(seg, p === undefined ? { crc, lines: blockLines, error } : { crc, lines: blockLines, error, kept: at === LOCAL || at === FAILED ? null : kept(p, i, samples, labels) });
    });
    return out;
  }

  private task(picked: readonly { block: ScanBlock; stream: number }[], streams: readonly SeriesSource[]): PipelineTask | undefined {
    const p = this.options.pipeline;
    if (p === undefined) return undefined;
    const times = new BigInt64Array(picked.length * 2);
    picked.forEach(({ block }, i) => {
      times[2 * i] = block.minTs;
      times[2 * i + 1] = block.maxTs;
    });
    return { spec: p.spec, base: p.base, streams: streams.map((s) => s.labels), blockStream: Int32Array.from(picked, (x) => x.stream), blockTimes: times };
  }

  private sampleLabels(l: SampleLabels): SampleLabels {
    let s = this.labels.get(l.key);
    if (s === undefined) this.labels.set(l.key, (s = { all: l.all, key: l.key }));
    return s;
  }
}

const NONE_KEPT: Kept = Object.freeze({ kind: 'entries', index: new Uint32Array(0) });

function kept(p: PipelineReply, i: number, samples: boolean, labels: readonly SampleLabels[]): Kept {
  const a = p.start[i];
  const b = p.start[i + 1];
  // Most blocks of a selective query keep nothing: one shared empty result for them.
  if (!samples) return a === b ? NONE_KEPT : { kind: 'entries', index: p.index.subarray(a, b) };
  return { kind: 'samples', rel: p.rel.subarray(a, b), value: p.value.subarray(a, b), series: p.series.subarray(a, b), labels };
}

/** `p`, or a ClientClosedError as soon as `signal` aborts (the caller tells a timeout from a client gone). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ClientClosedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ClientClosedError());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The checks and statistics readSegment does, for a segment a worker has read. */
function accept(seg: Segment, found: Found, stats: ReadStats): ScanBlock {
  const block = seg.block!;
  block.check(found.crc);
  if (found.error !== null) throw new CorruptChunkError(found.error);
  stats.decompressedLines += seg.entries;
  stats.decompressedBytes += seg.lineBytes;
  return block;
}

/**
 * readSegment(seg, from, through, stats, need) for a segment a worker has prefiltered: the same
 * checks, statistics and batches (the batches of a block none of whose entries were kept are left out).
 */
export function readFound(seg: Segment, found: Found, from: bigint, through: bigint, stats: ReadStats): readonly EntryBatch[] {
  const block = accept(seg, found, stats);
  return found.lines === null ? [] : block.readLines(from, through, found.lines);
}

/** The samples a worker extracted from a segment, after the checks and statistics of readSegment. */
export function foundSamples(seg: Segment, found: Found, stats: ReadStats): Extract<Kept, { kind: 'samples' }> {
  accept(seg, found, stats);
  const k = found.kept;
  if (k?.kind !== 'samples') throw new Error('worker reply without samples');
  return k;
}
