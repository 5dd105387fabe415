/**
 * The checks Loki makes when it builds a query's pipelines (syntax.MultiStageExpr.stages):
 * line filter regexes and patterns, ip() patterns, templates, label_format targets,
 * json/logfmt parameter expressions. Loki reports them as
 * `parse error : stage '<stage>' : <reason>`, in the order of its reordered pipeline.
 */
import { goRegexError } from '../../util/regex.js';
import type { Expr, LineFilter, SampleExpr, Stage } from './ast.js';
import { stageError } from './errors.js';
import { PathError, parseJsonPath, parseLogfmtKey } from './extraction-path.js';
import { IpPatternError, parseIpPattern } from './ip.js';
import { patternLineFilterError } from './pattern.js';
import { chainString, elementString } from './printer.js';
import { templateError } from './template-check.js';

/** Throws the ParseError Loki's query endpoints give for this (already parsed) query. */
export function validateQuery(e: Expr): void {
  if (e.kind === 'LogSelector') validatePipeline(e.pipeline);
  else validateSample(e);
}

function validateSample(e: SampleExpr): void {
  switch (e.kind) {
    case 'RangeAggregation': {
      const stages = e.op === 'bytes_over_time' || e.op === 'bytes_rate'
        ? e.range.selector.pipeline
        : withoutUselessLineFormat(e.range.selector.pipeline);
      validatePipeline(stages);
      return;
    }
    case 'VectorAggregation': validateSample(e.expr); return;
    case 'LabelReplace': validateSample(e.expr); return;
    case 'BinaryOp':
      validateSample(e.left);
      validateSample(e.right);
      return;
    case 'Literal': case 'Vector':
      return;
  }
}

/**
 * Loki drops line_format from metric pipelines when nothing after it reads the line
 * (no parser, no line filter), so a broken template there is never noticed.
 */
export function withoutUselessLineFormat(stages: readonly Stage[]): Stage[] {
  return stages.filter((s, i) => s.kind !== 'LineFormat' || stages.slice(i).some((n) =>
    n.kind === 'LineFilter' || n.kind === 'JsonParser' || n.kind === 'LogfmtParser'
    || n.kind === 'RegexpParser' || n.kind === 'PatternParser' || n.kind === 'UnpackParser'));
}

/** A pipeline step as Loki runs it: a stage, or line filters combined into one. */
export type PipelineStep = Stage | { readonly kind: 'Chain'; readonly filters: readonly LineFilter[] };

/** Loki's reorderStages: line filters move in front of the stages that do not change the line. */
export function reorderStages(stages: readonly Stage[]): PipelineStep[] {
  const out: PipelineStep[] = [];
  let filters: LineFilter[] = [];
  let others: Stage[] = [];
  const flush = () => {
    if (filters.length > 0) out.push({ kind: 'Chain', filters });
    out.push(...others);
    filters = [];
    others = [];
  };
  for (const s of stages) {
    if (s.kind === 'LabelFilter') {
      flush();
      out.push(s);
    } else if (s.kind === 'LineFilter') {
      filters.push(s);
    } else {
      others.push(s);
      if (s.kind === 'LineFormat' || s.kind === 'UnpackParser') flush();
    }
  }
  flush();
  return out;
}

function validatePipeline(stages: readonly Stage[]): void {
  for (const el of reorderStages(stages)) {
    const reason = el.kind === 'Chain' ? chainError(el.filters) : stageReason(el);
    if (reason !== undefined) {
      throw stageError(el.kind === 'Chain' ? chainString(el.filters) : elementString(el), reason);
    }
  }
}

function termError(op: LineFilter['op'], value: string): string | undefined {
  if (op === '|~' || op === '!~') return goRegexError(value);
  if (op === '|>' || op === '!>') return patternLineFilterError(value);
  return undefined;
}

/** Loki builds a chain's filters from the last one back. */
function chainError(filters: readonly LineFilter[]): string | undefined {
  for (let i = filters.length - 1; i >= 0; i--) {
    const f = filters[i];
    if (f.or.length > 0) {
      // Inside `or`, ip("…") terms are plain strings to Loki.
      for (const t of [f, ...f.or]) {
        const err = termError(f.op, t.value);
        if (err !== undefined) return err;
      }
    } else if (f.ip) {
      if (f.op !== '|=' && f.op !== '!=') return 'ip: invalid operation';
      const err = ipError(f.value);
      if (err !== undefined) return err;
    } else {
      const err = termError(f.op, f.value);
      if (err !== undefined) return err;
    }
  }
  return undefined;
}

function ipError(pattern: string): string | undefined {
  try {
    parseIpPattern(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof IpPatternError) return err.message;
    throw err;
  }
}

function pathError(parse: (s: string) => unknown, expr: string): string | undefined {
  try {
    parse(expr);
    return undefined;
  } catch (err) {
    if (err instanceof PathError) return `cannot parse expression [${expr}]: ${err.message}`;
    throw err;
  }
}

function stageReason(s: Stage): string | undefined {
  switch (s.kind) {
    case 'LabelFilter':
      return s.filter.kind === 'IpFilter' ? ipError(s.filter.pattern) : undefined;
    case 'LineFormat': {
      const err = templateError('line', s.template);
      return err === undefined ? undefined : `invalid line template: ${err}`;
    }
    case 'LabelFormat': {
      const seen = new Set<string>();
      for (const f of s.formats) {
        if (f.name === '__error__') return '__error__ cannot be formatted';
        if (seen.has(f.name)) return `multiple label name '${f.name}' not allowed in a single format operation`;
        seen.add(f.name);
      }
      for (const f of s.formats) {
        if (f.rename) continue;
        const err = templateError('label', f.value);
        if (err !== undefined) return `invalid template for label '${f.name}': ${err}`;
      }
      return undefined;
    }
    case 'JsonParser':
    case 'LogfmtParser':
      for (const p of s.params) {
        const err = pathError(s.kind === 'JsonParser' ? parseJsonPath : parseLogfmtKey, p.expression);
        if (err !== undefined) return err;
      }
      return undefined;
    default:
      return undefined;
  }
}
