/**
 * The LogQL syntax tree: a closed, readonly union discriminated by `kind`.
 * It is the normalized form Loki's parser builds (e.g. `!= "a" or "b"` is two
 * filters, `sum by () (x)` has no grouping), so equal queries give equal trees.
 */
import type { LabelMatcher } from '../../model/matcher.js';

export type Expr = LogSelector | SampleExpr;

export type SampleExpr = RangeAggregation | VectorAggregation | BinaryOp | Literal | VectorLiteral | LabelReplace;

/** `{app="api"} |= "x" | json`; a bare selector has an empty pipeline. */
export interface LogSelector {
  readonly kind: 'LogSelector';
  readonly matchers: readonly LabelMatcher[];
  readonly pipeline: readonly Stage[];
}

export type Stage =
  | LineFilter | JsonParser | LogfmtParser | RegexpParser | PatternParser | UnpackParser
  | LabelFilterStage | LineFormat | LabelFormat | DropLabels | KeepLabels | Decolorize;

export type LineFilterOp = '|=' | '!=' | '|~' | '!~' | '|>' | '!>';

/** One term of a line filter: a string, or `ip("…")`. */
export interface LineFilterTerm {
  readonly value: string;
  readonly ip: boolean;
}

/**
 * `|= "a"`, `!~ "re"`, `|= ip("10.0.0.0/8")`, `|= "a" or "b"`. `or` holds the extra
 * alternatives; only positive operators have them (`!= "a" or "b"` is parsed as two filters).
 */
export interface LineFilter extends LineFilterTerm {
  readonly kind: 'LineFilter';
  readonly op: LineFilterOp;
  readonly or: readonly LineFilterTerm[];
}

/** `label="expression"` of `json` / `logfmt` parameters (`json amount` means amount="amount"). */
export interface ExtractionParam {
  readonly label: string;
  readonly expression: string;
}

/** `| json` (all fields) or `| json a="x.y", b`. */
export interface JsonParser {
  readonly kind: 'JsonParser';
  readonly params: readonly ExtractionParam[];
}

/** `| logfmt [--strict] [--keep-empty] [params]`. */
export interface LogfmtParser {
  readonly kind: 'LogfmtParser';
  readonly strict: boolean;
  readonly keepEmpty: boolean;
  readonly params: readonly ExtractionParam[];
}

export interface RegexpParser {
  readonly kind: 'RegexpParser';
  readonly regex: string;
}

export interface PatternParser {
  readonly kind: 'PatternParser';
  readonly pattern: string;
}

export interface UnpackParser {
  readonly kind: 'UnpackParser';
}

export interface LabelFilterStage {
  readonly kind: 'LabelFilter';
  readonly filter: LabelFilter;
}

export interface LineFormat {
  readonly kind: 'LineFormat';
  readonly template: string;
}

/** `dst=src` renames (rename: true, value is the source label); `dst="{{…}}"` is a template. */
export interface LabelFormatItem {
  readonly name: string;
  readonly value: string;
  readonly rename: boolean;
}

export interface LabelFormat {
  readonly kind: 'LabelFormat';
  readonly formats: readonly LabelFormatItem[];
}

/** A `drop`/`keep` entry: a bare name, or a matcher on that name. */
export interface LabelSelectorItem {
  readonly name: string;
  readonly matcher: LabelMatcher | undefined;
}

export interface DropLabels {
  readonly kind: 'Drop';
  readonly labels: readonly LabelSelectorItem[];
}

export interface KeepLabels {
  readonly kind: 'Keep';
  readonly labels: readonly LabelSelectorItem[];
}

export interface Decolorize {
  readonly kind: 'Decolorize';
}

/** Comparison of typed label filters; `=` is parsed as `==`. */
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type LabelFilter =
  | StringLabelFilter | NumberLabelFilter | DurationLabelFilter | BytesLabelFilter | IpLabelFilter
  | AndLabelFilter | OrLabelFilter;

/**
 * `level="error"`, `path=~"/api/.*"`. A missing label compares as "". Loki matches `=~`/`!~`
 * here through its regex simplifier (pkg/logql/log/filter.go), not with the matcher's own regex.
 */
export interface StringLabelFilter {
  readonly kind: 'StringFilter';
  readonly matcher: LabelMatcher;
}

export interface NumberLabelFilter {
  readonly kind: 'NumberFilter';
  readonly name: string;
  readonly op: CompareOp;
  readonly value: number;
}

/** `latency > 250ms`; value in nanoseconds, label values are parsed with Go's time.ParseDuration. */
export interface DurationLabelFilter {
  readonly kind: 'DurationFilter';
  readonly name: string;
  readonly op: CompareOp;
  readonly value: bigint;
}

/** `size > 10KB`; value in bytes, label values are parsed with humanize.ParseBytes. */
export interface BytesLabelFilter {
  readonly kind: 'BytesFilter';
  readonly name: string;
  readonly op: CompareOp;
  readonly value: bigint;
}

/** `addr = ip("10.0.0.0/8")`; the pattern may be invalid (a query-time error). */
export interface IpLabelFilter {
  readonly kind: 'IpFilter';
  readonly name: string;
  readonly op: '==' | '!=';
  readonly pattern: string;
}

/** `a and b`, `a, b`, `a b`. */
export interface AndLabelFilter {
  readonly kind: 'AndFilter';
  readonly left: LabelFilter;
  readonly right: LabelFilter;
}

export interface OrLabelFilter {
  readonly kind: 'OrFilter';
  readonly left: LabelFilter;
  readonly right: LabelFilter;
}

export type RangeOp =
  | 'count_over_time' | 'rate' | 'rate_counter' | 'bytes_over_time' | 'bytes_rate'
  | 'avg_over_time' | 'sum_over_time' | 'min_over_time' | 'max_over_time'
  | 'stdvar_over_time' | 'stddev_over_time' | 'quantile_over_time'
  | 'first_over_time' | 'last_over_time' | 'absent_over_time';

export type VectorOp =
  | 'sum' | 'avg' | 'max' | 'min' | 'count' | 'stddev' | 'stdvar'
  | 'bottomk' | 'topk' | 'sort' | 'sort_desc' | 'approx_topk';

/** `by (a, b)` or `without (a)`. */
export interface Grouping {
  readonly without: boolean;
  readonly labels: readonly string[];
}

export type UnwrapConversion = 'bytes' | 'duration' | 'duration_seconds';

/** `| unwrap latency`, `| unwrap duration(took) | __error__=""`. */
export interface Unwrap {
  readonly label: string;
  readonly conversion: UnwrapConversion | undefined;
  readonly postFilters: readonly LabelFilter[];
}

/** `{…} | pipeline [5m] offset 1h`: window (t − range − offset, t − offset]. */
export interface LogRange {
  readonly selector: LogSelector;
  readonly rangeNs: bigint;
  readonly offsetNs: bigint;
  readonly unwrap: Unwrap | undefined;
}

/** `rate(…[5m])`, `quantile_over_time(0.99, … | unwrap x [5m]) by (a)`. */
export interface RangeAggregation {
  readonly kind: 'RangeAggregation';
  readonly op: RangeOp;
  /** φ of quantile_over_time. */
  readonly param: number | undefined;
  readonly range: LogRange;
  readonly grouping: Grouping | undefined;
}

/** `sum by (a) (…)`, `topk(5, …)`; `by ()` is no grouping. */
export interface VectorAggregation {
  readonly kind: 'VectorAggregation';
  readonly op: VectorOp;
  /** k of topk, bottomk, approx_topk. */
  readonly param: number | undefined;
  readonly grouping: Grouping | undefined;
  readonly expr: SampleExpr;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type ComparisonOp = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type SetOp = 'or' | 'and' | 'unless';
export type BinaryOperator = ArithmeticOp | ComparisonOp | SetOp;

export type MatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many';

/** `on (a)` / `ignoring (a)` and `group_left (b)` / `group_right`. */
export interface VectorMatching {
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly card: MatchCardinality;
  readonly include: readonly string[];
}

/** Never both literal: literal∘literal is folded into a Literal when parsing. */
export interface BinaryOp {
  readonly kind: 'BinaryOp';
  readonly op: BinaryOperator;
  readonly left: SampleExpr;
  readonly right: SampleExpr;
  readonly returnBool: boolean;
  readonly matching: VectorMatching;
}

/** A scalar: `2`, `-1.5`, `1e3`, NaN after folding `0/0`. */
export interface Literal {
  readonly kind: 'Literal';
  readonly value: number;
}

/** `vector(1)`: one sample without labels. */
export interface VectorLiteral {
  readonly kind: 'Vector';
  readonly value: number;
}

/** `label_replace(expr, "dst", "$1", "src", "regex")`. */
export interface LabelReplace {
  readonly kind: 'LabelReplace';
  readonly expr: SampleExpr;
  readonly dst: string;
  readonly replacement: string;
  readonly src: string;
  readonly regex: string;
}

export const ONE_TO_ONE: VectorMatching = Object.freeze({ on: false, labels: [], card: 'one-to-one', include: [] });

export function isLogSelector(e: Expr): e is LogSelector {
  return e.kind === 'LogSelector';
}

export function isSampleExpr(e: Expr): e is SampleExpr {
  return e.kind !== 'LogSelector';
}
