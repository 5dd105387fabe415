import type { Labels } from '../../model/labels.js';
import type { LabelMatcher } from '../../model/matcher.js';
import type { ReadStats } from '../../querier/series-cursor.js';
import type { SeriesSource } from '../../querier/sources.js';
import type { SampleExtractor } from '../log/types.js';
import type { RangeAggregation } from '../syntax/ast.js';

/** What the engine needs from the querier: stream selection and the sample pipeline. */
export interface EngineContext {
  /** Streams matching the selector with data that may fall in [from, through). */
  selectSeries(matchers: readonly LabelMatcher[], from: bigint, through: bigint): Promise<SeriesSource[]>;
  /** The pipeline of a range aggregation; `agg.grouping` is the grouping to apply at extraction. */
  compileExtractor(agg: RangeAggregation): SampleExtractor;
  /**
   * Whether compileExtractor is compileSampleExtractor with no options, so that scan workers
   * (src/querier/scan-pool) may compile the same extractor from the syntax tree and run it, and
   * the query may use them.
   */
  workerExtractors?: boolean;
  /** max_query_series; 0 or less means no limit. */
  maxSeries: number;
  signal?: AbortSignal;
}

export interface EvalParams {
  readonly start: bigint;
  readonly end: bigint;
  /** Step of a range query in milliseconds (may be fractional); ignored for instant queries. */
  readonly stepMs: number;
  readonly instant: boolean;
  /**
   * Floor start and ceil end to multiples of the step, as Loki's query-frontend does when it splits
   * queries by interval. Off by default: with split_queries_by_interval 0 Loki evaluates at
   * start, start+step, … ≤ end exactly.
   */
  readonly alignSteps?: boolean;
}

export interface MatrixSeries {
  readonly labels: Labels;
  readonly key: string;
  /** Milliseconds since the epoch, ascending (repeated only when two results share a label set). */
  readonly timestampsMs: number[];
  readonly values: number[];
}

export interface VectorSample {
  readonly labels: Labels;
  readonly key: string;
  readonly timestampMs: number;
  readonly value: number;
}

export type EngineResult =
  | { readonly type: 'matrix'; readonly series: MatrixSeries[]; readonly stats: ReadStats }
  | { readonly type: 'vector'; readonly samples: VectorSample[]; readonly stats: ReadStats }
  | { readonly type: 'scalar'; readonly timeNs: bigint; readonly value: number; readonly stats: ReadStats };
