/**
 * Label filter expressions: `status >= 500 and method="GET", latency > 250ms or ip = ip("…")`.
 * Loki's grammar gives `and` precedence over `or`, while `,` and juxtaposition take
 * everything to their right as one operand (its parser shifts on them).
 */
import type { CompareOp, LabelFilter } from './ast.js';
import { ParseError } from './errors.js';
import { parseFloat64 } from './go-strconv.js';
import { newMatcher } from './parse-selector.js';
import type { Parser } from './parser-core.js';
import { Tok } from './tokens.js';

const COMPARE: ReadonlyMap<Tok, CompareOp> = new Map<Tok, CompareOp>([
  [Tok.EQ, '=='], [Tok.CMP_EQ, '=='], [Tok.NEQ, '!='],
  [Tok.GT, '>'], [Tok.GTE, '>='], [Tok.LT, '<'], [Tok.LTE, '<='],
]);

export interface NumberLiteral {
  readonly value: number;
  /** Loki keeps the literal but reports this when it validates the tree. */
  readonly error: ParseError | undefined;
}

/** `NUMBER`, `+NUMBER` or `-NUMBER` (Loki's literalExpr). */
export function parseNumberLiteral(p: Parser): NumberLiteral {
  let negate = false;
  if (p.at(Tok.ADD) || p.at(Tok.SUB)) negate = p.next().type === Tok.SUB;
  else if (!p.at(Tok.NUMBER)) p.fail();
  const text = p.expect(Tok.NUMBER).text;
  let value: number;
  let error: ParseError | undefined;
  try {
    value = parseFloat64(text);
  } catch (err) {
    // Go returns 0 for bad syntax and ±Inf when out of range, along with the error.
    value = (err as { value?: number }).value ?? 0;
    error = new ParseError(`unable to parse literal as a float: ${(err as Error).message}`);
  }
  return { value: negate ? -value : value, error };
}

export function parseLabelFilter(p: Parser): LabelFilter {
  return parseFilterExpr(p, 0);
}

function parseFilterExpr(p: Parser, minPrec: number): LabelFilter {
  p.enter();
  let left = parsePrimary(p);
  for (;;) {
    const t = p.peek().type;
    if (t === Tok.COMMA || t === Tok.IDENTIFIER || t === Tok.OPEN_PARENTHESIS) {
      if (t === Tok.COMMA) p.next();
      left = { kind: 'AndFilter', left, right: parseFilterExpr(p, 0) };
    } else if (t === Tok.AND && minPrec <= 2) {
      p.next();
      left = { kind: 'AndFilter', left, right: parseFilterExpr(p, 3) };
    } else if (t === Tok.OR && minPrec <= 1) {
      p.next();
      left = { kind: 'OrFilter', left, right: parseFilterExpr(p, 2) };
    } else {
      p.leave();
      return left;
    }
  }
}

function parsePrimary(p: Parser): LabelFilter {
  if (p.at(Tok.OPEN_PARENTHESIS)) {
    p.next();
    const inner = parseFilterExpr(p, 0);
    p.expect(Tok.CLOSE_PARENTHESIS, []);
    return inner;
  }
  const name = p.expect(Tok.IDENTIFIER, [Tok.IDENTIFIER, Tok.OPEN_PARENTHESIS]).text;
  const opTok = p.peek().type;
  if (opTok === Tok.RE || opTok === Tok.NRE) {
    p.next();
    return { kind: 'StringFilter', matcher: newMatcher(opTok === Tok.RE ? '=~' : '!~', name, p.expect(Tok.STRING).text) };
  }
  const op = COMPARE.get(opTok);
  if (op === undefined) p.fail();
  p.next();
  const v = p.peek();
  switch (v.type) {
    case Tok.STRING:
      if (opTok !== Tok.EQ && opTok !== Tok.NEQ) p.fail();
      p.next();
      return { kind: 'StringFilter', matcher: newMatcher(opTok === Tok.EQ ? '=' : '!=', name, v.text) };
    case Tok.IP: {
      if (opTok !== Tok.EQ && opTok !== Tok.NEQ) p.fail();
      p.next();
      p.expect(Tok.OPEN_PARENTHESIS);
      const pattern = p.expect(Tok.STRING).text;
      p.expect(Tok.CLOSE_PARENTHESIS);
      return { kind: 'IpFilter', name, op: opTok === Tok.EQ ? '==' : '!=', pattern };
    }
    case Tok.DURATION:
      p.next();
      return { kind: 'DurationFilter', name, op, value: v.value };
    case Tok.BYTES:
      p.next();
      return { kind: 'BytesFilter', name, op, value: v.value };
    case Tok.NUMBER: case Tok.ADD: case Tok.SUB:
      return { kind: 'NumberFilter', name, op, value: parseNumberLiteral(p).value };
    default:
      p.fail();
  }
}
