/**
 * formatExpr: Loki's prettifier (pkg/logql/syntax/prettier.go), what /format_query returns.
 * Any node whose one-line form is longer than 100 bytes is split over lines, indented two
 * spaces per level; Loki's quirks (no indent before `| decolorize`, `or` terms dropped from
 * split line filters, `[range]` preceded by a space) are kept on purpose.
 */
import type { Expr, Grouping, LineFilter, LogRange, LogSelector, SampleExpr, Unwrap, VectorMatching } from './ast.js';
import { formatPromDuration } from './duration.js';
import { formatFloatG } from './go-format.js';
import { byteLength, quote } from './go-strconv.js';
import {
  elementString, isChain, labelFilterString, lineFilterString, chainString, matchersString,
  pipelineElements, sampleString, selectorString, vectorParam, type PipelineElement,
} from './printer.js';

const MAX_CHARS_PER_LINE = 100;

function indent(level: number): string {
  return '  '.repeat(level);
}

/** Whether Loki splits a node: its one-line form is longer than 100 bytes. */
function needSplit(s: string): boolean {
  // A UTF-16 unit is at least one UTF-8 byte, so long strings need no byte count.
  return s.length > MAX_CHARS_PER_LINE || byteLength(s) > MAX_CHARS_PER_LINE;
}

/** The query as Loki's /loki/api/v1/format_query prints it. */
export function formatExpr(e: Expr): string {
  return e.kind === 'LogSelector' ? prettySelector(e, 0) : prettySample(e, 0, new Map());
}

function prettySelector(s: LogSelector, level: number): string {
  const str = selectorString(s);
  if (s.pipeline.length === 0 || !needSplit(str)) return indent(level) + str;
  const lines = [indent(level) + matchersString(s.matchers)];
  for (const el of pipelineElements(s.pipeline)) lines.push(prettyElement(el, level + 1));
  return lines.join('\n');
}

function prettyElement(el: PipelineElement, level: number): string {
  if (isChain(el)) return prettyChain(el, level);
  // Loki's DecolorizeExpr.Pretty ignores the level.
  if (el.kind === 'Decolorize') return elementString(el);
  return indent(level) + elementString(el);
}

/**
 * Loki splits a too-long chain recursively: the longest prefix that fits stays on one
 * line, every later filter gets its own line (without its `or` terms).
 */
function prettyChain(filters: readonly LineFilter[], level: number): string {
  const parts = filters.map((f) => lineFilterString(f));
  let fit = -1;
  let len = 0;
  for (let i = 0; i < parts.length; i++) {
    len += (i > 0 ? 1 : 0) + byteLength(parts[i]);
    if (len > MAX_CHARS_PER_LINE) break;
    fit = i;
  }
  if (fit === parts.length - 1) return indent(level) + chainString(filters);
  const lines = fit >= 0 ? [indent(level) + parts.slice(0, fit + 1).join(' ')] : [];
  for (let i = fit + 1; i < filters.length; i++) lines.push(indent(level) + lineFilterString(filters[i], false));
  return lines.join('\n');
}

function prettyUnwrap(u: Unwrap, level: number): string {
  let s = indent(level) + '| unwrap ' + (u.conversion ? u.conversion + '(' + u.label + ')' : u.label);
  for (const f of u.postFilters) s += '\n' + indent(level) + '| ' + labelFilterString(f);
  return s;
}

function prettyRange(r: LogRange, level: number): string {
  let s = prettySelector(r.selector, level);
  if (r.unwrap) s += '\n' + prettyUnwrap(r.unwrap, level + 1);
  s += ' [' + formatPromDuration(r.rangeNs) + ']';
  if (r.offsetNs !== 0n) s += ' offset ' + formatPromDuration(r.offsetNs);
  return s;
}

function prettyGrouping(g: Grouping): string {
  let s = g.without ? ' without' : g.labels.length > 0 ? ' by' : '';
  if (g.labels.length > 0) s += ' (' + g.labels.join(', ') + ')';
  return s;
}

function prettyBinaryOp(op: string, returnBool: boolean, m: VectorMatching): string {
  let s = op;
  if (returnBool) s += ' bool';
  let group = m.card === 'many-to-one' ? 'group_left' : m.card === 'one-to-many' ? 'group_right' : '';
  if (m.include.length > 0) group += ' (' + m.include.join(', ') + ')';
  if (m.labels.length > 0) s += ' ' + (m.on ? 'on' : 'ignoring') + ' (' + m.labels.join(', ') + ') ' + group;
  return s;
}

function prettyArgs(head: string, args: string[], level: number): string {
  return indent(level) + head + '(\n' + args.join(',\n') + '\n' + indent(level) + ')';
}

function prettySample(e: SampleExpr, level: number, memo: Map<SampleExpr, string>): string {
  const str = sampleString(e, memo);
  if (!needSplit(str)) return indent(level) + str;
  switch (e.kind) {
    case 'RangeAggregation': {
      let s = indent(level) + e.op + '(\n';
      if (e.param !== undefined) s += indent(level + 1) + formatFloatG(e.param) + ',\n';
      s += prettyRange(e.range, level + 1) + '\n' + indent(level) + ')';
      if (e.grouping) s += prettyGrouping(e.grouping);
      return s;
    }
    case 'VectorAggregation': {
      const args = [prettySample(e.expr, level + 1, memo)];
      const param = vectorParam(e.op, e.param);
      if (param !== undefined) args.unshift(indent(level + 1) + param);
      return prettyArgs(e.op + (e.grouping ? prettyGrouping(e.grouping) : ''), args, level);
    }
    case 'BinaryOp':
      return prettySample(e.left, level + 1, memo) + '\n' + indent(level) + prettyBinaryOp(e.op, e.returnBool, e.matching)
        + '\n' + prettySample(e.right, level + 1, memo);
    case 'LabelReplace':
      return prettyArgs('label_replace', [
        prettySample(e.expr, level + 1, memo),
        ...[e.dst, e.replacement, e.src, e.regex].map((a) => indent(level + 1) + quote(a)),
      ], level);
    default:
      return indent(level) + str;
  }
}
