import type { EntryBatch } from '../../chunk/index.js';
import { CorruptChunkError } from '../../chunk/errors.js';
import { ClientClosedError } from '../../util/errors.js';
import type { ChunkGroup, ReadStats } from '../series-plan.js';
import type { ScanBlock, Segment } from '../sources.js';
import type { ScanPool } from './pool.js';
import { BLOCK_FIELDS, FAILED, NOT_FOUND } from './protocol.js';

/** What a worker found in one block. */
interface Found {
  readonly crc: number;
  /** The block's decompressed lines when they hold the needle, else null. */
  readonly lines: Buffer | null;
  readonly error: string | null;
}

/**
 * Chunk groups per job: each message to a worker and back has a fixed cost (serializing, waking
 * a thread), near what decompressing one small chunk costs; a job of several chunks spreads it.
 */
const GROUPS_PER_JOB = 16;

/**
 * The line-filter prefilter of a log query's chunk groups, run ahead on the scan pool: for each
 * segment of one block lying wholly in the query range, a worker decompresses the block's lines
 * and searches them for the literals every wanted line holds. The reader then decodes (on the
 * main thread) only the blocks that hold them, as readSegment with `need` does with one of them
 * (a block without one of the literals has no wanted line either way).
 */
/** How a job taken back by the reader ends (never seen: nothing awaits it). */
const WITHDRAWN = new ClientClosedError();

/** A job of groups [from, to). */
interface Job {
  readonly from: number;
  readonly to: number;
  readonly result: Promise<Map<Segment, Found> | undefined>;
  /** Set when it goes to the pool, or when the reader takes the work back before that. */
  readonly state: { submitted: boolean; withdrawn: boolean };
}

export class Prescan {
  private next = 0;
  private readonly jobs = new Map<number, Job>();
  private closed = false;

  /**
   * `groups` in reading order; `jobsAhead`: jobs kept in flight beyond the one being read;
   * `literals`: what every wanted line holds (requiredLiterals), not empty.
   */
  constructor(
    private readonly pool: ScanPool,
    private readonly groups: readonly ChunkGroup[],
    private readonly from: bigint,
    private readonly through: bigint,
    literals: readonly Buffer[],
    private readonly jobsAhead: number,
  ) {
    // Copies: a view of the Buffer pool would be sent whole.
    this.needles = literals.map((l) => new Uint8Array(l));
  }

  private readonly needles: readonly Uint8Array<ArrayBuffer>[];

  /** Starts the jobs of the groups from g on, up to jobsAhead jobs beyond g's. */
  advance(g: number): void {
    if (this.closed) return;
    if (this.next < g) this.next = g;
    const until = g + (this.jobsAhead + 1) * GROUPS_PER_JOB;
    while (this.next < this.groups.length && this.next < until) {
      const from = this.next;
      const to = Math.min(this.groups.length, from + GROUPS_PER_JOB);
      const state = { submitted: false, withdrawn: false };
      const result = this.start(from, to, state);
      // Awaited by take() unless the read stops first, or withdrawn: never an unhandled rejection.
      result.catch(() => undefined);
      const job: Job = { from, to, result, state };
      for (let i = from; i < to; i++) this.jobs.set(i, job);
      this.next = to;
    }
  }

  /**
   * What the workers found in group g's segments (after advance(g)); undefined: read them as
   * usual. A job no worker has started yet is taken back: the reader scans its groups itself
   * rather than wait (a busy machine may not run the workers soon).
   */
  async take(g: number): Promise<ReadonlyMap<Segment, Found> | undefined> {
    const job = this.jobs.get(g);
    if (job === undefined) return undefined;
    if (!job.state.submitted || this.pool.withdraw(job.state, WITHDRAWN)) {
      job.state.withdrawn = true;
      for (let i = job.from; i < job.to; i++) this.jobs.delete(i);
      return undefined;
    }
    this.jobs.delete(g);
    return job.result;
  }

  /** Stops: queued jobs are dropped, replies still to come are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.jobs.clear();
    this.pool.drop(this, new ClientClosedError());
  }

  /** One job for groups [from, to): the segments of all of them. */
  private async start(from: number, to: number, state: Job['state']): Promise<Map<Segment, Found> | undefined> {
    const peeks: Promise<readonly Segment[]>[] = [];
    for (let g = from; g < to; g++) {
      const p = this.groups[g].peek();
      if (p !== undefined) peeks.push(p);
    }
    if (peeks.length === 0) return undefined;
    const segs = (await Promise.all(peeks)).flat();
    if (this.closed || state.withdrawn) return undefined;
    const picked: { seg: Segment; block: ScanBlock }[] = [];
    let bytes = 0;
    for (const seg of segs) {
      const block = seg.block;
      if (block === undefined || !seg.exact || seg.minTs < this.from || seg.maxTs >= this.through) continue;
      if (picked.length > 0 && block.encoding !== picked[0].block.encoding) continue;
      picked.push({ seg, block });
      bytes += block.data.length;
    }
    if (picked.length === 0) return undefined;
    // A copy: a view would send the whole buffer under it (a chunk, or the Buffer pool).
    const data = this.pool.buffer(bytes);
    const blocks = new Int32Array(picked.length * BLOCK_FIELDS);
    let off = 0;
    picked.forEach(({ block }, i) => {
      data.set(block.data, off);
      blocks.set([off, block.data.length, block.rawLength, block.linesSize, block.verified() ? 0 : 1], i * BLOCK_FIELDS);
      off += block.data.length;
    });
    state.submitted = true;
    const reply = await this.pool.scan({ encoding: picked[0].block.encoding, needles: this.needles, data, blocks }, this, state);
    const lines = Buffer.from(reply.lines.buffer, reply.lines.byteOffset, reply.lines.byteLength);
    const out = new Map<Segment, Found>();
    picked.forEach(({ seg, block }, i) => {
      const at = reply.found[i];
      out.set(seg, {
        crc: reply.crcs[i],
        lines: at === NOT_FOUND || at === FAILED ? null : lines.subarray(at, at + block.linesSize),
        error: at === FAILED ? reply.errors[i] ?? 'block does not decompress' : null,
      });
    });
    return out;
  }
}

/**
 * readSegment(seg, from, through, stats, need) for a segment a worker has prefiltered: the same
 * checks, statistics and batches.
 */
export function readFound(seg: Segment, found: Found, from: bigint, through: bigint, stats: ReadStats): readonly EntryBatch[] {
  const block = seg.block!;
  block.check(found.crc);
  if (found.error !== null) throw new CorruptChunkError(found.error);
  stats.decompressedLines += seg.entries;
  stats.decompressedBytes += seg.lineBytes;
  return found.lines === null ? [] : block.readLines(from, through, found.lines);
}
