import { formatGoDuration, formatPromDuration } from '../../config/duration.js';
import type { LimitsConfig } from '../../config/types.js';
import { NS_PER_MS, nowNanos, type Nanos } from '../../model/time.js';
import { parseBounds, parseDurationParam, type Params } from '../params.js';
import { BadRequestError } from '../../util/errors.js';

const END_BEFORE_START = 'end timestamp must not be before or equal to start time';

export interface Bounds {
  readonly start: Nanos;
  readonly end: Nanos;
}

/** `start`/`end`/`since` (1h) with Loki's end-before-start check. */
export function parseMetaBounds(params: Params): Bounds {
  const b = parseBounds(params);
  if (b.end < b.start) throw new BadRequestError(END_BEFORE_START);
  return b;
}

/** Go's strconv.Atoi for an optional parameter; `def` when absent or empty. */
export function parseIntParam(params: Params, name: string, def: number): number {
  const v = params.get(name);
  if (v === null || v === '') return def;
  if (!/^[+-]?\d+$/.test(v)) throw new BadRequestError(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new BadRequestError(`strconv.Atoi: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

function positive(n: number): number {
  if (n <= 0) throw new BadRequestError('limit must be a positive value');
  return n;
}

/**
 * The match groups of a series request: `match` and `match[]` together, de-duplicated and
 * sorted; a lone `{}` means all series, like no group at all.
 */
export function seriesMatchGroups(params: Params): string[] {
  const groups = [...new Set([...params.getAll('match'), ...params.getAll('match[]')])].sort();
  if (groups.length === 1 && groups[0].replace(/ /g, '') === '{}') return [];
  return groups;
}

export type AggregateBy = 'series' | 'labels';

export interface VolumeParams extends Bounds {
  readonly query: string;
  readonly limit: number;
  readonly targetLabels: readonly string[];
  readonly aggregateBy: AggregateBy;
  /** Bucket width in ms for volume_range; 0 for an instant request. */
  readonly stepMs: number;
}

/** `/index/volume` and `/index/volume_range` parameters (loghttp.ParseVolume*Query). */
export function parseVolumeParams(params: Params, range: boolean): VolumeParams {
  let limit = parseIntParam(params, 'limit', 100);
  if (limit === 0) limit = 100;
  positive(limit);
  const raw = params.get('aggregateBy') ?? '';
  if (raw !== '' && raw !== 'series' && raw !== 'labels') throw new BadRequestError('invalid aggregation option');
  const aggregateBy: AggregateBy = raw === 'labels' ? 'labels' : 'series';
  const tl = params.get('targetLabels') ?? '';
  const targetLabels = tl === '' ? [] : tl.split(',');
  const { start, end } = parseMetaBounds(params);
  const stepMs = range ? parseStep(params, start, end) : 0;
  return { query: params.get('query') ?? '', limit, targetLabels, aggregateBy, start, end, stepMs };
}

/** `step` with query_range's default and limits, in ms. */
export function parseStep(params: Params, start: Nanos, end: Nanos): number {
  const raw = params.get('step');
  const rangeMs = Number((end - start) / NS_PER_MS);
  const stepMs = raw ? parseDurationParam(raw, 'step') : Math.max(Math.floor(rangeMs / 250_000), 1) * 1000;
  if (stepMs <= 0) throw new BadRequestError('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (rangeMs / stepMs > 11000) {
    throw new BadRequestError('exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter');
  }
  return stepMs;
}

export interface DetectedFieldsParams extends Bounds {
  readonly query: string;
  /** Lines sampled (line_limit, 100). */
  readonly lineLimit: number;
  /** Fields (or values) returned (limit / field_limit, 1000). */
  readonly limit: number;
}

/** `/detected_fields` and `/detected_field/{name}/values` parameters. */
export function parseDetectedFieldsParams(params: Params): DetectedFieldsParams {
  const { start, end } = parseMetaBounds(params);
  const lineLimit = positive(parseIntParam(params, 'line_limit', 100));
  const limitName = (params.get('limit') ?? '') !== '' ? 'limit' : 'field_limit';
  const limit = positive(parseIntParam(params, limitName, 1000));
  parseStep(params, start, end);
  return { query: params.get('query') ?? '', start, end, lineLimit, limit };
}

/** Validates a range query's extra parameters the way index/stats does (it parses as a range query). */
export function validateRangeExtras(params: Params, b: Bounds): void {
  positive(parseIntParam(params, 'limit', 100));
  const d = params.get('direction');
  if (d !== null && d !== '' && d.toLowerCase() !== 'forward' && d.toLowerCase() !== 'backward') throw new BadRequestError(`invalid direction '${d}'`);
  parseStep(params, b.start, b.end);
}

/**
 * Loki's validateQueryTimeRangeLimits for metadata reads: `max_query_lookback` clamps the start,
 * `max_query_length` refuses longer ranges.
 */
export function applyTimeRangeLimits(b: Bounds, limits: LimitsConfig): Bounds {
  let start = b.start;
  if (limits.max_query_lookback > 0) {
    const oldest = nowNanos() - BigInt(limits.max_query_lookback) * NS_PER_MS;
    if (start < oldest) start = oldest;
  }
  if (limits.max_query_length > 0) {
    const lengthMs = Number((b.end - start) / NS_PER_MS);
    if (lengthMs > limits.max_query_length) {
      throw new BadRequestError(`the query time range exceeds the limit (query length: ${formatGoDuration(lengthMs)}, limit: ${formatPromDuration(limits.max_query_length)})`);
    }
  }
  if (b.end < start) throw new BadRequestError(`this data is no longer available, it is past now - max_query_lookback (${formatPromDuration(limits.max_query_lookback)})`);
  return { start, end: b.end };
}
