/**
 * exprToString: a query on one line exactly as Loki's String() methods print it
 * (the form Loki's frontend sends to queriers, and the pieces its prettifier measures).
 */
import type { LabelMatcher } from '../../model/matcher.js';
import type {
  Expr, Grouping, LabelFilter, LineFilter, LineFilterTerm, LogRange, LogSelector, SampleExpr, Stage, Unwrap,
  VectorMatching,
} from './ast.js';
import { formatBytes } from './bytes.js';
import { formatGoDuration, formatPromDuration } from './duration.js';
import { formatFixed, formatFloatF, formatFloatG } from './go-format.js';
import { quote } from './go-strconv.js';
import { labelRegexIsLiteralFilter } from './regex-shape.js';

const PLAIN_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Prometheus Matcher.String: names outside [a-zA-Z_][a-zA-Z0-9_]* are quoted. */
export function matcherString(m: LabelMatcher): string {
  return (PLAIN_NAME.test(m.name) ? m.name : quote(m.name)) + m.type + quote(m.value);
}

export function matchersString(matchers: readonly LabelMatcher[]): string {
  return '{' + matchers.map(matcherString).join(', ') + '}';
}

function termString(t: LineFilterTerm): string {
  return t.ip ? 'ip(' + quote(t.value) + ')' : quote(t.value);
}

/** One line filter; Loki's prettifier drops the `or` terms when it splits a chain. */
export function lineFilterString(f: LineFilter, withOr = true): string {
  let s = f.op + ' ' + termString(f);
  if (withOr) for (const t of f.or) s += ' or ' + termString(t);
  return s;
}

/** Consecutive line filters form one element of Loki's pipeline. */
export type PipelineElement = Stage | readonly LineFilter[];

export function pipelineElements(stages: readonly Stage[]): PipelineElement[] {
  const out: PipelineElement[] = [];
  let chain: LineFilter[] | undefined;
  for (const s of stages) {
    if (s.kind === 'LineFilter') {
      if (chain === undefined) {
        chain = [];
        out.push(chain);
      }
      chain.push(s);
    } else {
      chain = undefined;
      out.push(s);
    }
  }
  return out;
}

export function isChain(e: PipelineElement): e is readonly LineFilter[] {
  return Array.isArray(e);
}

export function chainString(filters: readonly LineFilter[]): string {
  return filters.map((f) => lineFilterString(f)).join(' ');
}

export function elementString(e: PipelineElement): string {
  return isChain(e) ? chainString(e) : stageString(e as Stage);
}

function stageString(s: Stage): string {
  switch (s.kind) {
    case 'LineFilter': return lineFilterString(s);
    case 'LogfmtParser': {
      if (s.params.length === 0) return '| logfmt' + (s.strict ? ' --strict' : '') + (s.keepEmpty ? ' --keep-empty' : '');
      return '| logfmt ' + (s.strict ? '--strict ' : '') + (s.keepEmpty ? '--keep-empty ' : '') + paramsString(s.params);
    }
    case 'JsonParser': return s.params.length === 0 ? '| json' : '| json ' + paramsString(s.params);
    case 'RegexpParser': return '| regexp ' + quote(s.regex);
    case 'PatternParser': return '| pattern ' + quote(s.pattern);
    case 'UnpackParser': return '| unpack';
    case 'LabelFilter': return '| ' + labelFilterString(s.filter);
    case 'LineFormat': return '| line_format ' + quote(s.template);
    case 'LabelFormat':
      return '| label_format ' + s.formats.map((f) => f.name + '=' + (f.rename ? f.value : quote(f.value))).join(',');
    case 'Drop': return '| drop ' + s.labels.map((l) => (l.matcher ? matcherString(l.matcher) : l.name)).join(',');
    case 'Keep': return '| keep ' + s.labels.map((l) => (l.matcher ? matcherString(l.matcher) : l.name)).join(',');
    case 'Decolorize': return '| decolorize';
  }
}

function paramsString(params: readonly { label: string; expression: string }[]): string {
  return params.map((p) => p.label + '=' + quote(p.expression)).join(',');
}

export function labelFilterString(f: LabelFilter): string {
  switch (f.kind) {
    case 'AndFilter': return '( ' + labelFilterString(f.left) + ' , ' + labelFilterString(f.right) + ' )';
    case 'OrFilter': return '( ' + labelFilterString(f.left) + ' or ' + labelFilterString(f.right) + ' )';
    case 'StringFilter': {
      const m = f.matcher;
      // Loki prints regexes it cannot reduce to literal filters in backticks.
      if (m.type === '=~' && !labelRegexIsLiteralFilter(m.value)) {
        return m.name + m.type + (m.value.includes('`') ? quote(m.value) : '`' + m.value + '`');
      }
      return matcherString(m);
    }
    case 'NumberFilter': return f.name + f.op + formatFloatF(f.value);
    case 'DurationFilter': return f.name + f.op + formatGoDuration(f.value);
    case 'BytesFilter': return f.name + f.op + formatBytes(f.value).replace(/\s/g, '');
    case 'IpFilter': return f.name + (f.op === '!=' ? '!=' : '=') + 'ip(' + quote(f.pattern) + ')';
  }
}

export function selectorString(s: LogSelector): string {
  const m = matchersString(s.matchers);
  if (s.pipeline.length === 0) return m;
  return m + ' ' + pipelineElements(s.pipeline).map(elementString).join(' ');
}

function unwrapString(u: Unwrap): string {
  let s = ' | unwrap ' + (u.conversion ? u.conversion + '(' + u.label + ')' : u.label);
  for (const f of u.postFilters) s += ' | ' + labelFilterString(f);
  return s;
}

function logRangeString(r: LogRange): string {
  let s = selectorString(r.selector);
  if (r.unwrap) s += unwrapString(r.unwrap);
  s += '[' + formatPromDuration(r.rangeNs) + ']';
  if (r.offsetNs !== 0n) s += ' offset ' + formatGoDuration(r.offsetNs);
  return s;
}

export function groupingString(g: Grouping): string {
  return (g.without ? ' without ' : ' by ') + '(' + g.labels.join(',') + ')';
}

function binaryOpString(op: string, returnBool: boolean, m: VectorMatching): string {
  let s = op;
  if (returnBool) s += ' bool';
  let group = m.card === 'many-to-one' ? 'group_left' : m.card === 'one-to-many' ? 'group_right' : '';
  if (m.include.length > 0) group += ' (' + m.include.join(',') + ')';
  if (m.on || m.labels.length > 0) s += ' ' + (m.on ? 'on' : 'ignoring') + ' (' + m.labels.join(',') + ') ' + group;
  return s;
}

/** k is always printed for topk/bottomk/approx_topk. */
export function vectorParam(op: string, param: number | undefined): string | undefined {
  if (op === 'topk' || op === 'bottomk' || op === 'approx_topk') return String(param ?? 0);
  return param ? String(param) : undefined;
}

/** One-line form of a metric expression; `memo` avoids reprinting subtrees (the prettifier measures every level). */
export function sampleString(e: SampleExpr, memo?: Map<SampleExpr, string>): string {
  const hit = memo?.get(e);
  if (hit !== undefined) return hit;
  const s = printSample(e, memo);
  memo?.set(e, s);
  return s;
}

function printSample(e: SampleExpr, memo: Map<SampleExpr, string> | undefined): string {
  switch (e.kind) {
    case 'RangeAggregation': {
      let s = e.op + '(';
      if (e.param !== undefined) s += formatFloatF(e.param) + ',';
      s += logRangeString(e.range) + ')';
      if (e.grouping) s += groupingString(e.grouping);
      return s;
    }
    case 'VectorAggregation': {
      const param = vectorParam(e.op, e.param);
      const inner = sampleString(e.expr, memo);
      const args = param === undefined ? inner : param + ',' + inner;
      return e.op + (e.grouping ? groupingString(e.grouping) : '') + '(' + args + ')';
    }
    case 'BinaryOp':
      return '(' + sampleString(e.left, memo) + ' ' + binaryOpString(e.op, e.returnBool, e.matching) + ' ' + sampleString(e.right, memo) + ')';
    case 'Literal': return formatFloatG(e.value);
    case 'Vector': return 'vector(' + formatFixed(e.value, 6) + ')';
    case 'LabelReplace':
      return 'label_replace(' + sampleString(e.expr, memo) + ',' + quote(e.dst) + ',' + quote(e.replacement) + ','
        + quote(e.src) + ',' + quote(e.regex) + ')';
  }
}

/** The query on one line, as Loki's String(). */
export function exprToString(e: Expr): string {
  return e.kind === 'LogSelector' ? selectorString(e) : sampleString(e);
}
