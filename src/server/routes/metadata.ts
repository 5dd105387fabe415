import type { LimitsConfig } from '../../config/types.js';
import { compileLogPipeline } from '../../logql/log/index.js';
import type { LogPipeline } from '../../logql/log/types.js';
import { parseQuery, type LogSelector } from '../../logql/syntax/index.js';
import type { LabelMatcher } from '../../model/matcher.js';
import { IDENTITY_PIPELINE } from '../../querier/identity-pipeline.js';
import { MetadataApi } from '../../querier/metadata/api.js';
import { parseMatchers } from '../../querier/metadata/matchers.js';
import {
  applyTimeRangeLimits, parseDetectedFieldsParams, parseMetaBounds, parseVolumeParams, seriesMatchGroups, validateRangeExtras, type Bounds,
} from '../../querier/metadata/params.js';
import {
  detectedFieldValuesJson, detectedFieldsJson, detectedLabelsJson, labelsResponseJson, legacyLabelsResponseJson, seriesResponseJson,
  statsResponseJson, volumeMatrixJson, volumeVectorJson,
} from '../../querier/metadata/response.js';
import type { MetadataIndex, MetadataIngester } from '../../querier/metadata/sources.js';
import type { Querier } from '../../querier/querier.js';
import { BadRequestError, NotFoundError } from '../../util/errors.js';
import { json, type HttpRequest, type HttpServer } from '../http.js';
import { resolveReadTenants } from '../tenant.js';

export interface MetadataRouteDeps {
  readonly ingester: MetadataIngester;
  readonly index: MetadataIndex;
  readonly querier: Pick<Querier, 'logQuery'>;
  readonly authEnabled: boolean;
  readonly multiTenant: boolean;
  readonly limitsFor: (tenant: string) => LimitsConfig;
}

const METHODS = ['GET', 'POST'];

/**
 * Labels, label values, series (v1 and legacy), index stats and volume, detected labels and
 * fields. Every read is scoped to the request's tenant(s).
 */
export function registerMetadataRoutes(server: HttpServer, deps: MetadataRouteDeps): void {
  const api = new MetadataApi({ ingester: deps.ingester, index: deps.index }, deps.querier);
  const tenantsOf = (req: HttpRequest) => resolveReadTenants(req.headers, deps.authEnabled, deps.multiTenant);
  /** Request bounds with each tenant's time-range limits applied. */
  const boundsFor = (req: HttpRequest, tenants: readonly string[]): Bounds => {
    let b = parseMetaBounds(req.params);
    for (const t of tenants) b = applyTimeRangeLimits(b, deps.limitsFor(t));
    return b;
  };
  const optionalMatchers = (req: HttpRequest): LabelMatcher[] => {
    const q = req.params.get('query') ?? '';
    return q === '' ? [] : parseMatchers(q, true);
  };

  const labelNames = (legacy: boolean) => async (req: HttpRequest) => {
    const tenants = tenantsOf(req);
    const b = boundsFor(req, tenants);
    const names = await api.labelNames(tenants, b, optionalMatchers(req));
    return json(legacy ? legacyLabelsResponseJson(names) : labelsResponseJson(names));
  };
  const labelValues = (legacy: boolean) => async (req: HttpRequest) => {
    const tenants = tenantsOf(req);
    const b = boundsFor(req, tenants);
    const values = await api.labelValues(tenants, req.pathParams.name, b, optionalMatchers(req), deps.multiTenant);
    return json(legacy ? legacyLabelsResponseJson(values) : labelsResponseJson(values));
  };
  for (const path of ['/loki/api/v1/labels', '/loki/api/v1/label']) server.add({ methods: METHODS, path, handler: labelNames(false) });
  server.add({ methods: METHODS, path: '/api/prom/label', handler: labelNames(true) });
  server.add({ methods: METHODS, path: '/loki/api/v1/label/:name/values', handler: labelValues(false) });
  server.add({ methods: METHODS, path: '/api/prom/label/:name/values', handler: labelValues(true) });

  const seriesHandler = async (req: HttpRequest) => {
    const tenants = tenantsOf(req);
    const b = boundsFor(req, tenants);
    const groups = seriesMatchGroups(req.params).map((g) => {
      const ms = parseMatchers(g, false);
      if (ms.length === 0) throw new BadRequestError(`0 matchers in group: ${g}`);
      return ms;
    });
    return json(seriesResponseJson(await api.series(tenants, b, groups)));
  };
  for (const path of ['/loki/api/v1/series', '/api/prom/series']) server.add({ methods: METHODS, path, handler: seriesHandler });

  server.add({
    methods: METHODS, path: '/loki/api/v1/index/stats',
    handler: async (req) => {
      const tenants = tenantsOf(req);
      const b = boundsFor(req, tenants);
      validateRangeExtras(req.params, b);
      const matchers = parseMatchers(req.params.get('query') ?? '', true);
      return json(statsResponseJson(await api.stats(tenants, b, matchers)));
    },
  });

  const volumeHandler = (range: boolean) => async (req: HttpRequest) => {
    const tenants = tenantsOf(req);
    for (const t of tenants) if (!deps.limitsFor(t).volume_enabled) throw new NotFoundError('not found');
    const p = parseVolumeParams(req.params, range);
    let b: Bounds = p;
    for (const t of tenants) b = applyTimeRangeLimits(b, deps.limitsFor(t));
    // `{}` is accepted here and means every stream.
    const matchers = p.query.replace(/ /g, '') === '{}' ? null : parseMatchers(p.query, true);
    const q = { from: b.start, through: b.end, matchers, targetLabels: p.targetLabels, aggregateBy: p.aggregateBy };
    const opts = { limit: p.limit, maxSeries: Math.min(...tenants.map((t) => deps.limitsFor(t).volume_max_series)) };
    if (range) return json(volumeMatrixJson(await api.volumeRange(tenants, q, p.stepMs, opts)));
    return json(volumeVectorJson(await api.volume(tenants, q, opts), p.end));
  };
  server.add({ methods: METHODS, path: '/loki/api/v1/index/volume', handler: volumeHandler(false) });
  server.add({ methods: METHODS, path: '/loki/api/v1/index/volume_range', handler: volumeHandler(true) });

  server.add({
    methods: METHODS, path: '/loki/api/v1/detected_labels',
    handler: async (req) => {
      const tenants = tenantsOf(req);
      const b = boundsFor(req, tenants);
      return json(detectedLabelsJson(await api.detectedLabels(tenants, b, optionalMatchers(req))));
    },
  });

  /** The log selector (with pipeline) whose lines detected_fields samples. */
  const fieldsQuery = (q: string): { expr: LogSelector; pipeline: LogPipeline } => {
    const expr = parseQuery(q);
    if (expr.kind !== 'LogSelector') throw new BadRequestError('only log selector is supported');
    return { expr, pipeline: expr.pipeline.length === 0 ? IDENTITY_PIPELINE : compileLogPipeline(expr) };
  };
  server.add({
    methods: METHODS, path: '/loki/api/v1/detected_fields',
    handler: async (req) => {
      const tenants = tenantsOf(req);
      const p = parseDetectedFieldsParams(req.params);
      const { expr, pipeline } = fieldsQuery(p.query);
      return json(detectedFieldsJson(await api.detectedFields(tenants, expr, pipeline, p, req.signal), p.limit));
    },
  });
  server.add({
    methods: METHODS, path: '/loki/api/v1/detected_field/:name/values',
    handler: async (req) => {
      const tenants = tenantsOf(req);
      const p = parseDetectedFieldsParams(req.params);
      const { expr, pipeline } = fieldsQuery(p.query);
      return json(detectedFieldValuesJson(await api.detectedFieldValues(tenants, req.pathParams.name, expr, pipeline, p, req.signal), p.limit));
    },
  });
}
