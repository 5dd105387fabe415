import { sortLabels, type Label, type Labels } from '../../model/labels.js';
import type { ReadStats } from '../../querier/series-cursor.js';
import type { Grouping, RangeAggregation, RangeOp } from '../syntax/ast.js';
import { BY_NOTHING } from './grouping.js';
import { evalAbsent, evalCounting } from './range-count.js';
import { rangeAccFactory } from './range-functions.js';
import { evalWindowed } from './range-window.js';
import type { Steps } from './steps.js';
import type { EngineContext } from './types.js';
import type { StepVectors } from './vectors.js';

/** Range functions whose labels may be reduced by an enclosing `sum` (Loki's canInjectVectorGrouping). */
const SUMMABLE: ReadonlySet<RangeOp> = new Set<RangeOp>(['bytes_over_time', 'bytes_rate', 'sum_over_time', 'rate', 'count_over_time']);

/**
 * The grouping a `sum` pushes into its range aggregation: Loki extracts only the labels the sum
 * keeps, which decides whether samples with __error__ fail the query. `sum(x)` keeps none.
 */
export function injectedGrouping(sum: Grouping | undefined, inner: RangeAggregation): Grouping | undefined {
  if (inner.grouping !== undefined || !SUMMABLE.has(inner.op)) return undefined;
  return sum ?? BY_NOTHING;
}

export async function evalRangeAggregation(
  agg: RangeAggregation, injected: Grouping | undefined, steps: Steps, ctx: EngineContext, stats: ReadStats,
): Promise<StepVectors> {
  if (agg.op === 'absent_over_time') return evalAbsent(agg, absentLabels(agg), steps, ctx, stats);
  const grouping = agg.grouping ?? injected;
  const factory = rangeAccFactory(agg);
  if (factory !== undefined) return evalWindowed(agg, grouping, factory, steps, ctx, stats);
  return evalCounting(agg, grouping, steps, ctx, stats);
}

/** Loki's absentLabels: the selector's equality matchers, minus names matched more than once or otherwise. */
export function absentLabels(agg: RangeAggregation): Labels {
  const set = new Map<string, string>();
  const drop: string[] = [];
  for (const m of agg.range.selector.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !set.has(m.name)) set.set(m.name, m.value);
    else drop.push(m.name);
  }
  for (const name of drop) set.delete(name);
  const out: Label[] = [];
  for (const [name, value] of set) out.push({ name, value });
  return sortLabels(out);
}
