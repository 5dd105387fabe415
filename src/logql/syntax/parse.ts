/**
 * Entry points. parseExpr accepts exactly what Loki's syntax.ParseExpr accepts (what
 * /format_query answers 200 for); parseQuery adds the checks Loki makes when it builds
 * the query's pipelines, so it rejects what Loki's query endpoints reject with a 400.
 */
import type { Expr, LabelFilter, SampleExpr, Stage } from './ast.js';
import { ParseError } from './errors.js';
import { byteLength } from './go-strconv.js';
import { parseExpression } from './parse-expr.js';
import { selectorError } from './parse-selector.js';
import { Parser } from './parser-core.js';
import { Tok } from './tokens.js';
import { validateQuery } from './validate.js';

/** Loki's limit on query text (pkg/logql/syntax maxInputSize). */
export const MAX_INPUT_SIZE = 128 * 1024;

/**
 * Trees deeper than this are refused: later stages walk them recursively. Loki has no
 * limit, but no real query comes close (chains like `a + b + … ` of 500 terms).
 */
export const MAX_DEPTH = 512;

/** The depth of the tree, walked without recursion. */
function depthOf(root: Expr): number {
  const stack: [SampleExpr | LabelFilter | Stage[], number][] = [];
  const pushStages = (stages: readonly Stage[], d: number) => {
    for (const s of stages) if (s.kind === 'LabelFilter') stack.push([s.filter, d + 1]);
  };
  if (root.kind === 'LogSelector') pushStages(root.pipeline, 0);
  else stack.push([root, 1]);
  let max = 0;
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    if (d > max) max = d;
    if (Array.isArray(n)) continue;
    switch (n.kind) {
      case 'BinaryOp': stack.push([n.left, d + 1], [n.right, d + 1]); break;
      case 'VectorAggregation': case 'LabelReplace': stack.push([n.expr, d + 1]); break;
      case 'RangeAggregation':
        pushStages(n.range.selector.pipeline, d);
        for (const f of n.range.unwrap?.postFilters ?? []) stack.push([f, d + 1]);
        break;
      case 'AndFilter': case 'OrFilter': stack.push([n.left, d + 1], [n.right, d + 1]); break;
    }
  }
  return max;
}

/** Parses LogQL; throws ParseError with Loki's message. */
export function parseExpr(input: string): Expr {
  const size = byteLength(input);
  if (size >= MAX_INPUT_SIZE) throw new ParseError(`input size too long (${size} > ${MAX_INPUT_SIZE})`);
  const p = new Parser(input);
  const expr = parseExpression(p);
  if (!p.at(Tok.EOF)) p.fail();
  p.throwLexerError();
  if (depthOf(expr) > MAX_DEPTH) throw new ParseError('syntax error: expression nests too deeply');
  const err = expr.kind === 'LogSelector' ? selectorError(expr.matchers) : p.deferredError(expr);
  if (err !== undefined) throw err;
  return expr;
}

/** parseExpr plus the pipeline checks of query execution (regexes, templates, ip(), …). */
export function parseQuery(input: string): Expr {
  const expr = parseExpr(input);
  validateQuery(expr);
  return expr;
}
