import { gatherBatch } from '../chunk/batch.js';
import type { EntryBatch } from '../chunk/index.js';

/** Entries per merged piece: a consumer may yield between pieces. */
export const MERGE_PIECE_ENTRIES = 8192;
/** The merge calls `pace` after this many entries. */
const PACE_EVERY = 1024;

/**
 * Entries of time-overlapping chunks of one stream, merged into ascending pieces: a k-way merge
 * of the chunks' ascending entries by (timestamp, chunk order), so equal timestamps keep chunk
 * order, then push order. An entry whose timestamp and line repeat an earlier one is dropped and
 * counted in `duplicates`. A piece ends only where the timestamp changes, so duplicates never
 * straddle two pieces. `pace` is awaited every PACE_EVERY entries: a group of many overlapping
 * chunks (a client that keeps sending one time range) is merged in slices, not in one go.
 */
export async function mergeOverlapping(
  perChunk: readonly (readonly EntryBatch[])[],
  onDuplicate: () => void,
  pace?: () => Promise<void>,
  pieceEntries = MERGE_PIECE_ENTRIES,
): Promise<EntryBatch[]> {
  const pieces: EntryBatch[] = [];
  for (const _ of mergeSteps(perChunk, onDuplicate, pieceEntries, pieces)) if (pace !== undefined) await pace();
  return pieces;
}

/** mergeOverlapping in one go, for a small range (a window of a group, see series-plan.ts). */
export function mergeOverlappingNow(perChunk: readonly (readonly EntryBatch[])[], onDuplicate: () => void): EntryBatch[] {
  const pieces: EntryBatch[] = [];
  for (const _ of mergeSteps(perChunk, onDuplicate, MERGE_PIECE_ENTRIES, pieces));
  return pieces;
}

/** The merge, into `pieces`; yields every PACE_EVERY entries. */
function* mergeSteps(
  perChunk: readonly (readonly EntryBatch[])[],
  onDuplicate: () => void,
  pieceEntries: number,
  pieces: EntryBatch[],
): Generator<void, void, void> {
  // Every input batch gets a number; a cursor walks one chunk's batches in order.
  const srcs: EntryBatch[] = [];
  const cursors: { first: number; end: number; b: number; i: number }[] = [];
  for (const batches of perChunk) {
    const first = srcs.length;
    for (const b of batches) if (b.count > 0) srcs.push(b);
    if (srcs.length > first) cursors.push({ first, end: srcs.length, b: first, i: 0 });
  }
  const tsOf = (c: number): bigint => srcs[cursors[c].b].ts[cursors[c].i];
  // Binary min-heap of cursor numbers by (current timestamp, cursor number).
  const heap = cursors.map((_, c) => c);
  const less = (x: number, y: number): boolean => {
    const tx = tsOf(x);
    const ty = tsOf(y);
    return tx < ty || (tx === ty && x < y);
  };
  const down = (at: number): void => {
    const n = heap.length;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= n) return;
      const m = l + 1 < n && less(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!less(heap[m], heap[at])) return;
      [heap[m], heap[at]] = [heap[at], heap[m]];
      at = m;
    }
  };
  for (let k = (heap.length >>> 1) - 1; k >= 0; k--) down(k);

  let outSrc: number[] = [];
  let outIdx: number[] = [];
  let runStart = 0;
  let lastTs = 0n;
  let sincePace = 0;
  const cut = (): void => {
    if (outIdx.length === 0) return;
    const s = outSrc;
    pieces.push(gatherBatch(srcs, outIdx, outIdx.length, (k) => s[k]));
    outSrc = [];
    outIdx = [];
    runStart = 0;
  };
  while (heap.length > 0) {
    const c = heap[0];
    const cur = cursors[c];
    const b = srcs[cur.b];
    const i = cur.i;
    const ts = b.ts[i];
    if (outIdx.length === 0 || ts !== lastTs) {
      if (outIdx.length >= pieceEntries) cut();
      runStart = outIdx.length;
      lastTs = ts;
    }
    const start = b.lineStart[i];
    const len = b.lineStart[i + 1] - start;
    let dup = false;
    for (let j = runStart; j < outIdx.length && !dup; j++) {
      const o = srcs[outSrc[j]];
      const os = o.lineStart[outIdx[j]];
      dup = o.lineStart[outIdx[j] + 1] - os === len && o.lines.compare(b.lines, start, start + len, os, os + len) === 0;
    }
    if (dup) onDuplicate();
    else {
      outSrc.push(cur.b);
      outIdx.push(i);
    }
    // Advance the cursor; a finished one leaves the heap.
    if (++cur.i === b.count) {
      cur.i = 0;
      cur.b++;
    }
    if (cur.b === cur.end) {
      const last = heap.pop()!;
      if (heap.length > 0) heap[0] = last;
    }
    if (heap.length > 0) down(0);
    if (++sincePace === PACE_EVERY) {
      sincePace = 0;
      yield;
    }
  }
  cut();
}
