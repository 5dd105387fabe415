import type { LabelMatcher } from '../../model/matcher.js';
import type { Bounds } from './params.js';
import { mergeSorted, type MetadataSources } from './sources.js';

/*
 * Like Loki, the in-memory part ignores the time range (every stream an ingester holds is
 * listed) while the index part honours it.
 */

/** Label names of the tenant's streams (matching `matchers` when given), sorted. */
export async function labelNames(src: MetadataSources, tenant: string, b: Bounds, matchers: readonly LabelMatcher[]): Promise<string[]> {
  let mem: string[];
  if (matchers.length === 0) mem = src.ingester.labelNames(tenant);
  else {
    const names = new Set<string>();
    for (const s of src.ingester.select(tenant, matchers)) for (const l of s.labels) names.add(l.name);
    mem = [...names];
  }
  const stored = await src.index.labelNames(tenant, b.start, b.end, matchers);
  return mergeSorted(mem, stored);
}

/** Values of one label over the tenant's streams (matching `matchers` when given), sorted. */
export async function labelValues(src: MetadataSources, tenant: string, name: string, b: Bounds, matchers: readonly LabelMatcher[]): Promise<string[]> {
  let mem: string[];
  if (matchers.length === 0) mem = src.ingester.labelValues(tenant, name);
  else {
    const values = new Set<string>();
    for (const s of src.ingester.select(tenant, matchers)) {
      for (const l of s.labels) if (l.name === name) values.add(l.value);
    }
    mem = [...values];
  }
  const stored = await src.index.labelValues(tenant, name, b.start, b.end, matchers);
  return mergeSorted(mem, stored);
}
