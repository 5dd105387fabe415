import { compareLabels, labelsToString, type Labels } from '../../model/labels.js';
import type { LabelMatcher } from '../../model/matcher.js';
import { streamOverlaps } from './chunks.js';
import type { Bounds } from './params.js';
import type { MetadataSources } from './sources.js';

/**
 * Label sets of the streams with data in the range that match any group (all streams when
 * there is none), sorted. In memory a stream counts when its first-to-last entry span overlaps
 * [start, end); in the index when a chunk overlaps [start, end].
 */
export async function series(src: MetadataSources, tenant: string, b: Bounds, groups: readonly (readonly LabelMatcher[])[]): Promise<Labels[]> {
  const out = new Map<string, Labels>();
  for (const g of groups.length === 0 ? [[]] : groups) {
    for (const s of src.ingester.select(tenant, g)) if (streamOverlaps(s, b.start, b.end)) out.set(s.key, s.labels);
  }
  for (const ls of await src.index.series(tenant, b.start, b.end, groups)) {
    const key = labelsToString(ls);
    if (!out.has(key)) out.set(key, ls);
  }
  return [...out.values()].sort(compareLabels);
}
