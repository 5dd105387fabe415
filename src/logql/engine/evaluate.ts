import { compareLabels, EMPTY_LABELS } from '../../model/labels.js';
import type { ReadStats } from '../../querier/series-cursor.js';
import { HttpError } from '../../util/errors.js';
import type { Grouping, SampleExpr } from '../syntax/ast.js';
import { literalBinop, vectorBinop } from './binop.js';
import { approxTopkError, seriesLimitError, throwIfAborted } from './errors.js';
import { labelReplace } from './label-replace.js';
import { evalRangeAggregation, injectedGrouping } from './range-agg.js';
import { makeSteps, type Steps } from './steps.js';
import type { EngineContext, EngineResult, EvalParams, MatrixSeries, VectorSample } from './types.js';
import { vectorAggregate } from './vector-agg.js';
import { RowTable, type StepVectors } from './vectors.js';

interface Env {
  readonly steps: Steps;
  readonly ctx: EngineContext;
  readonly stats: ReadStats;
}

/**
 * Evaluates a metric query: once at `start` for an instant query, else at start, start+step, … ≤ end.
 * Literal-only queries give a scalar (instant) or a `{}` series at every step (range).
 */
export async function evaluate(expr: SampleExpr, params: EvalParams, ctx: EngineContext): Promise<EngineResult> {
  const steps = makeSteps(params);
  const stats: ReadStats = { chunksRead: 0, decompressedLines: 0, decompressedBytes: 0, duplicates: 0 };
  if (expr.kind === 'Literal') {
    if (params.instant) return { type: 'scalar', timeNs: params.start, value: expr.value, stats };
    const series: MatrixSeries = { labels: EMPTY_LABELS, key: '{}', timestampsMs: Array.from(steps.ms), values: Array.from(steps.ms, () => expr.value) };
    return { type: 'matrix', series: steps.count > 0 ? [series] : [], stats };
  }
  const result = await evalNode(expr, { steps, ctx, stats }, undefined);
  throwIfAborted(ctx.signal);
  if (params.instant) return { type: 'vector', samples: toVector(result, steps, ctx.maxSeries, hasSort(expr)), stats };
  return { type: 'matrix', series: toMatrix(result, steps, ctx.maxSeries), stats };
}

async function evalNode(node: SampleExpr, env: Env, injected: Grouping | undefined): Promise<StepVectors> {
  throwIfAborted(env.ctx.signal);
  switch (node.kind) {
    case 'RangeAggregation':
      return evalRangeAggregation(node, injected, env.steps, env.ctx, env.stats);
    case 'VectorAggregation': {
      // Without shard_aggregations Loki fails on approx_topk whatever the data: no need to read it.
      if (node.op === 'approx_topk') throw approxTopkError();
      const inner = node.op === 'sum' && node.expr.kind === 'RangeAggregation' ? injectedGrouping(node.grouping, node.expr) : undefined;
      return vectorAggregate(node, await evalNode(node.expr, env, inner));
    }
    case 'BinaryOp': {
      const { left, right } = node;
      if (left.kind === 'Literal' && right.kind !== 'Literal') return literalBinop(node, left.value, await evalNode(right, env, undefined), true);
      if (right.kind === 'Literal' && left.kind !== 'Literal') return literalBinop(node, right.value, await evalNode(left, env, undefined), false);
      return vectorBinop(node, await evalNode(left, env, undefined), await evalNode(right, env, undefined));
    }
    case 'Vector':
      return vectorLiteral(node.value, env.steps);
    case 'LabelReplace':
      return labelReplace(node, await evalNode(node.expr, env, undefined));
    case 'Literal':
      // The parser folds literal∘literal and only allows literals as binary operands.
      throw new HttpError(500, 'unexpected literal outside a binary operation');
  }
}

/** vector(s): one sample without labels at every step. */
function vectorLiteral(value: number, steps: Steps): StepVectors {
  const table = new RowTable();
  const row = table.intern(EMPTY_LABELS, '{}');
  return { table, steps: Array.from({ length: steps.count }, () => ({ rows: [row], values: [value] })) };
}

/** Whether the query sorts by value itself (Loki's Sortable); otherwise vectors are sorted by labels. */
function hasSort(e: SampleExpr): boolean {
  switch (e.kind) {
    case 'VectorAggregation': return e.op === 'sort' || e.op === 'sort_desc' || hasSort(e.expr);
    case 'BinaryOp': return hasSort(e.left) || hasSort(e.right);
    case 'LabelReplace': return hasSort(e.expr);
    default: return false;
  }
}

function toVector(v: StepVectors, steps: Steps, maxSeries: number, sorted: boolean): VectorSample[] {
  const step = v.steps[0] ?? { rows: [], values: [] };
  if (maxSeries > 0 && step.rows.length > maxSeries) throw seriesLimitError(maxSeries);
  const out = step.rows.map((r, i): VectorSample => {
    const row = v.table.rows[r];
    return { labels: row.labels, key: row.key, timestampMs: steps.ms[0], value: step.values[i] };
  });
  if (!sorted) out.sort((a, b) => compareLabels(a.labels, b.labels));
  return out;
}

/** Joins the steps into series; fails as soon as more than maxSeries distinct series have appeared. */
function toMatrix(v: StepVectors, steps: Steps, maxSeries: number): MatrixSeries[] {
  const series: (MatrixSeries | undefined)[] = new Array(v.table.rows.length);
  let distinct = 0;
  for (let k = 0; k < v.steps.length; k++) {
    const step = v.steps[k];
    if (k === 0 && maxSeries > 0 && step.rows.length > maxSeries) throw seriesLimitError(maxSeries);
    for (let i = 0; i < step.rows.length; i++) {
      const r = step.rows[i];
      let s = series[r];
      if (s === undefined) {
        const row = v.table.rows[r];
        s = series[r] = { labels: row.labels, key: row.key, timestampsMs: [], values: [] };
        distinct++;
      }
      s.timestampsMs.push(steps.ms[k]);
      s.values.push(step.values[i]);
    }
    if (maxSeries > 0 && distinct > maxSeries) throw seriesLimitError(maxSeries);
  }
  const out = series.filter((s): s is MatrixSeries => s !== undefined);
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}
