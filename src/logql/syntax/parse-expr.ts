/**
 * Expressions: operands and binary operators by precedence climbing
 * (`or` < `and unless` < comparisons < `+ -` < `* / %` < `^`, right-associative).
 */
import { goRegexError } from '../../util/regex.js';
import type {
  BinaryOperator, Expr, LabelReplace, Literal, LogSelector, MatchCardinality, SampleExpr,
  VectorAggregation, VectorLiteral, VectorMatching, VectorOp,
} from './ast.js';
import { ONE_TO_ONE } from './ast.js';
import { ParseError } from './errors.js';
import { foldBinary } from './fold.js';
import { formatFixed } from './go-format.js';
import { parseFloat64 } from './go-strconv.js';
import { parseNumberLiteral } from './parse-label-filter.js';
import { parsePipeline } from './parse-pipeline.js';
import { RANGE_OPS, parseGrouping, parseLabelList, parseRangeAggregation } from './parse-range.js';
import { parseSelector } from './parse-selector.js';
import type { Parser } from './parser-core.js';
import { vectorAggregationCheck } from './rules.js';
import { Tok } from './tokens.js';

const BINARY: ReadonlyMap<Tok, { op: BinaryOperator; prec: number }> = new Map<Tok, { op: BinaryOperator; prec: number }>([
  [Tok.OR, { op: 'or', prec: 1 }], [Tok.AND, { op: 'and', prec: 2 }], [Tok.UNLESS, { op: 'unless', prec: 2 }],
  [Tok.CMP_EQ, { op: '==', prec: 3 }], [Tok.NEQ, { op: '!=', prec: 3 }], [Tok.GT, { op: '>', prec: 3 }],
  [Tok.GTE, { op: '>=', prec: 3 }], [Tok.LT, { op: '<', prec: 3 }], [Tok.LTE, { op: '<=', prec: 3 }],
  [Tok.ADD, { op: '+', prec: 4 }], [Tok.SUB, { op: '-', prec: 4 }],
  [Tok.MUL, { op: '*', prec: 5 }], [Tok.DIV, { op: '/', prec: 5 }], [Tok.MOD, { op: '%', prec: 5 }],
  [Tok.POW, { op: '^', prec: 6 }],
]);

const VECTOR_OPS: ReadonlyMap<Tok, VectorOp> = new Map<Tok, VectorOp>([
  [Tok.SUM, 'sum'], [Tok.AVG, 'avg'], [Tok.COUNT, 'count'], [Tok.MAX, 'max'], [Tok.MIN, 'min'],
  [Tok.STDDEV, 'stddev'], [Tok.STDVAR, 'stdvar'], [Tok.BOTTOMK, 'bottomk'], [Tok.TOPK, 'topk'],
  [Tok.SORT, 'sort'], [Tok.SORT_DESC, 'sort_desc'], [Tok.APPROX_TOPK, 'approx_topk'],
]);

export function parseExpression(p: Parser, minPrec = 0): Expr {
  p.enter();
  let left = parseOperand(p);
  for (;;) {
    const bin = BINARY.get(p.peek().type);
    if (bin === undefined || bin.prec < minPrec) {
      p.leave();
      return left;
    }
    p.next();
    const { returnBool, matching } = parseModifiers(p);
    const right = parseExpression(p, bin.op === '^' ? bin.prec : bin.prec + 1);
    left = binary(p, bin.op, returnBool, matching, left, right);
  }
}

/** An expression that must be a metric one (aggregation arguments). */
function parseMetric(p: Parser): SampleExpr {
  const e = parseExpression(p);
  if (e.kind === 'LogSelector') p.fail();
  return e;
}

function parseOperand(p: Parser): Expr {
  const t = p.peek();
  switch (t.type) {
    case Tok.OPEN_BRACE: {
      const matchers = parseSelector(p);
      const selector: LogSelector = { kind: 'LogSelector', matchers, pipeline: parsePipeline(p, false) };
      return selector;
    }
    case Tok.OPEN_PARENTHESIS: {
      p.next();
      const inner = parseExpression(p);
      p.expect(Tok.CLOSE_PARENTHESIS, []);
      return inner;
    }
    case Tok.NUMBER: case Tok.ADD: case Tok.SUB: {
      const lit = parseNumberLiteral(p);
      const node: Literal = { kind: 'Literal', value: lit.value };
      return p.note(node, lit.error);
    }
    case Tok.VECTOR:
      return parseVector(p);
    case Tok.LABEL_REPLACE:
      return parseLabelReplace(p);
  }
  const rangeOp = RANGE_OPS.get(t.type);
  if (rangeOp !== undefined) {
    p.next();
    return parseRangeAggregation(p, rangeOp);
  }
  const vectorOp = VECTOR_OPS.get(t.type);
  if (vectorOp !== undefined) {
    p.next();
    return parseVectorAggregation(p, vectorOp);
  }
  return p.fail();
}

function parseVectorAggregation(p: Parser, op: VectorOp): VectorAggregation {
  let grouping = p.at(Tok.BY) || p.at(Tok.WITHOUT) ? parseGrouping(p) : undefined;
  p.expect(Tok.OPEN_PARENTHESIS, grouping ? [Tok.OPEN_PARENTHESIS] : [Tok.OPEN_PARENTHESIS, Tok.BY, Tok.WITHOUT]);
  let paramText: string | undefined;
  if (p.at(Tok.NUMBER) && p.peek(1).type === Tok.COMMA) {
    paramText = p.next().text;
    p.next();
  }
  const expr = parseMetric(p);
  p.expect(Tok.CLOSE_PARENTHESIS, []);
  if (grouping === undefined && (p.at(Tok.BY) || p.at(Tok.WITHOUT))) grouping = parseGrouping(p);
  const { param, error } = vectorAggregationCheck(op, paramText, grouping);
  // `by ()` groups everything into one series, exactly like no grouping.
  if (grouping !== undefined && !grouping.without && grouping.labels.length === 0) grouping = undefined;
  const node: VectorAggregation = { kind: 'VectorAggregation', op, param, grouping, expr };
  return p.note(node, error, expr);
}

function parseVector(p: Parser): VectorLiteral {
  p.next();
  p.expect(Tok.OPEN_PARENTHESIS);
  const text = p.expect(Tok.NUMBER).text;
  p.expect(Tok.CLOSE_PARENTHESIS);
  let value: number;
  let error: ParseError | undefined;
  try {
    value = parseFloat64(text);
  } catch (err) {
    value = (err as { value?: number }).value ?? 0;
    error = new ParseError(`unable to parse vectorExpr as a float: ${(err as Error).message}`);
  }
  const node: VectorLiteral = { kind: 'Vector', value };
  return p.note(node, error);
}

function parseLabelReplace(p: Parser): LabelReplace {
  p.next();
  p.expect(Tok.OPEN_PARENTHESIS);
  const expr = parseMetric(p);
  const args: string[] = [];
  for (let i = 0; i < 4; i++) {
    p.expect(Tok.COMMA, i === 0 ? [] : [Tok.COMMA]);
    args.push(p.expect(Tok.STRING).text);
  }
  p.expect(Tok.CLOSE_PARENTHESIS);
  const [dst, replacement, src, regex] = args;
  const reErr = goRegexError('^(?:' + regex + ')$');
  const node: LabelReplace = { kind: 'LabelReplace', expr, dst, replacement, src, regex };
  return p.note(node, reErr === undefined ? undefined : new ParseError(`invalid regex in label_replace: ${reErr}`), expr);
}

function parseModifiers(p: Parser): { returnBool: boolean; matching: VectorMatching } {
  let returnBool = false;
  if (p.at(Tok.BOOL)) {
    p.next();
    returnBool = true;
  }
  if (!p.at(Tok.ON) && !p.at(Tok.IGNORING)) return { returnBool, matching: ONE_TO_ONE };
  const on = p.next().type === Tok.ON;
  p.expect(Tok.OPEN_PARENTHESIS);
  const labels = p.at(Tok.CLOSE_PARENTHESIS) ? (p.next(), []) : parseLabelList(p);
  let card: MatchCardinality = 'one-to-one';
  let include: string[] = [];
  if (p.at(Tok.GROUP_LEFT) || p.at(Tok.GROUP_RIGHT)) {
    card = p.next().type === Tok.GROUP_LEFT ? 'many-to-one' : 'one-to-many';
    if (p.at(Tok.OPEN_PARENTHESIS)) {
      p.next();
      include = p.at(Tok.CLOSE_PARENTHESIS) ? (p.next(), []) : parseLabelList(p);
    }
  }
  return { returnBool, matching: { on, labels, card, include } };
}

function goTypeName(e: LogSelector): string {
  return e.pipeline.length === 0 ? '*syntax.MatchersExpr' : '*syntax.PipelineExpr';
}

/** Loki's mustNewBinOpExpr: leg checks, then folding of two literals. */
function binary(
  p: Parser, op: BinaryOperator, returnBool: boolean, matching: VectorMatching, left: Expr, right: Expr,
): SampleExpr {
  let own: ParseError | undefined;
  if (left.kind === 'LogSelector') {
    own = new ParseError(`unexpected type for left leg of binary operation (${op}): ${goTypeName(left)}`);
  } else if (right.kind === 'LogSelector') {
    own = new ParseError(`unexpected type for right leg of binary operation (${op}): ${goTypeName(right)}`);
  } else {
    const lLit = left.kind === 'Literal';
    const rLit = right.kind === 'Literal';
    own = (lLit ? p.deferredError(left) : undefined) ?? (rLit ? p.deferredError(right) : undefined);
    if (own === undefined && (op === 'or' || op === 'and' || op === 'unless')) {
      if (lLit) own = new ParseError(`unexpected literal for left leg of logical/set binary operation (${op}): ${formatFixed(left.value, 6)}`);
      else if (rLit) own = new ParseError(`unexpected literal for right leg of logical/set binary operation (${op}): ${formatFixed((right as Literal).value, 6)}`);
    }
    if (own === undefined && left.kind === 'Literal' && right.kind === 'Literal') {
      const folded: Literal = { kind: 'Literal', value: foldBinary(op, left.value, right.value) };
      return folded;
    }
    if (own === undefined) {
      return p.note({ kind: 'BinaryOp', op, left, right, returnBool, matching }, undefined, left, right);
    }
  }
  // Loki keeps only the error; a vector placeholder cannot be folded away.
  const placeholder: VectorLiteral = { kind: 'Vector', value: NaN };
  return p.note(placeholder, own);
}
