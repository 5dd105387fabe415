import type { ChunkRef } from '../../index/index.js';
import type { Ingester } from '../../ingester/ingester.js';
import type { Labels } from '../../model/labels.js';
import type { LabelMatcher } from '../../model/matcher.js';
import type { Nanos } from '../../model/time.js';

/** What metadata reads of flushed data; IndexStore implements it. Time bounds are inclusive. */
export interface MetadataIndex {
  series(tenant: string, from: Nanos, through: Nanos, groups?: readonly (readonly LabelMatcher[])[]): Promise<Labels[]>;
  labelNames(tenant: string, from: Nanos, through: Nanos, matchers?: readonly LabelMatcher[]): Promise<string[]>;
  labelValues(tenant: string, name: string, from: Nanos, through: Nanos, matchers?: readonly LabelMatcher[]): Promise<string[]>;
  chunkRefs(tenant: string, from: Nanos, through: Nanos, matchers: readonly LabelMatcher[]): Promise<ChunkRef[]>;
}

/** The in-memory side: the ingester's streams and its label postings. */
export type MetadataIngester = Pick<Ingester, 'select' | 'labelNames' | 'labelValues'>;

export interface MetadataSources {
  readonly ingester: MetadataIngester;
  readonly index: MetadataIndex;
}

/** Union of sorted string lists, sorted and de-duplicated. */
export function mergeSorted(...lists: readonly (readonly string[])[]): string[] {
  const set = new Set<string>();
  for (const l of lists) for (const v of l) set.add(v);
  return [...set].sort();
}
