import { EMPTY_LABELS, type Labels } from '../model/labels.js';

/**
 * A run of entries of one stream in ascending time, as columns, without the line bytes: what
 * counting entries and line bytes needs. Immutable, like EntryBatch.
 */
export interface ColumnBatch {
  readonly count: number;
  readonly ts: BigInt64Array;
  /** count+1 line offsets, lineStart[0] === 0: entry i's line is lineStart[i+1] - lineStart[i] bytes. */
  readonly lineStart: Uint32Array;
  /** Structured metadata per entry (EMPTY_LABELS when an entry has none); null when no entry has any. */
  readonly metadata: readonly Labels[] | null;
  /** Entry i's metadata without decoding the other entries' (batches decoded lazily have it). */
  metadataAt?(i: number): Labels;
}

/** Entry i's structured metadata: for reads of a few entries of a batch (`metadata` decodes them all). */
export function entryMetadata(b: ColumnBatch, i: number): Labels {
  if (b.metadataAt !== undefined) return b.metadataAt(i);
  return b.metadata === null ? EMPTY_LABELS : b.metadata[i];
}

/**
 * A run of entries of one stream in ascending time, as columns. Batches are immutable snapshots:
 * their arrays may share memory with a chunk, but nothing ever writes to them again.
 */
export interface EntryBatch extends ColumnBatch {
  /** All lines back to back; entry i is lines[lineStart[i], lineStart[i+1]). */
  readonly lines: Buffer;
}

export const EMPTY_BATCH: EntryBatch = Object.freeze({
  count: 0,
  ts: new BigInt64Array(0),
  lines: Buffer.alloc(0),
  lineStart: new Uint32Array(1),
  metadata: null,
});

/** Line i as a view into the batch (no copy). */
export function batchLine(b: EntryBatch, i: number): Buffer {
  return b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]);
}

export function batchLineString(b: EntryBatch, i: number): string {
  return b.lines.toString('utf8', b.lineStart[i], b.lineStart[i + 1]);
}

/** First index with ts >= t in a sorted ts column. */
export function lowerBound(ts: BigInt64Array, t: bigint, lo = 0, hi = ts.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Entries i in [start, end) as a batch; views where possible, offsets rebased to 0. */
export function sliceBatch(b: EntryBatch, start: number, end: number): EntryBatch {
  if (start === 0 && end === b.count) return b;
  if (end <= start) return EMPTY_BATCH;
  const base = b.lineStart[start];
  const lineStart = new Uint32Array(end - start + 1);
  for (let i = start; i <= end; i++) lineStart[i - start] = b.lineStart[i] - base;
  return {
    count: end - start,
    ts: b.ts.subarray(start, end),
    lines: b.lines.subarray(base, b.lineStart[end]),
    lineStart,
    metadata: b.metadata === null ? null : b.metadata.slice(start, end),
  };
}

/** The entries with from <= ts < through of a sorted batch. */
export function sliceBatchByTime(b: EntryBatch, from: bigint, through: bigint): EntryBatch {
  if (b.count === 0) return b;
  const start = b.ts[0] >= from ? 0 : lowerBound(b.ts, from);
  const end = b.ts[b.count - 1] < through ? b.count : lowerBound(b.ts, through, start);
  return sliceBatch(b, start, end);
}

/** Entries (src, i) copied into one new batch in the order given. */
export function gatherBatch(srcs: readonly EntryBatch[], order: ArrayLike<number>, n: number, srcOf: (k: number) => number): EntryBatch {
  let bytes = 0;
  let anyMeta = false;
  for (let k = 0; k < n; k++) {
    const s = srcs[srcOf(k)];
    const i = order[k];
    bytes += s.lineStart[i + 1] - s.lineStart[i];
    if (s.metadata !== null) anyMeta = true;
  }
  const ts = new BigInt64Array(n);
  const lines = Buffer.allocUnsafe(bytes);
  const lineStart = new Uint32Array(n + 1);
  const metadata: Labels[] | null = anyMeta ? new Array<Labels>(n) : null;
  let off = 0;
  for (let k = 0; k < n; k++) {
    const s = srcs[srcOf(k)];
    const i = order[k];
    ts[k] = s.ts[i];
    off += s.lines.copy(lines, off, s.lineStart[i], s.lineStart[i + 1]);
    lineStart[k + 1] = off;
    if (metadata !== null) metadata[k] = s.metadata === null ? EMPTY_META : s.metadata[i];
  }
  return { count: n, ts, lines, lineStart, metadata };
}

const EMPTY_META: Labels = Object.freeze([]) as Labels;

/**
 * Merges sorted batches into one sorted batch. Equal timestamps keep the batches' order
 * (earlier batch first), then their order within a batch: this is push order.
 */
export function mergeBatches(batches: readonly EntryBatch[]): EntryBatch {
  const srcs = batches.filter((b) => b.count > 0);
  if (srcs.length === 0) return EMPTY_BATCH;
  if (srcs.length === 1) return srcs[0];
  let n = 0;
  for (const b of srcs) n += b.count;
  const srcIdx = new Uint32Array(n);
  const entIdx = new Uint32Array(n);
  const pos = new Uint32Array(srcs.length);
  // Binary min-heap of source indices keyed by (current ts, source index).
  const heap: number[] = [];
  const head: bigint[] = srcs.map((b) => b.ts[0]);
  const less = (a: number, b: number): boolean => head[a] < head[b] || (head[a] === head[b] && a < b);
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && less(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!less(heap[c], heap[i])) return;
      [heap[c], heap[i]] = [heap[i], heap[c]];
      i = c;
    }
  };
  for (let s = 0; s < srcs.length; s++) heap.push(s);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  for (let k = 0; k < n; k++) {
    const s = heap[0];
    const b = srcs[s];
    srcIdx[k] = s;
    entIdx[k] = pos[s]++;
    if (pos[s] < b.count) {
      head[s] = b.ts[pos[s]];
    } else {
      heap[0] = heap[heap.length - 1];
      heap.pop();
    }
    down(0);
  }
  return gatherBatch(srcs, entIdx, n, (k) => srcIdx[k]);
}
