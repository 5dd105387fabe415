import { formatGoDuration, formatPromDuration } from '../config/duration.js';
import type { LimitsConfig } from '../config/types.js';
import { logSelectors, rangeAggregations, type Expr } from '../logql/syntax/index.js';
import { NS_PER_MS, nowNanos, type Nanos } from '../model/time.js';
import { BadRequestError } from '../util/errors.js';

/**
 * The query-frontend's checks on a parsed query and its time range, with Loki's texts.
 * Returns the start to use: `max_query_lookback` clamps it silently, like Loki.
 */
export function applyQueryLimits(expr: Expr, start: Nanos, end: Nanos, limits: LimitsConfig): Nanos {
  let matchers = 0;
  for (const sel of logSelectors(expr)) matchers += sel.matchers.length;
  const maxMatchers = limits.max_streams_matchers_per_query;
  if (maxMatchers > 0 && matchers > maxMatchers) {
    throw new BadRequestError(`max streams matchers per query exceeded, matchers-count > limit (${matchers} > ${maxMatchers})`);
  }
  if (limits.max_query_range > 0) {
    const maxNs = BigInt(limits.max_query_range) * NS_PER_MS;
    for (const agg of rangeAggregations(expr)) {
      if (agg.range.rangeNs > maxNs) throw new BadRequestError('[interval] value exceeds limit');
    }
  }
  if (limits.max_query_length > 0) {
    const lengthMs = Number((end - start) / NS_PER_MS);
    if (lengthMs > limits.max_query_length) {
      throw new BadRequestError(`the query time range exceeds the limit (query length: ${formatGoDuration(lengthMs)}, limit: ${formatPromDuration(limits.max_query_length)})`);
    }
  }
  if (limits.max_query_lookback > 0) {
    const oldest = nowNanos() - BigInt(limits.max_query_lookback) * NS_PER_MS;
    if (start < oldest) return oldest;
  }
  return start;
}

/** An AbortSignal that fires at the tenant's query_timeout or when the client goes away. */
export function querySignal(clientSignal: AbortSignal, limits: LimitsConfig): { signal: AbortSignal; timedOut: () => boolean } {
  if (!(limits.query_timeout > 0)) return { signal: clientSignal, timedOut: () => false };
  const timeout = AbortSignal.timeout(limits.query_timeout);
  return { signal: AbortSignal.any([clientSignal, timeout]), timedOut: () => timeout.aborted };
}
