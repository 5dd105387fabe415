import type { Entry } from '../model/entry.js';
import { EMPTY_LABELS } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import type { Direction } from './params.js';
import type { ReadStats } from './series-plan.js';
import type { ChunkHandle, SeriesSource } from './sources.js';

export type { ReadStats };

/**
 * Reads one stream's entries in query direction, a cluster of time-overlapping chunks at a time
 * (usually a single chunk), merging and de-duplicating where chunks overlap. Memory is bounded by
 * the largest cluster, not by the query range.
 */
export class SeriesCursor {
  private readonly clusters: ChunkHandle[][];
  private clusterIdx = 0;
  private entries: Entry[] = [];
  private pos = 0;

  constructor(
    readonly series: SeriesSource,
    private readonly from: Nanos,
    private readonly through: Nanos,
    private readonly direction: Direction,
    private readonly stats: ReadStats,
  ) {
    const chunks = series.chunks.filter((c) => c.minTs < through && c.maxTs >= from);
    this.clusters = clusterOverlapping(chunks);
    if (direction === 'backward') this.clusters.reverse();
  }

  get current(): Entry {
    return this.entries[this.pos];
  }

  /** Moves to the next entry; false when the loaded cluster is exhausted (call load()). */
  advance(): boolean {
    this.pos++;
    return this.pos < this.entries.length;
  }

  /** Loads the next cluster with entries in range; false when the stream has no more. */
  async load(): Promise<boolean> {
    while (this.clusterIdx < this.clusters.length) {
      const cluster = this.clusters[this.clusterIdx++];
      const entries = await this.readCluster(cluster);
      if (entries.length === 0) continue;
      if (this.direction === 'backward') entries.reverse();
      this.entries = entries;
      this.pos = 0;
      return true;
    }
    this.entries = [];
    this.pos = 0;
    return false;
  }

  private async readCluster(cluster: ChunkHandle[]): Promise<Entry[]> {
    const out: Entry[] = [];
    for (const chunk of cluster) {
      this.stats.chunksRead++;
      for (const b of await chunk.batches(this.from, this.through)) {
        for (let i = 0; i < b.count; i++) {
          const ts = b.ts[i];
          if (ts < this.from || ts >= this.through) continue;
          const line = b.lines.subarray(b.lineStart[i], b.lineStart[i + 1]);
          this.stats.decompressedLines++;
          this.stats.decompressedBytes += line.length;
          out.push({ ts, line, metadata: b.metadata ? b.metadata[i] : EMPTY_LABELS });
        }
      }
    }
    if (cluster.length > 1) return this.sortDedupe(out);
    return out;
  }

  /** Stable sort by timestamp (push order kept for equal ones), then drop exact duplicates. */
  private sortDedupe(entries: Entry[]): Entry[] {
    entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    const out: Entry[] = [];
    let runStart = 0;
    for (const e of entries) {
      if (out.length > 0 && out[out.length - 1].ts !== e.ts) runStart = out.length;
      let dup = false;
      for (let j = runStart; j < out.length; j++) {
        if (out[j].line.equals(e.line)) { dup = true; break; }
      }
      if (dup) this.stats.duplicates++;
      else out.push(e);
    }
    return out;
  }
}

function clusterOverlapping(chunks: ChunkHandle[]): ChunkHandle[][] {
  const sorted = [...chunks].sort((a, b) => (a.minTs < b.minTs ? -1 : a.minTs > b.minTs ? 1 : 0));
  const clusters: ChunkHandle[][] = [];
  let cur: ChunkHandle[] = [];
  let curMax = 0n;
  for (const c of sorted) {
    if (cur.length > 0 && c.minTs <= curMax) {
      cur.push(c);
      if (c.maxTs > curMax) curMax = c.maxTs;
    } else {
      if (cur.length > 0) clusters.push(cur);
      cur = [c];
      curMax = c.maxTs;
    }
  }
  if (cur.length > 0) clusters.push(cur);
  return clusters;
}
