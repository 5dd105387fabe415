import { mergeBatches, type EntryBatch } from './batch.js';

/** One time-sorted run of entries (a block or the head) that a chunk reader can combine with others. */
export interface BlockSource {
  readonly minTs: bigint;
  readonly maxTs: bigint;
  readonly entries: number;
  /** Push-order rank: where timestamps are equal, the lower seq's entries come first. */
  readonly seq: number;
  /** The sorted entries with from <= ts < through. */
  read(from: bigint, through: bigint): EntryBatch;
}

function overlaps(s: BlockSource, from: bigint, through: bigint): boolean {
  return s.entries > 0 && s.minTs < through && s.maxTs >= from;
}

/**
 * Groups sources into clusters that must be merged: sources overlap in time, or touch at one
 * timestamp in an order that contradicts push order. Clusters come out in ascending time.
 */
export function clusterSources<S extends BlockSource>(sources: readonly S[]): S[][] {
  const sorted = [...sources].sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : a.seq - b.seq));
  const out: S[][] = [];
  let cur: S[] = [];
  let curMax = 0n;
  let curSeq = 0;
  for (const s of sorted) {
    if (cur.length > 0 && (s.minTs < curMax || (s.minTs === curMax && s.seq < curSeq))) {
      cur.push(s);
      if (s.maxTs > curMax) curMax = s.maxTs;
      if (s.seq > curSeq) curSeq = s.seq;
      continue;
    }
    if (cur.length > 0) out.push(cur);
    cur = [s];
    curMax = s.maxTs;
    curSeq = s.seq;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Sorted batches of the entries with from <= ts < through, reading only overlapping sources. */
export function* readSources(sources: readonly BlockSource[], from: bigint, through: bigint): Generator<EntryBatch> {
  if (from >= through) return;
  for (const cluster of clusterSources(sources.filter((s) => overlaps(s, from, through)))) {
    const b = cluster.length === 1 ? cluster[0].read(from, through) : mergeCluster(cluster, from, through);
    if (b.count > 0) yield b;
  }
}

export function mergeCluster(cluster: readonly BlockSource[], from: bigint, through: bigint): EntryBatch {
  const bySeq = [...cluster].sort((a, b) => a.seq - b.seq);
  return mergeBatches(bySeq.map((s) => s.read(from, through)));
}

/** Entries with from <= ts < through; sources wholly inside the range are counted from their stats. */
export function countSources(sources: readonly BlockSource[], from: bigint, through: bigint): number {
  let n = 0;
  for (const s of sources) {
    if (!overlaps(s, from, through)) continue;
    if (s.minTs >= from && s.maxTs < through) n += s.entries;
    else n += s.read(from, through).count;
  }
  return n;
}
