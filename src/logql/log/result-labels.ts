import { EMPTY_LABELS, labelsToString, type Label, type Labels } from '../../model/labels.js';
import type { ResultLabels } from './types.js';

/** Above this many distinct sets a query stops interning (memory over identity; `key` still groups). */
const MAX_CANONICAL = 50_000;

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Entries of the per-query cache of results by builder key (see LabelsBuilder). */
const MAX_FAST = 16384;

/** One result label set per distinct label string, shared by all streams of a query. */
export class ResultInterner {
  private readonly canonical = new Map<string, ResultLabels>();
  /** Results by a cheap per-stream key; bounded for the whole query. */
  private readonly fast = new Map<string, ResultLabels>();
  private streams = 0;
  /** Miss statistics of LabelsBuilder.labelsResult over all the query's streams. */
  lookups = 0;
  misses = 0;
  /** Entries left to defer (streams that repeat excepted). */
  deferLeft = 0;

  /** A tag making cheap keys of different streams distinct. */
  nextStreamTag(): string {
    return (this.streams++).toString(36) + '|';
  }

  cached(key: string): ResultLabels | undefined {
    return this.fast.get(key);
  }

  cache(key: string, r: ResultLabels): void {
    if (this.fast.size >= MAX_FAST) this.fast.clear();
    this.fast.set(key, r);
  }

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

/**
 * A result whose sorting and printing wait until first read: for label sets that rarely
 * repeat (parsed timestamps, ids) most entries are filtered or cut by a limit before
 * anyone looks at their labels. Reads resolve to the interned set's values.
 */
export class DeferredResult implements ResultLabels {
  private r: ResultLabels | undefined;

  constructor(
    private readonly interner: ResultInterner,
    /** Stream labels still present (may be the stream's own array: never modified). */
    private readonly streamPart: readonly Label[],
    /** Added labels: names, values and categories (1 metadata, 2 parsed). */
    private readonly names: string[],
    private readonly values: string[],
    private readonly cats: number[],
  ) {}

  private resolve(): ResultLabels {
    if (this.r === undefined) {
      const meta: Label[] = [];
      const parsed: Label[] = [];
      for (let i = 0; i < this.names.length; i++) {
        (this.cats[i] === 1 ? meta : parsed).push({ name: this.names[i], value: this.values[i] });
      }
      this.r = this.interner.make([...this.streamPart], meta, parsed);
    }
    return this.r;
  }

  get all(): Labels {
    return this.resolve().all;
  }

  get key(): string {
    return this.resolve().key;
  }

  get stream(): Labels {
    return this.resolve().stream;
  }

  get structuredMetadata(): Labels {
    return this.resolve().structuredMetadata;
  }

  get parsed(): Labels {
    return this.resolve().parsed;
  }
}

export const EMPTY_RESULT: ResultLabels = Object.freeze({
  all: EMPTY_LABELS,
  key: '{}',
  stream: EMPTY_LABELS,
  structuredMetadata: EMPTY_LABELS,
  parsed: EMPTY_LABELS,
});
