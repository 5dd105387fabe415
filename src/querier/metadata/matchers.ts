import { ParseError, parseExpr, type Expr } from '../../logql/syntax/index.js';
import { parseExpression } from '../../logql/syntax/parse-expr.js';
import { Parser } from '../../logql/syntax/parser-core.js';
import { Tok } from '../../logql/syntax/tokens.js';
import type { LabelMatcher } from '../../model/matcher.js';
import { BadRequestError } from '../../util/errors.js';

/** Loki's logqlmodel.ErrParseMatchers: a pipeline or metric query where only a selector is allowed. */
export class OnlyMatchersError extends BadRequestError {
  constructor() { super('only label matchers are supported'); }
}

const EMPTY_COMPATIBLE = 'queries require at least one regexp or equality matcher';

/** The tree of `input` without the empty-compatible selector check (Loki's ParseExprWithoutValidation). */
function parseUnvalidated(input: string): Expr {
  const p = new Parser(input);
  const expr = parseExpression(p);
  if (!p.at(Tok.EOF)) p.fail();
  p.throwLexerError();
  return expr;
}

/**
 * Loki's syntax.ParseMatchers: the matchers of a bare stream selector. With `validate`, a
 * selector whose matchers all match the empty string is refused like a query (labels, stats,
 * volume); without it (series) `{app=~".*"}` is accepted.
 */
export function parseMatchers(input: string, validate: boolean): LabelMatcher[] {
  let expr: Expr;
  try {
    expr = parseExpr(input);
  } catch (err) {
    if (validate || !(err instanceof ParseError) || !err.detail.startsWith(EMPTY_COMPATIBLE)) throw err;
    expr = parseUnvalidated(input);
  }
  if (expr.kind !== 'LogSelector' || expr.pipeline.length > 0) throw new OnlyMatchersError();
  return [...expr.matchers];
}
