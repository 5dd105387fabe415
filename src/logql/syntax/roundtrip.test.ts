/**
 * Property: printing a tree and parsing it back gives the same tree, for the one-line
 * form and for Loki's prettified form. Generated trees are canonical (what the parser
 * builds) and avoid the few constructs Loki itself prints lossily (noted at `lossless`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type {
  BinaryOperator, Expr, Grouping, LabelFilter, LineFilter, LineFilterOp, LogRange, LogSelector, RangeOp,
  SampleExpr, Stage, Unwrap, VectorMatching, VectorOp,
} from './ast.js';
import { ONE_TO_ONE } from './ast.js';
import { formatBytes, parseBytes } from './bytes.js';
import { formatFixed } from './go-format.js';
import { byteLength } from './go-strconv.js';
import { parseExpr } from './parse.js';
import { newMatcher } from './parse-selector.js';
import { formatExpr } from './pretty.js';
import { chainString, exprToString, pipelineElements, sampleString } from './printer.js';
import { rangeAggregationRule } from './rules.js';
import { KEYWORDS } from './tokens.js';

const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).filter((s) => !KEYWORDS.has(s));
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const nonEmptyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const regex = fc.constantFrom('a.*', 'api|web', '5..', '(?i)err', '[0-9]+', '.+', 'x\\.y', 'foo|foobar', '`tick`', 'a|b');

const matcher = fc.oneof(
  fc.tuple(ident, fc.constantFrom('=' as const, '!=' as const), text).map(([n, t, v]) => newMatcher(t, n, v)),
  fc.tuple(ident, fc.constantFrom('=~' as const, '!~' as const), regex).map(([n, t, v]) => newMatcher(t, n, v)),
);

const term = fc.record({ value: text, ip: fc.boolean() });

const lineFilter: fc.Arbitrary<LineFilter> = fc.tuple(
  fc.constantFrom<LineFilterOp>('|=', '!=', '|~', '!~', '|>', '!>'), term, fc.array(text, { maxLength: 2 }), fc.option(text),
).map(([op, first, ors, lastIp]) => {
  const positive = op === '|=' || op === '|~' || op === '|>';
  // Only a final `or` term may be ip(…): an ip term ends Loki's or-chain.
  const or = positive ? [...ors.map((value) => ({ value, ip: false })), ...(lastIp === null ? [] : [{ value: lastIp, ip: true }])] : [];
  return { kind: 'LineFilter', op, value: first.value, ip: first.ip, or };
});

const compareOp = fc.constantFrom('==' as const, '!=' as const, '>' as const, '>=' as const, '<' as const, '<=' as const);
const number = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0));
const duration = fc.bigInt({ min: -(1n << 62n), max: 1n << 62n });
// 0 prints as `0B`, which Loki's scanner reads as a binary literal without digits.
const bytes = fc.oneof(fc.bigInt({ min: 1n, max: 9n }), fc.integer({ min: 1, max: 999 }).map((k) => BigInt(k) * 1000n))
  .filter((b) => parseBytes(formatBytes(b).replace(' ', '')) === b);

const leafFilter: fc.Arbitrary<LabelFilter> = fc.oneof(
  matcher.map((m) => ({ kind: 'StringFilter' as const, matcher: m })),
  fc.record({ kind: fc.constant('NumberFilter' as const), name: ident, op: compareOp, value: number }),
  fc.record({ kind: fc.constant('DurationFilter' as const), name: ident, op: compareOp, value: duration }),
  fc.record({ kind: fc.constant('BytesFilter' as const), name: ident, op: compareOp, value: bytes }),
  fc.record({ kind: fc.constant('IpFilter' as const), name: ident, op: fc.constantFrom('==' as const, '!=' as const), pattern: text }),
);

const labelFilter: fc.Arbitrary<LabelFilter> = fc.letrec<{ f: LabelFilter }>((tie) => ({
  f: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leafFilter,
    fc.record({ kind: fc.constantFrom('AndFilter' as const, 'OrFilter' as const), left: tie('f'), right: tie('f') }) as fc.Arbitrary<LabelFilter>),
})).f;

const param = fc.record({ label: ident, expression: text });
const labelItem = fc.oneof(ident.map((name) => ({ name, matcher: undefined })), matcher.map((m) => ({ name: m.name, matcher: m })));

const stage: fc.Arbitrary<Stage> = fc.oneof(
  lineFilter,
  fc.record({ kind: fc.constant('JsonParser' as const), params: fc.array(param, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('LogfmtParser' as const), strict: fc.boolean(), keepEmpty: fc.boolean(), params: fc.array(param, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('RegexpParser' as const), regex: fc.constantFrom('(?P<a>\\w+)', 'x=(?P<x>[0-9]+) (?P<y>.*)') }),
  fc.record({ kind: fc.constant('PatternParser' as const), pattern: fc.constantFrom('<ip> - <_>', '"<method> <path>"') }),
  fc.constant({ kind: 'UnpackParser' as const }),
  labelFilter.map((filter) => ({ kind: 'LabelFilter' as const, filter })),
  fc.record({ kind: fc.constant('LineFormat' as const), template: text }),
  fc.record({
    kind: fc.constant('LabelFormat' as const),
    formats: fc.array(fc.oneof(
      fc.record({ name: ident, value: ident, rename: fc.constant(true) }),
      fc.record({ name: ident, value: text, rename: fc.constant(false) }),
    ), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('Drop' as const), labels: fc.array(labelItem, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('Keep' as const), labels: fc.array(labelItem, { minLength: 1, maxLength: 3 }) }),
  fc.constant({ kind: 'Decolorize' as const }),
);

const selector = (maxStages: number): fc.Arbitrary<LogSelector> => fc.record({
  kind: fc.constant('LogSelector' as const),
  // The first matcher selects something, as Loki requires.
  matchers: fc.tuple(ident, nonEmptyText, fc.array(matcher, { maxLength: 2 }))
    .map(([n, v, rest]) => [newMatcher('=', n, v), ...rest]),
  pipeline: fc.array(stage, { maxLength: maxStages }),
});

const grouping: fc.Arbitrary<Grouping> = fc.record({ without: fc.boolean(), labels: fc.array(ident, { minLength: 1, maxLength: 3 }) });
const rangeOps: RangeOp[] = ['count_over_time', 'rate', 'rate_counter', 'bytes_over_time', 'bytes_rate', 'avg_over_time',
  'sum_over_time', 'min_over_time', 'max_over_time', 'stdvar_over_time', 'stddev_over_time', 'quantile_over_time',
  'first_over_time', 'last_over_time', 'absent_over_time'];
const unwrap: fc.Arbitrary<Unwrap> = fc.record({
  label: ident,
  conversion: fc.constantFrom(undefined, 'bytes' as const, 'duration' as const, 'duration_seconds' as const),
  postFilters: fc.array(labelFilter, { maxLength: 2 }),
});
const ms = (n: number) => BigInt(n) * 1_000_000n;
const logRange: fc.Arbitrary<LogRange> = fc.record({
  selector: selector(2),
  rangeNs: fc.integer({ min: 1, max: 10 ** 9 }).map(ms),
  offsetNs: fc.oneof(fc.constant(0n), fc.integer({ min: 1, max: 10 ** 9 }).map(ms)),
  unwrap: fc.option(unwrap, { nil: undefined }),
});

const rangeAggregation: fc.Arbitrary<SampleExpr> = fc.tuple(fc.constantFrom(...rangeOps), logRange, fc.option(grouping, { nil: undefined }),
  fc.double({ min: 0, max: 1, noNaN: true }))
  .filter(([op, r, g]) => rangeAggregationRule(op, g !== undefined, r.unwrap !== undefined) === undefined)
  .map(([op, range, g, phi]) => ({ kind: 'RangeAggregation', op, param: op === 'quantile_over_time' ? phi : undefined, range, grouping: g }));

const literal = number.map((value) => ({ kind: 'Literal' as const, value }));
const vectorLiteral = fc.integer({ min: 0, max: 10 ** 6 }).map((k) => ({ kind: 'Vector' as const, value: k / 1000 }))
  .filter((v) => Number(formatFixed(v.value, 6)) === v.value);

const vectorOps: VectorOp[] = ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'bottomk', 'topk', 'sort', 'sort_desc', 'approx_topk'];
const binaryOps: BinaryOperator[] = ['or', 'and', 'unless', '+', '-', '*', '/', '%', '^', '==', '!=', '>', '>=', '<', '<='];
const matching: fc.Arbitrary<VectorMatching> = fc.oneof(
  fc.constant(ONE_TO_ONE),
  fc.record({
    on: fc.boolean(), labels: fc.array(ident, { minLength: 1, maxLength: 2 }),
    card: fc.constantFrom('one-to-one' as const, 'many-to-one' as const, 'one-to-many' as const), include: fc.array(ident, { maxLength: 2 }),
  }).map((m) => (m.card === 'one-to-one' ? { ...m, include: [] } : m)),
);

const sample: fc.Arbitrary<SampleExpr> = fc.letrec<{ s: SampleExpr }>((tie) => ({
  s: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    rangeAggregation,
    literal,
    vectorLiteral,
    fc.tuple(fc.constantFrom(...vectorOps), tie('s'), fc.option(grouping, { nil: undefined }), fc.integer({ min: 1, max: 100 }))
      .map(([op, expr, g, k]) => {
        const usesK = op === 'topk' || op === 'bottomk' || op === 'approx_topk';
        const grp = op === 'approx_topk' || op === 'sort' || op === 'sort_desc' ? undefined : g;
        return { kind: 'VectorAggregation' as const, op, param: usesK ? k : undefined, grouping: grp, expr };
      }),
    fc.tuple(fc.constantFrom(...binaryOps), tie('s'), tie('s'), fc.boolean(), matching)
      .filter(([op, l, r]) => !(l.kind === 'Literal' && r.kind === 'Literal')
        && !((op === 'or' || op === 'and' || op === 'unless') && (l.kind === 'Literal' || r.kind === 'Literal')))
      .map(([op, left, right, returnBool, m]) => ({ kind: 'BinaryOp' as const, op, left, right, returnBool, matching: m })),
    fc.record({ kind: fc.constant('LabelReplace' as const), expr: tie('s'), dst: ident, replacement: text, src: ident, regex: regex }),
  ) as fc.Arbitrary<SampleExpr>,
})).s;

const expr: fc.Arbitrary<Expr> = fc.oneof(selector(4), sample);

/**
 * Loki prints a few trees in a form its own parser reads differently:
 * `group_left` without labels before a parenthesised operand (the parenthesis is taken
 * as the label list) and `drop a` / `keep a` before `!=`/`!~` (read as a matcher).
 */
function reparsable(e: Expr): boolean {
  if (e.kind === 'LogSelector') {
    return e.pipeline.every((s, i) => {
      const next = e.pipeline[i + 1];
      if ((s.kind !== 'Drop' && s.kind !== 'Keep') || next?.kind !== 'LineFilter') return true;
      return s.labels[s.labels.length - 1].matcher !== undefined || (next.op !== '!=' && next.op !== '!~');
    });
  }
  switch (e.kind) {
    case 'RangeAggregation': return reparsable(e.range.selector);
    case 'VectorAggregation': case 'LabelReplace': return reparsable(e.expr);
    case 'BinaryOp':
      if (e.matching.card !== 'one-to-one' && e.matching.include.length === 0 && e.right.kind === 'BinaryOp') return false;
      return reparsable(e.left) && reparsable(e.right);
    default: return true;
  }
}

const PREC: Record<string, number> = { or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '>': 3, '>=': 3, '<': 3, '<=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6 };
const long = (s: string) => byteLength(s) > 100;

/**
 * Loki's prettifier loses information in a few places, which the property excludes:
 * `or` terms of split line filters, parentheses of split nested binary operations,
 * `on ()` and `without ()` of split expressions.
 */
function lossless(e: Expr): boolean {
  if (e.kind === 'LogSelector') {
    if (!long(exprToString(e))) return true;
    return pipelineElements(e.pipeline).every((el) => !Array.isArray(el) || !long(chainString(el)) || el.every((f) => f.or.length === 0));
  }
  const split = long(sampleString(e));
  switch (e.kind) {
    case 'RangeAggregation': return lossless(e.range.selector);
    case 'VectorAggregation':
      return (!split || !(e.grouping?.without && e.grouping.labels.length === 0)) && lossless(e.expr);
    case 'LabelReplace': return lossless(e.expr);
    case 'BinaryOp': {
      if (split) {
        if (e.matching.on && e.matching.labels.length === 0) return false;
        const p = PREC[e.op];
        const l = e.left;
        const r = e.right;
        if (l.kind === 'BinaryOp' && long(sampleString(l)) && (PREC[l.op] < p || (PREC[l.op] === p && e.op === '^'))) return false;
        if (r.kind === 'BinaryOp' && long(sampleString(r)) && (PREC[r.op] < p || (PREC[r.op] === p && e.op !== '^'))) return false;
      }
      return lossless(e.left) && lossless(e.right);
    }
    default: return true;
  }
}

/** fast-check builds records without a prototype; the parser builds plain objects. */
function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as T;
  const proto = v !== null && typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === null || proto === Object.prototype) {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, plain(x)])) as T;
  }
  return v;
}

test('parseExpr(exprToString(ast)) equals ast', () => {
  fc.assert(fc.property(expr.map(plain), (ast) => {
    fc.pre(reparsable(ast));
    assert.deepStrictEqual(parseExpr(exprToString(ast)), ast);
  }), { numRuns: 1500 });
});

test('parseExpr(formatExpr(ast)) equals ast', () => {
  fc.assert(fc.property(expr.map(plain), (ast) => {
    fc.pre(reparsable(ast) && lossless(ast));
    assert.deepStrictEqual(parseExpr(formatExpr(ast)), ast);
  }), { numRuns: 1500 });
});
