import { EMPTY_LABELS, labelsToString, type Labels } from '../../model/labels.js';
import type { ResultLabels, SampleOutput } from '../log/types.js';
import type { Grouping, RangeAggregation } from '../syntax/ast.js';
import { extractionLabelsFn, isPipelineFailure } from './grouping.js';
import type { Steps } from './steps.js';

/**
 * Times of a range aggregation relative to `base` = first step − offset − range, as doubles:
 * step k's window is (k·S, R + k·S]. Exact while the query spans less than 2^53 ns (104 days).
 */
export interface RangeFrame {
  readonly base: bigint;
  /** Entries are read in [from, through). */
  readonly from: bigint;
  readonly through: bigint;
  /** R: the range in ns. */
  readonly range: number;
  /** S: the step in ns (1 for instant queries, which have a single step). */
  readonly step: number;
  readonly count: number;
}

export function rangeFrame(agg: RangeAggregation, steps: Steps): RangeFrame {
  const { rangeNs, offsetNs } = agg.range;
  const base = steps.startNs - offsetNs - rangeNs;
  const last = steps.startNs + BigInt(Math.max(steps.count - 1, 0)) * steps.stepNs;
  return {
    base,
    // The lower bound is exclusive; the upper one inclusive, hence the extra nanosecond.
    from: base + 1n,
    through: last - offsetNs + 1n,
    range: Number(rangeNs),
    step: steps.stepNs > 0n ? Number(steps.stepNs) : 1,
    count: steps.count,
  };
}

/** The first step whose window holds relative time r (r ≤ R + k·S); may be ≥ count. */
export function firstStep(f: RangeFrame, r: number): number {
  if (r <= f.range) return 0;
  let k = Math.ceil((r - f.range) / f.step);
  // Correct the division's rounding with exact integer products.
  while (k > 0 && f.range + (k - 1) * f.step >= r) k--;
  while (f.range + k * f.step < r) k++;
  return k;
}

/** The last step whose window holds r (k·S < r), capped at the last step; -1 when none. */
export function lastStep(f: RangeFrame, r: number): number {
  let k = Math.ceil(r / f.step) - 1;
  while ((k + 1) * f.step < r) k++;
  while (k >= 0 && k * f.step >= r) k--;
  return Math.min(k, f.count - 1);
}

export interface RoutedSeries {
  readonly labels: Labels;
  readonly key: string;
  /** Reaching the output with these labels is a pipeline error. */
  readonly failing: boolean;
}

/**
 * Maps the extractor's label sets to the aggregation's series, grouping like Loki's extraction.
 * Result labels are interned per stream pipeline, so the object is a cheap first-level key.
 */
/** What routing needs of a sample's labels (worker samples carry just these). */
export type RoutedLabels = Pick<ResultLabels, 'all' | 'key'>;

export class SeriesRouter<S extends RoutedSeries> {
  readonly all: S[] = [];
  private byResult = new Map<RoutedLabels, S>();
  private readonly byKey = new Map<string, S>();
  private readonly group: (l: Labels) => Labels;

  constructor(
    private readonly grouping: Grouping | undefined,
    private readonly create: (labels: Labels, key: string, failing: boolean) => S,
  ) {
    this.group = extractionLabelsFn(grouping);
  }

  route(r: RoutedLabels): S {
    let s = this.byResult.get(r);
    if (s !== undefined) return s;
    const labels = this.group(r.all);
    const key = labels === r.all ? r.key : labelsToString(labels);
    s = this.byKey.get(key);
    if (s === undefined) {
      s = this.create(labels, key, isPipelineFailure(labels, this.grouping));
      this.byKey.set(key, s);
      this.all.push(s);
    }
    this.byResult.set(r, s);
    return s;
  }

  /** Drops the identity cache once a stream is done (its label objects never come back). */
  forgetStreams(): void {
    this.byResult = new Map();
  }
}

const NO_RESULT_LABELS: ResultLabels = Object.freeze({
  all: EMPTY_LABELS, key: '{}', stream: EMPTY_LABELS, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS,
});

export function newSampleOutput(): SampleOutput {
  return { value: 0, labels: NO_RESULT_LABELS };
}
