/**
 * Range aggregations: `rate({…} | json [5m] offset 1h)`, `quantile_over_time(0.99, … | unwrap x [5m]) by (a)`.
 * Loki accepts the pipeline, unwrap and offset around the range in a fixed set of
 * placements (expr.y logRangeExpr), which this follows.
 */
import type { Grouping, LabelFilter, LogRange, LogSelector, RangeAggregation, RangeOp, Stage, Unwrap, UnwrapConversion } from './ast.js';
import { parseLabelFilter } from './parse-label-filter.js';
import { parsePipeline } from './parse-pipeline.js';
import { parseSelector, selectorError } from './parse-selector.js';
import type { Parser } from './parser-core.js';
import { rangeAggregationCheck } from './rules.js';
import { Tok } from './tokens.js';

const CONVERSIONS: ReadonlyMap<Tok, UnwrapConversion> = new Map<Tok, UnwrapConversion>([
  [Tok.BYTES_CONV, 'bytes'], [Tok.DURATION_CONV, 'duration'], [Tok.DURATION_SECONDS_CONV, 'duration_seconds'],
]);

export const RANGE_OPS: ReadonlyMap<Tok, RangeOp> = new Map<Tok, RangeOp>([
  [Tok.COUNT_OVER_TIME, 'count_over_time'], [Tok.RATE, 'rate'], [Tok.RATE_COUNTER, 'rate_counter'],
  [Tok.BYTES_OVER_TIME, 'bytes_over_time'], [Tok.BYTES_RATE, 'bytes_rate'], [Tok.AVG_OVER_TIME, 'avg_over_time'],
  [Tok.SUM_OVER_TIME, 'sum_over_time'], [Tok.MIN_OVER_TIME, 'min_over_time'], [Tok.MAX_OVER_TIME, 'max_over_time'],
  [Tok.STDVAR_OVER_TIME, 'stdvar_over_time'], [Tok.STDDEV_OVER_TIME, 'stddev_over_time'],
  [Tok.QUANTILE_OVER_TIME, 'quantile_over_time'], [Tok.FIRST_OVER_TIME, 'first_over_time'],
  [Tok.LAST_OVER_TIME, 'last_over_time'], [Tok.ABSENT_OVER_TIME, 'absent_over_time'],
]);

/** `| unwrap label` or `| unwrap conv(label)`, then `| labelFilter`s. */
function parseUnwrap(p: Parser): Unwrap {
  p.expect(Tok.PIPE);
  p.expect(Tok.UNWRAP);
  let conversion: UnwrapConversion | undefined;
  let label: string;
  const t = p.peek().type;
  if (t === Tok.IDENTIFIER) {
    label = p.next().text;
  } else {
    conversion = CONVERSIONS.get(t);
    if (conversion === undefined) p.fail([Tok.IDENTIFIER, Tok.BYTES_CONV, Tok.DURATION_CONV, Tok.DURATION_SECONDS_CONV]);
    p.next();
    p.expect(Tok.OPEN_PARENTHESIS);
    label = p.expect(Tok.IDENTIFIER).text;
    p.expect(Tok.CLOSE_PARENTHESIS);
  }
  const postFilters: LabelFilter[] = [];
  while (p.at(Tok.PIPE)) {
    p.next();
    postFilters.push(parseLabelFilter(p));
  }
  return { label, conversion, postFilters };
}

function unwrapOpt(p: Parser): Unwrap | undefined {
  return p.at(Tok.PIPE) && p.peek(1).type === Tok.UNWRAP ? parseUnwrap(p) : undefined;
}

function offsetOpt(p: Parser): bigint {
  if (!p.at(Tok.OFFSET)) return 0n;
  p.next();
  return p.expect(Tok.DURATION).value;
}

function logRange(selector: LogSelector, rangeNs: bigint, offsetNs: bigint, unwrap: Unwrap | undefined): LogRange {
  return { selector, rangeNs, offsetNs, unwrap };
}

function selectorOf(matchers: LogSelector['matchers'], pipeline: readonly Stage[]): LogSelector {
  return { kind: 'LogSelector', matchers, pipeline };
}

/** After `selector [pipeline] [unwrap]`: the range and what may follow it. */
function finishRange(p: Parser, matchers: LogSelector['matchers'], pipeline: Stage[], unwrap: Unwrap | undefined): LogRange {
  // After an unwrap only the range or another `| filter` may follow.
  if (!p.at(Tok.RANGE)) p.fail(unwrap ? [Tok.RANGE, Tok.PIPE] : []);
  const rangeNs = p.next().value;
  const offsetNs = offsetOpt(p);
  if (pipeline.length === 0 && unwrap === undefined) {
    const after = parsePipeline(p, true);
    return logRange(selectorOf(matchers, after), rangeNs, offsetNs, unwrapOpt(p));
  }
  return logRange(selectorOf(matchers, pipeline), rangeNs, offsetNs, unwrap);
}

export function parseLogRange(p: Parser): LogRange {
  if (p.at(Tok.OPEN_BRACE)) {
    const matchers = parseSelector(p);
    const pipeline = parsePipeline(p, true);
    return finishRange(p, matchers, pipeline, unwrapOpt(p));
  }
  p.expect(Tok.OPEN_PARENTHESIS, [Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
  if (p.at(Tok.OPEN_PARENTHESIS)) {
    p.enter();
    const inner = parseLogRange(p);
    p.expect(Tok.CLOSE_PARENTHESIS);
    p.leave();
    return inner;
  }
  if (!p.at(Tok.OPEN_BRACE)) p.fail([Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
  const matchers = parseSelector(p);
  const pipeline = parsePipeline(p, true);
  const unwrap = unwrapOpt(p);
  if (p.at(Tok.RANGE)) {
    // `( selector … [5m] … )`: a parenthesised range.
    const inner = finishRange(p, matchers, pipeline, unwrap);
    p.expect(Tok.CLOSE_PARENTHESIS);
    return inner;
  }
  if (!p.at(Tok.CLOSE_PARENTHESIS)) p.fail(unwrap ? [Tok.RANGE, Tok.CLOSE_PARENTHESIS, Tok.PIPE] : []);
  p.next();
  const rangeNs = p.expect(Tok.RANGE).value;
  const offsetNs = offsetOpt(p);
  const late = pipeline.length === 0 && unwrap === undefined ? unwrapOpt(p) : unwrap;
  return logRange(selectorOf(matchers, pipeline), rangeNs, offsetNs, late);
}

export function parseGrouping(p: Parser): Grouping {
  const without = p.next().type === Tok.WITHOUT;
  p.expect(Tok.OPEN_PARENTHESIS);
  const labels: string[] = [];
  if (p.at(Tok.CLOSE_PARENTHESIS)) {
    p.next();
    return { without, labels };
  }
  return { without, labels: parseLabelList(p) };
}

/** `a, b)`: identifiers up to and including the closing parenthesis. */
export function parseLabelList(p: Parser): string[] {
  const labels = [p.expect(Tok.IDENTIFIER, [Tok.IDENTIFIER, Tok.CLOSE_PARENTHESIS]).text];
  while (p.at(Tok.COMMA)) {
    p.next();
    labels.push(p.expect(Tok.IDENTIFIER).text);
  }
  p.expect(Tok.CLOSE_PARENTHESIS, [Tok.COMMA, Tok.CLOSE_PARENTHESIS]);
  return labels;
}

export function parseRangeAggregation(p: Parser, op: RangeOp): RangeAggregation {
  p.expect(Tok.OPEN_PARENTHESIS);
  let paramText: string | undefined;
  if (p.at(Tok.NUMBER)) {
    paramText = p.next().text;
    p.expect(Tok.COMMA);
    if (!p.at(Tok.OPEN_BRACE) && !p.at(Tok.OPEN_PARENTHESIS)) p.fail([Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
  } else if (!p.at(Tok.OPEN_BRACE) && !p.at(Tok.OPEN_PARENTHESIS)) {
    p.fail([Tok.NUMBER, Tok.OPEN_BRACE, Tok.OPEN_PARENTHESIS]);
  }
  const range = parseLogRange(p);
  p.expect(Tok.CLOSE_PARENTHESIS);
  const grouping = p.at(Tok.BY) || p.at(Tok.WITHOUT) ? parseGrouping(p) : undefined;
  const { param, error } = rangeAggregationCheck(op, paramText, grouping !== undefined, range.unwrap !== undefined);
  const node: RangeAggregation = { kind: 'RangeAggregation', op, param, range, grouping };
  return p.note(node, error ?? selectorError(range.selector.matchers));
}
