/** Shared helpers of this package's tests: run a query's pipeline over single lines. */
import { labelsFromRecord, labelsToRecord, type Labels } from '../../model/labels.js';
import { parseQuery, type LogSelector, type RangeAggregation, type VectorAggregation } from '../syntax/index.js';
import { compileLogPipeline, newPipelineOutput } from './pipeline.js';
import { compileSampleExtractor, injectedGrouping, newSampleOutput } from './sample-extractor.js';
import type { ResultLabels } from './types.js';

export const STREAM: Labels = labelsFromRecord({ app: 'api', job: 'prod/api' });

export interface LineResult {
  /** undefined when the entry was filtered out. */
  readonly line: string | undefined;
  readonly labels: Record<string, string>;
  readonly result: ResultLabels | undefined;
}

function selector(query: string): LogSelector {
  const e = parseQuery(query);
  if (e.kind !== 'LogSelector') throw new Error('not a log query: ' + query);
  return e;
}

/** Runs `{app="api"} <pipeline>` over lines of one stream; labels include the stream's. */
export function runLines(
  pipeline: string, lines: readonly string[], stream: Record<string, string> = labelsToRecord(STREAM),
  metadata: readonly Record<string, string>[] = [],
): LineResult[] {
  const p = compileLogPipeline(selector('{app="api"} ' + pipeline)).forStream(labelsFromRecord(stream));
  const out = newPipelineOutput();
  return lines.map((l, i) => {
    const md = metadata[i] === undefined ? [] : labelsFromRecord(metadata[i]);
    if (!p.process(BigInt(1767225600 + i) * 1_000_000_000n, Buffer.from(l, 'utf8'), md, out)) {
      return { line: undefined, labels: {}, result: undefined };
    }
    return { line: out.line.toString('utf8'), labels: labelsToRecord(out.labels.all), result: out.labels };
  });
}

export function runLine(pipeline: string, line: string, stream?: Record<string, string>, metadata?: Record<string, string>): LineResult {
  return runLines(pipeline, [line], stream, metadata === undefined ? [] : [metadata])[0];
}

/** The labels of a line result minus the stream labels (what a stage added). */
export function added(r: LineResult, stream: Record<string, string> = labelsToRecord(STREAM)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.labels)) if (stream[k] !== v) out[k] = v;
  return out;
}

export interface SampleResult {
  readonly value: number | undefined;
  readonly labels: Record<string, string>;
}

/** Runs a metric query's extractor (the first range aggregation, with Loki's sum pushdown). */
export function runSamples(query: string, lines: readonly string[], stream: Record<string, string> = labelsToRecord(STREAM)): SampleResult[] {
  const e = parseQuery(query);
  let range: RangeAggregation;
  let outer: VectorAggregation | undefined;
  if (e.kind === 'RangeAggregation') range = e;
  else if (e.kind === 'VectorAggregation' && e.expr.kind === 'RangeAggregation') {
    range = e.expr;
    outer = e;
  } else throw new Error('unsupported query ' + query);
  const ex = compileSampleExtractor(range, { grouping: outer === undefined ? undefined : injectedGrouping(outer) });
  const s = ex.forStream(labelsFromRecord(stream));
  const out = newSampleOutput();
  return lines.map((l, i) => (s.process(BigInt(1767225600 + i) * 1_000_000_000n, Buffer.from(l, 'utf8'), [], out)
    ? { value: out.value, labels: labelsToRecord(out.labels.all) }
    : { value: undefined, labels: {} }));
}
