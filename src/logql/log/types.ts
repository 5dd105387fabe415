import type { Labels } from '../../model/labels.js';

/**
 * The contract between the log pipeline (src/logql/log) and its users: the querier (log
 * queries, tail), the metric engine (sample extraction) and detected_fields.
 */

/**
 * A result label set, interned per stream pipeline: entries with equal labels share one object,
 * so callers can group by identity or by `key` without rebuilding strings.
 */
export interface ResultLabels {
  /** Stream labels (after drop/keep/label_format) + structured metadata + parsed labels, incl. __error__ / __error_details__; sorted. What results show without categorize-labels. */
  readonly all: Labels;
  /** labelsToString(all) */
  readonly key: string;
  /** Categorized view (X-Loki-Response-Encoding-Flags: categorize-labels). */
  readonly stream: Labels;
  readonly structuredMetadata: Labels;
  /** Parsed labels, incl. __error__ / __error_details__. */
  readonly parsed: Labels;
}

/** Output slot reused across calls to avoid an allocation per entry. */
export interface PipelineOutput {
  /** The line after the stages (a new Buffer only when line_format or decolorize changed it). */
  line: Buffer;
  labels: ResultLabels;
}

/** A compiled pipeline for one stream's label set. Not shared between concurrent queries. */
export interface StreamPipeline {
  /** Runs the stages over one entry; false when a filter dropped it, else `out` holds the result. */
  process(ts: bigint, line: Buffer, metadata: Labels, out: PipelineOutput): boolean;
}

/** A log pipeline compiled once per query. */
export interface LogPipeline {
  /** True when there are no stages: entries pass unchanged (labels = stream + metadata). */
  readonly noop: boolean;
  /** Per-stream state (label builders, caches); callers keep one per stream key. */
  forStream(streamLabels: Labels): StreamPipeline;
}

/** One sample of a metric query, before range aggregation. */
export interface SampleOutput {
  value: number;
  labels: ResultLabels;
}

export interface StreamSampleExtractor {
  /** False when the entry yields no sample (filtered, or unwrap value missing). */
  process(ts: bigint, line: Buffer, metadata: Labels, out: SampleOutput): boolean;
}

/** The log pipeline of a range aggregation plus how each entry becomes a number. */
export interface SampleExtractor {
  forStream(streamLabels: Labels): StreamSampleExtractor;
}
