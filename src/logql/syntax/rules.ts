/**
 * Semantic rules Loki's ParseExpr enforces after the grammar has matched
 * (pkg/logql/syntax ast.go constructors and parser.go validation).
 */
import type { Grouping, RangeOp, VectorOp } from './ast.js';
import { ParseError } from './errors.js';
import { atoi, parseFloat64 } from './go-strconv.js';

const GROUPING_ALLOWED: ReadonlySet<RangeOp> = new Set<RangeOp>([
  'avg_over_time', 'stddev_over_time', 'stdvar_over_time', 'quantile_over_time',
  'max_over_time', 'min_over_time', 'first_over_time', 'last_over_time',
]);

const WITH_UNWRAP: ReadonlySet<RangeOp> = new Set<RangeOp>([
  'avg_over_time', 'sum_over_time', 'max_over_time', 'min_over_time', 'stddev_over_time',
  'stdvar_over_time', 'quantile_over_time', 'rate', 'rate_counter', 'absent_over_time',
  'first_over_time', 'last_over_time',
]);

const WITHOUT_UNWRAP: ReadonlySet<RangeOp> = new Set<RangeOp>([
  'bytes_over_time', 'bytes_rate', 'count_over_time', 'rate', 'absent_over_time',
]);

/** Which range aggregations need or forbid `| unwrap`, and which accept `by`/`without`. */
export function rangeAggregationRule(op: RangeOp, grouped: boolean, unwrapped: boolean): string | undefined {
  if (grouped && !GROUPING_ALLOWED.has(op)) return `grouping not allowed for ${op} aggregation`;
  if (unwrapped) return WITH_UNWRAP.has(op) ? undefined : `invalid aggregation ${op} with unwrap`;
  return WITHOUT_UNWRAP.has(op) ? undefined : `invalid aggregation ${op} without unwrap`;
}

/** The parameter and rules of a range aggregation; returns φ or the error. */
export function rangeAggregationCheck(
  op: RangeOp, paramText: string | undefined, grouped: boolean, unwrapped: boolean,
): { param: number | undefined; error: ParseError | undefined } {
  let param: number | undefined;
  if (paramText !== undefined) {
    if (op !== 'quantile_over_time') {
      return { param: undefined, error: new ParseError(`parameter ${paramText} not supported for operation ${op}`) };
    }
    try {
      param = parseFloat64(paramText);
    } catch (err) {
      return { param: undefined, error: new ParseError(`invalid parameter for operation ${op}: ${(err as Error).message}`) };
    }
  } else if (op === 'quantile_over_time') {
    return { param: undefined, error: new ParseError(`parameter required for operation ${op}`) };
  }
  const rule = rangeAggregationRule(op, grouped, unwrapped);
  return { param, error: rule === undefined ? undefined : new ParseError(rule) };
}

/** k of topk/bottomk/approx_topk (an integer > 0); no parameter for the others. */
export function vectorAggregationCheck(
  op: VectorOp, paramText: string | undefined, grouping: Grouping | undefined,
): { param: number | undefined; error: ParseError | undefined } {
  const err = (msg: string) => ({ param: undefined, error: new ParseError(msg) });
  if (op === 'topk' || op === 'bottomk' || op === 'approx_topk') {
    if (paramText === undefined) return err(`parameter required for operation ${op}`);
    let k: number;
    try {
      k = atoi(paramText);
    } catch {
      return err(`invalid parameter ${op}(${paramText},`);
    }
    if (k <= 0) return err(`invalid parameter (must be greater than 0) ${op}(${paramText}`);
    if (op === 'approx_topk' && grouping !== undefined) return err(`grouping not allowed for ${op} aggregation`);
    return { param: k, error: undefined };
  }
  if (paramText !== undefined) return err(`unsupported parameter for operation ${op}(${paramText},`);
  if ((op === 'sort' || op === 'sort_desc') && grouping !== undefined && grouping.labels.length > 0) {
    return err("sort and sort_desc doesn't allow grouping by ");
  }
  return { param: undefined, error: undefined };
}
