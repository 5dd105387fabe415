import { getLabel, labelsToString, type Labels } from '../../model/labels.js';
import { BadRequestError, ClientClosedError, HttpError } from '../../util/errors.js';

export const ERROR_LABEL = '__error__';
export const ERROR_DETAILS_LABEL = '__error_details__';
export const PRESERVE_ERROR_LABEL = '__preserve_error__';

/** Loki's logqlmodel.PipelineError text: a sample still carries __error__ at the range aggregation. */
export function pipelineError(labels: Labels): BadRequestError {
  const kind = getLabel(labels, ERROR_LABEL) ?? '';
  return new BadRequestError(
    `pipeline error: '${kind}' for series: '${labelsToString(labels)}'.\n` +
      `Use a label filter to intentionally skip this error. (e.g | __error__!="${kind}").\n` +
      'To skip all potential errors you can match empty errors.(e.g __error__="")\n' +
      'The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__="" )\n',
  );
}

export function seriesLimitError(limit: number): BadRequestError {
  return new BadRequestError(`maximum of series (${limit}) reached for a single query`);
}

/** Vector matching failures are plain errors in Loki, hence 500. */
export function duplicateSeriesError(side: 'left' | 'right'): HttpError {
  return new HttpError(500, `found duplicate series on the ${side} hand-side;many-to-many matching not allowed: matching labels must be unique on one side`);
}

export function manyToOneError(): HttpError {
  return new HttpError(500, 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
}

export function groupingNotUniqueError(): HttpError {
  return new HttpError(500, 'multiple matches for labels: grouping labels must ensure unique matches');
}

/** Loki v3.4 without `shard_aggregations: approx_topk` panics on the operator; the panic becomes a 500. */
export function approxTopkError(): HttpError {
  return new HttpError(500, 'expected aggregation operator but got "approx_topk"');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ClientClosedError();
}
