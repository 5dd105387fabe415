import type { LimitsConfig } from '../../config/types.js';
import { evaluate, formatResult, type EngineResult } from '../../logql/engine/index.js';
import { compileLogPipeline, compileSampleExtractor } from '../../logql/log/index.js';
import { formatExpr, parseExpr, parseQuery, type Expr, type LogSelector, type SampleExpr } from '../../logql/syntax/index.js';
import { IDENTITY_PIPELINE } from '../../querier/identity-pipeline.js';
import { applyQueryLimits, querySignal } from '../../querier/limits.js';
import { parseInstantParams, parseRangeParams, type Direction } from '../../querier/params.js';
import type { Querier } from '../../querier/querier.js';
import { buildStats, streamsResponseJson } from '../../querier/response.js';
import { BadRequestError, ClientClosedError, TimeoutError } from '../../util/errors.js';
import { json, type HttpRequest, type HttpResponse, type HttpServer } from '../http.js';
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

interface QueryContext {
  readonly req: HttpRequest;
  readonly tenant: string;
  readonly limits: LimitsConfig;
  readonly signal: AbortSignal;
  readonly started: number;
}

/** Runs a query under the tenant's timeout; the deadline answers 504 and the client going away 499. */
async function withDeadline<T>(req: HttpRequest, limits: LimitsConfig, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, timedOut } = querySignal(req.signal, limits);
  try {
    return await run(signal);
  } catch (err) {
    if (timedOut()) throw new TimeoutError();
    if (req.signal.aborted) throw new ClientClosedError();
    throw err;
  }
}

/** Answers the query_range, query and format_query endpoints from the querier and the LogQL engine. */
export function registerQueryRoutes(server: HttpServer, querier: Querier, opts: QueryRouteOptions): void {
  const context = (req: HttpRequest): Omit<QueryContext, 'signal'> => {
    const [tenant] = resolveReadTenants(req.headers, opts.authEnabled, opts.multiTenant);
    return { req, tenant, limits: opts.limitsFor(tenant), started: performance.now() };
  };

  const logQuery = async (ctx: QueryContext, expr: LogSelector, start: bigint, end: bigint, limit: number, direction: Direction, intervalMs: number): Promise<HttpResponse> => {
    const max = ctx.limits.max_entries_limit_per_query;
    if (max > 0 && limit > max) {
      throw new BadRequestError(`max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${max})`);
    }
    const categorize = wantsCategorizedLabels(ctx.req);
    const res = await querier.logQuery({
      tenant: ctx.tenant, matchers: expr.matchers, start, end, direction, limit, intervalNs: BigInt(intervalMs) * 1_000_000n,
      pipeline: logPipeline(expr), categorize, signal: ctx.signal,
    });
    const stats = buildStats({ execTimeSec: (performance.now() - ctx.started) / 1000, read: res.stats, entriesReturned: res.entriesReturned });
    return json(streamsResponseJson(res.streams, stats, categorize));
  };

  const metricQuery = async (ctx: QueryContext, expr: SampleExpr, start: bigint, end: bigint, stepMs: number, instant: boolean): Promise<HttpResponse> => {
    // Loki's frontend aligns range steps to the step when it splits queries by interval.
    const alignSteps = !instant && ctx.limits.split_queries_by_interval > 0;
    const result: EngineResult = await evaluate(expr, { start, end, stepMs, instant, alignSteps }, {
      selectSeries: (matchers, from, through) => querier.selectSeries(ctx.tenant, matchers, from, through),
      compileExtractor: (agg) => compileSampleExtractor(agg),
      maxSeries: ctx.limits.max_query_series,
      signal: ctx.signal,
    });
    const stats = buildStats({ execTimeSec: (performance.now() - ctx.started) / 1000, read: result.stats, entriesReturned: 0 });
    return json('{"status":"success","data":' + formatResult(result, stats) + '}');
  };

  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/query_range',
    handler: async (req) => {
      const base = context(req);
      const p = parseRangeParams(req.params);
      const expr: Expr = parseQuery(p.query);
      const start = applyQueryLimits(expr, p.start, p.end, base.limits);
      return withDeadline(req, base.limits, async (signal) => {
        const ctx = { ...base, signal };
        if (expr.kind === 'LogSelector') return logQuery(ctx, expr, start, p.end, p.limit, p.direction, p.intervalMs);
        if (p.end <= p.start) throw new BadRequestError('end timestamp must not be before or equal to start time');
        return metricQuery(ctx, expr, start, p.end, p.stepMs, false);
      });
    },
  });

  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/query',
    handler: async (req) => {
      const base = context(req);
      const p = parseInstantParams(req.params);
      const expr: Expr = parseQuery(p.query);
      if (expr.kind === 'LogSelector') {
        throw new BadRequestError('log queries are not supported as an instant query type, please change your query to a range query type');
      }
      applyQueryLimits(expr, p.time, p.time, base.limits);
      return withDeadline(req, base.limits, (signal) => metricQuery({ ...base, signal }, expr, p.time, p.time, 0, true));
    },
  });

  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/format_query',
    handler: async (req) => json({ status: 'success', data: formatExpr(parseExpr(req.params.get('query') ?? '')) }),
  });
}
