import { requiredLiterals } from '../../querier/line-prefilter.js';
import { scanPool } from '../../querier/scan-pool/pool.js';
import { Prescan, type PrescanItem } from '../../querier/scan-pool/prescan.js';
import { pipelineKey } from '../../querier/scan-pool/spec.js';
import type { RangeAggregation } from '../syntax/ast.js';
import { toWire } from '../syntax/wire.js';
import type { RangeFrame } from './range-common.js';
import type { EngineContext } from './types.js';

/**
 * Sample extraction run ahead on the scan pool (src/querier/scan-pool) over `items`, the chunk
 * groups in the order the aggregation reads them; `agg` carries the grouping applied at
 * extraction. None when there is no pool, no pipeline to run, or too few groups to be worth it.
 */
export function workerPrescan(agg: RangeAggregation, frame: RangeFrame, ctx: EngineContext, items: readonly PrescanItem[]): Prescan | undefined {
  const pool = scanPool();
  if (pool === undefined || ctx.workerExtractors !== true || agg.range.selector.pipeline.length === 0) return undefined;
  if (items.length < pool.minGroups) return undefined;
  return new Prescan(pool, items, frame.from, frame.through, {
    literals: requiredLiterals(agg.range.selector.pipeline), jobsAhead: 2 * pool.size,
    pipeline: { spec: { kind: 'samples', key: pipelineKey(), aggregation: toWire(agg) }, base: frame.base },
    ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
  });
}
