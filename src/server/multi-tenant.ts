import { ParseError } from '../logql/syntax/index.js';
import { labelsToString, sortLabels } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Nanos } from '../model/time.js';
import { TENANT_LABEL } from '../querier/metadata/api.js';
import type { SeriesSource } from '../querier/sources.js';

export type SelectSeries = (tenant: string, matchers: readonly LabelMatcher[], from: Nanos, through: Nanos) => Promise<SeriesSource[]>;

/**
 * Loki's multi-tenant selection: matchers on `__tenant_id__` pick which of the request's tenants
 * are read and are removed from the selector; the rest select streams in each picked tenant.
 */
export function splitTenantMatchers(tenants: readonly string[], matchers: readonly LabelMatcher[]): { tenants: string[]; matchers: LabelMatcher[] } {
  const onTenant = matchers.filter((m) => m.name === TENANT_LABEL);
  const rest = matchers.filter((m) => m.name !== TENANT_LABEL);
  const picked = tenants.filter((t) => onTenant.every((m) => m.matches(t)));
  if (onTenant.length > 0 && rest.every((m) => m.matchesEmpty())) {
    throw new ParseError(
      'queries require at least one regexp or equality matcher that does not have an empty-compatible value. ' +
      'For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  return { tenants: picked, matchers: rest };
}

/**
 * Streams of one or more tenants. With several, each stream gets `__tenant_id__` so that equal
 * label sets of different tenants stay apart and results show where they come from.
 */
export async function selectAcrossTenants(
  select: SelectSeries, tenants: readonly string[], matchers: readonly LabelMatcher[], from: Nanos, through: Nanos,
): Promise<SeriesSource[]> {
  if (tenants.length === 1) return select(tenants[0], matchers, from, through);
  const split = splitTenantMatchers(tenants, matchers);
  const out: SeriesSource[] = [];
  for (const t of split.tenants) {
    for (const s of await select(t, split.matchers, from, through)) {
      const labels = sortLabels([...s.labels.filter((l) => l.name !== TENANT_LABEL), { name: TENANT_LABEL, value: t }]);
      out.push({ labels, key: labelsToString(labels), chunks: s.chunks });
    }
  }
  return out;
}
