/**
 * Worker thread of the scan pool: decompresses the lines frame of each block of a job and
 * searches it for the job's literals; only the lines of blocks that hold them go back. A job
 * with a pipeline task also runs the query's pipeline over those blocks (pipeline-task.ts,
 * loaded on first use: a needle-only worker never loads the LogQL modules).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { blockFrames } from '../../chunk/block.js';
import { checksum } from '../../chunk/checksum.js';
import { decompressInto } from '../block-decoder.js';
import { Needle } from '../needle.js';
import { lowerThreadPriority } from '../../util/thread-priority.js';
import { BLOCK_FIELDS, FAILED, LOCAL, NOT_FOUND, PACKED, type ScanReply, type ScanRequest, type ScanWorkerData } from './protocol.js';
import type { Compiled, PipelineRun } from './pipeline-task.js';
import type { BlockScratch } from '../block-decoder.js';

if (parentPort === null) throw new Error('scan-worker must run in a worker thread');
const port = parentPort;
const arena = (workerData as ScanWorkerData).arena;
// Below the main thread: a tenant's big scan runs on the cores it leaves idle.
lowerThreadPriority();

/**
 * The literals of a query, searched for the one that most often rejects a block first. A Needle
 * ranks its literal's bytes on its first search, so sets are kept across jobs.
 */
class NeedleSet {
  readonly needles: Needle[];
  /** Blocks each literal rejected: the order of the next searches. */
  private readonly rejects: number[];

  constructor(literals: readonly Uint8Array[]) {
    this.needles = literals.map((l) => new Needle(Buffer.from(l)));
    this.rejects = literals.map(() => 0);
  }

  /** Whether `lines` holds every literal. */
  holdsAll(lines: Buffer): boolean {
    const n = this.needles.length;
    if (n === 1) return this.needles[0].indexOf(lines) !== -1;
    const order = [...this.needles.keys()].sort((a, b) => this.rejects[b] - this.rejects[a]);
    for (const k of order) {
      if (this.needles[k].indexOf(lines) !== -1) continue;
      this.rejects[k]++;
      return false;
    }
    return true;
  }
}

const sets = new Map<string, NeedleSet>();
/** Decompressed lines land here first: a fresh buffer per block costs page faults. */
let scratch = Buffer.allocUnsafe(512 * 1024);

function needlesFor(literals: readonly Uint8Array[]): NeedleSet {
  const key = literals.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength).toString('latin1')).join('\u0000');
  let n = sets.get(key);
  if (n === undefined) {
    if (sets.size >= 64) sets.clear();
    sets.set(key, (n = new NeedleSet(literals)));
  }
  return n;
}

let pipelineModule: typeof import('./pipeline-task.js') | undefined;
let blockScratch: BlockScratch | undefined;
const compiled = new Map<string, Compiled>();

async function pipelineRun(req: ScanRequest, blocks: number): Promise<PipelineRun | undefined> {
  if (req.pipeline === undefined) return undefined;
  pipelineModule ??= await import('./pipeline-task.js');
  blockScratch ??= new (await import('../block-decoder.js')).BlockScratch();
  return new pipelineModule.PipelineRun(req.pipeline, blocks, compiled, blockScratch);
}

export async function scan(req: ScanRequest): Promise<ScanReply> {
  const needles = needlesFor(req.needles);
  const data = req.data !== null ? Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength) : Buffer.from(arena, req.arenaOffset, req.arenaLength);
  const n = req.blocks.length / BLOCK_FIELDS;
  const views: Buffer[] = [];
  const sharedView = (k: number): Buffer => (views[k] ??= Buffer.from(req.shared[k]));
  const crcs = new Uint32Array(n);
  const found = new Int32Array(n);
  const errors: (string | null)[] = new Array<string | null>(n).fill(null);
  const hits: Buffer[] = [];
  let hitBytes = 0;
  let run: PipelineRun | undefined;
  try {
    run = await pipelineRun(req, n);
  } catch (err) {
    // The pipeline does not compile here: the reader runs every block itself.
    const why = err instanceof Error ? err.message : String(err);
    return { id: req.id, crcs, found: found.fill(LOCAL), lines: new Uint8Array(0), errors: errors.fill(why) };
  }
  const samples = req.pipeline?.spec.kind === 'samples';
  /** Block i: its CRC, its lines searched and run through the pipeline; found[i] and errors[i] set. */
  const scanBlock = (i: number): void => {
    const b = req.blocks.subarray(i * BLOCK_FIELDS, (i + 1) * BLOCK_FIELDS);
    const block = b[0] === PACKED ? data.subarray(b[1], b[1] + b[2]) : sharedView(b[0]).subarray(b[1], b[1] + b[2]);
    const rawLength = b[3];
    const linesSize = b[4];
    if (b[5] === 1) crcs[i] = checksum(block);
    found[i] = NOT_FOUND;
    let out: Buffer;
    try {
      const f = blockFrames(block, rawLength, linesSize);
      // Empty lines hold no needle, but a pipeline may keep them.
      if (linesSize === 0 && (run === undefined || needles.needles.length > 0)) return;
      if (scratch.length < linesSize) scratch = Buffer.allocUnsafe(linesSize);
      out = scratch.subarray(0, linesSize);
      decompressInto(req.encoding, f.lines, out);
    } catch (err) {
      found[i] = FAILED;
      errors[i] = err instanceof Error ? err.message : String(err);
      return;
    }
    // A pipeline with literals searches the block for them itself, once.
    if (run?.searches !== true && !needles.holdsAll(out)) return;
    if (run !== undefined) {
      try {
        if (run.block(i, req.encoding, block, rawLength, out) === 0 || samples) return;
      } catch (err) {
        // A block that decodes wrong, or an entry the pipeline fails on: the reader finds out itself.
        run.discard(i);
        found[i] = LOCAL;
        errors[i] = err instanceof Error ? err.message : String(err);
        return;
      }
    }
    found[i] = hitBytes;
    hits.push(Buffer.from(out));
    hitBytes += linesSize;
  };
  for (let i = 0; i < n; i++) {
    scanBlock(i);
    run?.close(i);
  }
  const lines = new Uint8Array(hitBytes);
  let off = 0;
  for (const h of hits) {
    lines.set(h, off);
    off += h.length;
  }
  const pipeline = run?.reply();
  return { id: req.id, crcs, found, lines, errors, ...(pipeline !== undefined ? { pipeline } : {}) };
}

// Jobs run one at a time in arrival order: scan() awaits the pipeline modules' first load.
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: ScanRequest) => {
  chain = chain.then(async () => {
    const reply = await scan(req);
    const p = reply.pipeline;
    const transfer: ArrayBuffer[] = [reply.lines.buffer, reply.crcs.buffer, reply.found.buffer];
    if (p !== undefined) transfer.push(p.start.buffer, p.index.buffer, p.rel.buffer, p.value.buffer, p.series.buffer);
    port.postMessage(reply, transfer);
  });
});
