import type { LabelMatcher } from '../../model/matcher.js';
import type { Bounds } from './params.js';
import type { MetadataSources } from './sources.js';
import { isGoFloat, isUuid } from './value-types.js';

export interface DetectedLabel {
  readonly label: string;
  readonly cardinality: number;
}

/** Labels Loki always reports, even when their values look like ids. */
const STATIC_LABELS = new Set(['cluster', 'namespace', 'instance', 'pod']);

/** Loki's containsAllIDTypes: every value is a number or a UUID (true for none). */
function allIdLike(values: Iterable<string>): boolean {
  for (const v of values) if (!isGoFloat(v) && !isUuid(v)) return false;
  return true;
}

function addAll(into: Map<string, Set<string>>, label: string, values: Iterable<string>): void {
  let set = into.get(label);
  if (!set) into.set(label, (set = new Set()));
  for (const v of values) set.add(v);
}

/** The in-memory side (Loki's LabelsWithValues): all postings, or the labels of matching streams without empty values. */
function memoryLabels(src: MetadataSources, tenant: string, matchers: readonly LabelMatcher[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (matchers.length === 0) {
    for (const name of src.ingester.labelNames(tenant)) out.set(name, src.ingester.labelValues(tenant, name));
    return out;
  }
  const sets = new Map<string, Set<string>>();
  for (const s of src.ingester.select(tenant, matchers)) {
    for (const l of s.labels) {
      let set = sets.get(l.name);
      if (!set) sets.set(l.name, (set = new Set()));
      if (l.value !== '') set.add(l.value);
    }
  }
  for (const [k, v] of sets) out.set(k, [...v]);
  return out;
}

/**
 * `/detected_labels`: stream labels worth offering as filters, with their cardinality. Labels
 * whose values are all numbers or UUIDs are left out, except cluster/namespace/instance/pod.
 */
export async function detectedLabels(src: MetadataSources, tenants: readonly string[], b: Bounds, matchers: readonly LabelMatcher[]): Promise<DetectedLabel[]> {
  const acc = new Map<string, Set<string>>();
  for (const tenant of tenants) {
    const sources = [memoryLabels(src, tenant, matchers)];
    const stored = new Map<string, string[]>();
    for (const name of await src.index.labelNames(tenant, b.start, b.end, matchers)) {
      stored.set(name, await src.index.labelValues(tenant, name, b.start, b.end, matchers));
    }
    sources.push(stored);
    for (const m of sources) {
      for (const [label, values] of m) if (STATIC_LABELS.has(label) || !allIdLike(values)) addAll(acc, label, values);
    }
  }
  return [...acc].map(([label, set]) => ({ label, cardinality: set.size })).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
