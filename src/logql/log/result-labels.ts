import { EMPTY_LABELS, labelsToString, type Label, type Labels } from '../../model/labels.js';
import type { ResultLabels } from './types.js';

/** Above this many distinct sets a query stops interning (memory over identity; `key` still groups). */
const MAX_CANONICAL = 200_000;

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** One result label set per distinct label string, shared by all streams of a query. */
export class ResultInterner {
  private readonly canonical = new Map<string, ResultLabels>();

  /** The result for stream labels alone. */
  forStream(stream: Labels): ResultLabels {
    const key = labelsToString(stream);
    const hit = this.canonical.get(key);
    if (hit !== undefined) return hit;
    return this.remember(key, { all: stream, key, stream, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS });
  }

  /**
   * A result from categorized, unsorted pieces. A name appears in one piece only;
   * `all` is their sorted union.
   */
  make(stream: Label[], meta: Label[], parsed: Label[]): ResultLabels {
    const all = stream.concat(meta, parsed).sort(byName);
    const key = labelsToString(all);
    const hit = this.canonical.get(key);
    if (hit !== undefined) return hit;
    return this.remember(key, {
      all,
      key,
      stream: stream.length === 0 ? EMPTY_LABELS : stream.sort(byName),
      structuredMetadata: meta.length === 0 ? EMPTY_LABELS : meta.sort(byName),
      parsed: parsed.length === 0 ? EMPTY_LABELS : parsed.sort(byName),
    });
  }

  /** A result without categories (grouped metric labels): everything counts as stream labels. */
  uncategorized(labels: Label[]): ResultLabels {
    const all = labels.sort(byName);
    const key = labelsToString(all);
    const hit = this.canonical.get(key);
    if (hit !== undefined) return hit;
    return this.remember(key, { all, key, stream: all, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS });
  }

  private remember(key: string, r: ResultLabels): ResultLabels {
    if (this.canonical.size >= MAX_CANONICAL) this.canonical.clear();
    this.canonical.set(key, r);
    return r;
  }
}

export const EMPTY_RESULT: ResultLabels = Object.freeze({
  all: EMPTY_LABELS,
  key: '{}',
  stream: EMPTY_LABELS,
  structuredMetadata: EMPTY_LABELS,
  parsed: EMPTY_LABELS,
});
