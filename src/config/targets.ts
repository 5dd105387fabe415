/** `-target` values Skald runs, checked the way Loki checks module names. */
import { ValueError } from './errors.js';

export const TARGETS = [
  'all', 'distributor', 'ingester', 'querier', 'query-frontend', 'compactor', 'ruler', 'read', 'write', 'backend',
] as const;

export type Target = (typeof TARGETS)[number];

/** Loki modules Skald knows of but does not run as a separate target. */
const LOKI_ONLY = new Set([
  'query-scheduler', 'index-gateway', 'ingester-querier', 'table-manager', 'pattern-ingester', 'overrides-exporter',
  'bloom-planner', 'bloom-builder', 'bloom-gateway', 'block-builder', 'block-scheduler', 'dataobj-explorer',
  'dataobj-consumer', 'ui', 'analytics', 'cache-generation-loader', 'server', 'ring', 'memberlist-kv', 'runtime-config',
]);

export function isTarget(s: string): s is Target {
  return (TARGETS as readonly string[]).includes(s);
}

/** Splits and checks a comma list (`read,write`); returns the normalised list. */
export function parseTargets(value: string): Target[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new ValueError('no target given');
  for (const n of names) {
    if (isTarget(n)) continue;
    if (LOKI_ONLY.has(n)) throw new ValueError(`target "${n}" is not supported by Skald; use one of: ${TARGETS.join(', ')}`);
    throw new ValueError(`unrecognised module name: ${n}`);
  }
  return names.filter(isTarget);
}
