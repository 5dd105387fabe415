/**
 * Worker thread of the scan pool: decompresses the lines frame of each block of a job and
 * searches it for the job's literal; only the lines of blocks that hold it go back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { blockFrames } from '../../chunk/block.js';
import { checksum } from '../../chunk/checksum.js';
import { decompressInto } from '../block-decoder.js';
import { Needle } from '../needle.js';
import { BLOCK_FIELDS, FAILED, NOT_FOUND, type ScanReply, type ScanRequest, type ScanWorkerData } from './protocol.js';

if (parentPort === null) throw new Error('scan-worker must run in a worker thread');
const port = parentPort;
const arena = (workerData as ScanWorkerData).arena;

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

export function scan(req: ScanRequest): ScanReply {
  const needles = needlesFor(req.needles);
  const data = req.data !== null ? Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength) : Buffer.from(arena, req.arenaOffset, req.arenaLength);
  const n = req.blocks.length / BLOCK_FIELDS;
  const crcs = new Uint32Array(n);
  const found = new Int32Array(n);
  const errors: (string | null)[] = new Array<string | null>(n).fill(null);
  const hits: Buffer[] = [];
  let hitBytes = 0;
  for (let i = 0; i < n; i++) {
    const b = req.blocks.subarray(i * BLOCK_FIELDS, (i + 1) * BLOCK_FIELDS);
    const block = data.subarray(b[0], b[0] + b[1]);
    const rawLength = b[2];
    const linesSize = b[3];
    if (b[4] === 1) crcs[i] = checksum(block);
    found[i] = NOT_FOUND;
    try {
      const f = blockFrames(block, rawLength, linesSize);
      if (linesSize === 0) continue;
      if (scratch.length < linesSize) scratch = Buffer.allocUnsafe(linesSize);
      const out = scratch.subarray(0, linesSize);
      decompressInto(req.encoding, f.lines, out);
      if (!needles.holdsAll(out)) continue;
      found[i] = hitBytes;
      hits.push(Buffer.from(out));
      hitBytes += linesSize;
    } catch (err) {
      found[i] = FAILED;
      errors[i] = err instanceof Error ? err.message : String(err);
    }
  }
  const lines = new Uint8Array(hitBytes);
  let off = 0;
  for (const h of hits) {
    lines.set(h, off);
    off += h.length;
  }
  return { id: req.id, crcs, found, lines, errors };
}

port.on('message', (req: ScanRequest) => {
  const reply = scan(req);
  port.postMessage(reply, [reply.lines.buffer, reply.crcs.buffer, reply.found.buffer]);
});
