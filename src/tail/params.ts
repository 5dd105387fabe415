import type { LogSelector, Stage } from '../logql/syntax/index.js';
import { parseQuery } from '../logql/syntax/index.js';
import type { Nanos } from '../model/time.js';
import { parseBounds, parseLimit, type Params } from '../querier/params.js';
import { BadRequestError } from '../util/errors.js';

/** Loki's maxDelayForInTailing, in seconds. */
export const MAX_DELAY_FOR = 5;

export interface TailParams {
  readonly selector: LogSelector;
  /** History entries sent first (`limit`, 100). */
  readonly limit: number;
  /** History starts here (`start`, now - 1h). */
  readonly start: Nanos;
  /** Seconds an entry is held back so late ones can be sorted in (`delay_for`, 0). */
  readonly delayForSec: number;
}

/** Go's strconv.Atoi into a uint32, as Loki reads delay_for: negative values wrap to huge ones. */
function parseDelayFor(params: Params): number {
  const v = params.get('delay_for');
  if (v === null || v === '') return 0;
  if (!/^[+-]?\d+$/.test(v)) throw new BadRequestError(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (n < 0 || n > MAX_DELAY_FOR) throw new BadRequestError(`delay_for can't be greater than ${MAX_DELAY_FOR}`);
  return n;
}

/** The legacy `regexp` parameter: a `|~` line filter added to the query. */
function withRegexp(sel: LogSelector, regexp: string | null): LogSelector {
  if (regexp === null || regexp === '') return sel;
  const filter: Stage = { kind: 'LineFilter', op: '|~', value: regexp, ip: false, or: [] };
  return { ...sel, pipeline: [...sel.pipeline, filter] };
}

/** `/loki/api/v1/tail` parameters (loghttp.ParseTailQuery); errors are answered before the upgrade. */
export function parseTailParams(params: Params): TailParams {
  const expr = parseQuery(params.get('query') ?? '');
  if (expr.kind !== 'LogSelector') throw new BadRequestError('only log selector is supported');
  const selector = withRegexp(expr, params.get('regexp'));
  const limit = parseLimit(params);
  const { start } = parseBounds(params);
  return { selector, limit, start, delayForSec: parseDelayFor(params) };
}
