import type { LimitsConfig } from '../../config/types.js';
import { formatExpr, parseExpr, parseQuery } from '../../logql/syntax/index.js';
import { compileLogPipeline } from '../../logql/log/index.js';
import type { LogSelector } from '../../logql/syntax/index.js';
import { IDENTITY_PIPELINE } from '../../querier/identity-pipeline.js';
import { parseRangeParams } from '../../querier/params.js';
import type { Querier } from '../../querier/querier.js';
import { buildStats, streamsResponseJson } from '../../querier/response.js';
import { BadRequestError } from '../../util/errors.js';
import { json, type HttpRequest, type HttpServer } from '../http.js';
import { resolveReadTenants } from '../tenant.js';

export interface QueryRouteOptions {
  readonly authEnabled: boolean;
  readonly multiTenant: boolean;
  readonly limitsFor: (tenant: string) => LimitsConfig;
}

function wantsCategorizedLabels(req: HttpRequest): boolean {
  const v = req.headers['x-loki-response-encoding-flags'];
  const s = Array.isArray(v) ? v.join(',') : v ?? '';
  return s.split(',').some((f) => f.trim() === 'categorize-labels');
}

function logPipeline(expr: LogSelector) {
  return expr.pipeline.length === 0 ? IDENTITY_PIPELINE : compileLogPipeline(expr);
}

/** query_range (log queries) and format_query. */
export function registerQueryRoutes(server: HttpServer, querier: Querier, opts: QueryRouteOptions): void {
  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/query_range',
    handler: async (req) => {
      const started = performance.now();
      const [tenant] = resolveReadTenants(req.headers, opts.authEnabled, opts.multiTenant);
      const p = parseRangeParams(req.params);
      const limits = opts.limitsFor(tenant);
      if (limits.max_entries_limit_per_query > 0 && p.limit > limits.max_entries_limit_per_query) {
        throw new BadRequestError(`max entries limit per query exceeded, limit > max_entries_limit_per_query (${p.limit} > ${limits.max_entries_limit_per_query})`);
      }
      const expr = parseQuery(p.query);
      if (expr.kind !== 'LogSelector') throw new BadRequestError('metric queries are not supported by this version');
      const categorize = wantsCategorizedLabels(req);
      const res = await querier.logQuery({
        tenant, matchers: expr.matchers, start: p.start, end: p.end, direction: p.direction, limit: p.limit,
        pipeline: logPipeline(expr), categorize, signal: req.signal,
      });
      const stats = buildStats({ execTimeSec: (performance.now() - started) / 1000, read: res.stats, entriesReturned: res.entriesReturned });
      return json(streamsResponseJson(res.streams, stats, categorize));
    },
  });
  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/format_query',
    handler: async (req) => json({ status: 'success', data: formatExpr(parseExpr(req.params.get('query') ?? '')) }),
  });
}
