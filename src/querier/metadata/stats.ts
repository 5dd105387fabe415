import type { IndexStats } from '../../index/index.js';
import { labelsToString } from '../../model/labels.js';
import type { LabelMatcher } from '../../model/matcher.js';
import { factorOfTime, memChunkCounts, scaled, streamOverlaps, unflushedSpans } from './chunks.js';
import type { Bounds } from './params.js';
import type { MetadataSources } from './sources.js';

/**
 * `/index/stats`: streams, chunks, uncompressed bytes and entries of the matching data in range.
 * Unlike Loki, which answers from flushed chunks only, unflushed in-memory chunks count too:
 * clients use the numbers as a size hint, and fresh data would otherwise read as empty. A chunk
 * partly in range contributes in proportion to the overlapped share of its time span.
 */
export async function indexStats(src: MetadataSources, tenant: string, b: Bounds, matchers: readonly LabelMatcher[]): Promise<IndexStats> {
  const streams = new Set<string>();
  let chunks = 0;
  let bytes = 0;
  let entries = 0;
  for (const s of src.ingester.select(tenant, matchers)) {
    if (!streamOverlaps(s, b.start, b.end)) continue;
    for (const c of unflushedSpans(s)) {
      if (!memChunkCounts(c, b.start, b.end)) continue;
      const f = factorOfTime(b.start, b.end, c.from, c.through);
      chunks++;
      bytes += scaled(c.bytes, f);
      entries += scaled(c.entries, f);
      streams.add(s.key);
    }
  }
  for (const r of await src.index.chunkRefs(tenant, b.start, b.end, matchers)) {
    const f = factorOfTime(b.start, b.end, r.from, r.through);
    chunks++;
    bytes += scaled(r.rawSize, f);
    entries += scaled(r.entries, f);
    streams.add(labelsToString(r.labels));
  }
  return { streams: streams.size, chunks, bytes, entries };
}

export function sumStats(all: readonly IndexStats[]): IndexStats {
  const out = { streams: 0, chunks: 0, bytes: 0, entries: 0 };
  for (const s of all) {
    out.streams += s.streams;
    out.chunks += s.chunks;
    out.bytes += s.bytes;
    out.entries += s.entries;
  }
  return out;
}
