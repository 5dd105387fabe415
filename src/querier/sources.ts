import type { EntryBatch } from '../chunk/index.js';
import type { Labels } from '../model/labels.js';
import type { Nanos } from '../model/time.js';

/** A chunk to read: in memory (ingester) or in the object store (fetched on first use). */
export interface ChunkHandle {
  readonly minTs: Nanos;
  readonly maxTs: Nanos;
  /** Batches of entries in [from, through), ascending by timestamp. */
  batches(from: Nanos, through: Nanos): Promise<Iterable<EntryBatch>>;
}

/** All chunks of one stream that may hold data for a query. */
export interface SeriesSource {
  readonly labels: Labels;
  /** labelsToString(labels) */
  readonly key: string;
  readonly chunks: ChunkHandle[];
}

export interface SelectParams {
  readonly tenant: string;
  readonly start: Nanos;
  readonly end: Nanos;
}

/** Merges sources of the same stream from the ingester and the store. */
export function mergeSeries(groups: Iterable<readonly SeriesSource[]>): SeriesSource[] {
  const byKey = new Map<string, SeriesSource & { chunks: ChunkHandle[] }>();
  for (const group of groups) {
    for (const s of group) {
      const cur = byKey.get(s.key);
      if (cur) cur.chunks.push(...s.chunks);
      else byKey.set(s.key, { labels: s.labels, key: s.key, chunks: [...s.chunks] });
    }
  }
  return [...byKey.values()];
}
