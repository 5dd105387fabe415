import type { LimitsConfig } from '../../config/types.js';
import { evaluate, formatResult, type EngineResult } from '../../logql/engine/index.js';
import { compileLogPipeline, compileSampleExtractor } from '../../logql/log/index.js';
import { formatExpr, parseExpr, parseQuery, rangeAggregations, type Expr, type LogSelector, type SampleExpr } from '../../logql/syntax/index.js';
import type { LabelMatcher } from '../../model/matcher.js';
import type { Nanos } from '../../model/time.js';
import { IDENTITY_PIPELINE } from '../../querier/identity-pipeline.js';
import { applyQueryLimits, querySignal } from '../../querier/limits.js';
import { parseInstantParams, parseRangeParams, type Direction } from '../../querier/params.js';
import type { Querier } from '../../querier/querier.js';
import { buildStats, streamsResponseJson } from '../../querier/response.js';
import { selectLogs } from '../../querier/select-logs.js';
import { setPaceYield } from '../../querier/series-plan.js';
import { BadRequestError, ClientClosedError, TimeoutError } from '../../util/errors.js';
import { json, type HttpRequest, type HttpResponse, type HttpServer } from '../http.js';
import { mainThread } from '../fair-scheduler.js';
import { selectAcrossTenants, splitTenantMatchers } from '../multi-tenant.js';
import type { TenantQueryScheduler } from '../query-scheduler.js';
import { ReadGuard, combinedLimits, queryTooManyBytesMessage } from '../read-guard.js';
import { resolveReadTenants } from '../tenant.js';

export interface QueryRouteOptions {
  readonly authEnabled: boolean;
  readonly multiTenant: boolean;
  readonly limitsFor: (tenant: string) => LimitsConfig;
  /** Per-tenant query concurrency (querier.max_concurrent); none = unlimited. */
  readonly scheduler?: TenantQueryScheduler;
  /** Index-stats bytes of a selector, for max_query_bytes_read; none = the limit is not checked. */
  readonly indexBytes?: (tenant: string, from: Nanos, through: Nanos, matchers: readonly LabelMatcher[]) => Promise<number>;
}

/** Skald: `X-Skald-Partial-Results: true` asks for partial results instead of limit errors. */
function wantsPartialResults(req: HttpRequest, limits: LimitsConfig): boolean {
  const v = req.headers['x-skald-partial-results'];
  const s = (Array.isArray(v) ? v[0] : v ?? '').trim().toLowerCase();
  return limits.skald_partial_results || s === 'true' || s === '1';
}

/** Adds Loki's top-level `warnings` to a response body. */
function withWarnings(body: string, warnings: readonly string[]): string {
  return warnings.length === 0 ? body : body.slice(0, -1) + ',"warnings":' + JSON.stringify(warnings) + '}';
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
  /** One tenant, or several for a multi-tenant read (`a|b`). */
  readonly tenants: readonly string[];
  readonly limits: LimitsConfig;
  readonly partial: boolean;
  readonly signal: AbortSignal;
  readonly started: number;
  readonly guard: ReadGuard;
  /** A byte budget applies: reads go through the guard, chunk by chunk. */
  budgeted: boolean;
  readonly warnings: string[];
  /** Whether the query may use the scan workers: no other tenant was active when it started. */
  readonly scanWorkers: boolean;
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
  // Paced reads of a bound query yield through the scheduler; others yield one loop turn as before.
  setPaceYield((signal) => mainThread.yielder(signal));
  mainThread.setShares((tenant) => opts.limitsFor(tenant).skald_cpu_share);
  type BaseContext = Omit<QueryContext, 'signal' | 'guard' | 'warnings' | 'budgeted' | 'scanWorkers'>;
  const context = (req: HttpRequest): BaseContext => {
    const tenants = resolveReadTenants(req.headers, opts.authEnabled, opts.multiTenant);
    const limits = combinedLimits(tenants, opts.limitsFor);
    return { req, tenants, limits, partial: wantsPartialResults(req, limits), started: performance.now() };
  };
  /** `paced`: the reader does not check the signal and yield by itself, so the guard does it. */
  const select = (ctx: QueryContext, matchers: readonly LabelMatcher[], from: Nanos, through: Nanos, paced = true) =>
    selectAcrossTenants((t, m, f, th) => querier.selectSeries(t, m, f, th), ctx.tenants, matchers, from, through).then((s) => (ctx.budgeted || !paced ? ctx.guard.wrap(s) : s));

  /**
   * max_query_bytes_read, checked like Loki's frontend from index stats before reading. With
   * partial results the query runs and stops reading at the limit; returns the warning text then.
   */
  const checkBytesRead = async (ctx: QueryContext, expr: Expr, start: Nanos, end: Nanos): Promise<string | undefined> => {
    const max = ctx.limits.max_query_bytes_read;
    if (!(max > 0) || !opts.indexBytes) return undefined;
    const reads = expr.kind === 'LogSelector'
      ? [{ matchers: expr.matchers, from: start, through: end }]
      : rangeAggregations(expr).map((a) => ({ matchers: a.range.selector.matchers, from: start - a.range.rangeNs - a.range.offsetNs, through: end - a.range.offsetNs }));
    let total = 0;
    for (const r of reads) {
      const sel = ctx.tenants.length > 1 ? splitTenantMatchers(ctx.tenants, r.matchers) : { tenants: ctx.tenants, matchers: r.matchers };
      for (const t of sel.tenants) total += await opts.indexBytes(t, r.from, r.through, sel.matchers);
    }
    if (total <= max) return undefined;
    const message = queryTooManyBytesMessage(total, max);
    if (!ctx.partial) throw new BadRequestError(message);
    ctx.guard.limitBytes(max);
    return message;
  };

  /** Waits for a tenant slot, then runs the query with its guard; adds partial-result warnings. */
  const run = (base: BaseContext, expr: Expr, start: Nanos, end: Nanos, signal: AbortSignal, fn: (ctx: QueryContext) => Promise<string>): Promise<HttpResponse> => {
    const key = base.tenants.join('|');
    const go = async (): Promise<HttpResponse> => {
      // The query's slices are units of its tenant's main-thread work (fair-scheduler.ts).
      mainThread.bind(signal, key);
      await mainThread.turn(key);
      // Scan workers take cores beside the fair-scheduled main thread: only for a tenant alone.
      const ctx: QueryContext = { ...base, signal, guard: new ReadGuard(signal), warnings: [], budgeted: false, scanWorkers: !mainThread.shared(key) };
      const bytesWarning = await checkBytesRead(ctx, expr, start, end);
      // Without a budget the querier reads block by block, checking the signal and yielding itself.
      ctx.budgeted = bytesWarning !== undefined;
      const body = await fn(ctx);
      if (bytesWarning !== undefined && ctx.guard.exhausted) ctx.warnings.push(`${bytesWarning}; partial result: reading stopped at the limit`);
      return json(withWarnings(body, ctx.warnings));
    };
    const done = mainThread.enter(key);
    return (opts.scheduler ? opts.scheduler.run(key, signal, go) : go()).finally(done);
  };

  const logQuery = async (ctx: QueryContext, expr: LogSelector, start: bigint, end: bigint, limit: number, direction: Direction, intervalMs: number): Promise<string> => {
    const max = ctx.limits.max_entries_limit_per_query;
    if (max > 0 && limit > max) {
      const message = `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${max})`;
      if (!ctx.partial) throw new BadRequestError(message);
      ctx.warnings.push(`${message}; partial result: at most ${max} entries`);
      limit = max;
    }
    const categorize = wantsCategorizedLabels(ctx.req);
    const series = await select(ctx, expr.matchers, start, end);
    const res = await selectLogs({
      series, start, end, direction, limit, intervalNs: BigInt(intervalMs) * 1_000_000n,
      pipeline: logPipeline(expr), categorize, signal: ctx.signal, selector: expr, scanWorkers: ctx.scanWorkers,
    });
    const stats = buildStats({ execTimeSec: (performance.now() - ctx.started) / 1000, read: res.stats, entriesReturned: res.entriesReturned });
    return streamsResponseJson(res.streams, stats, categorize);
  };

  const metricQuery = async (ctx: QueryContext, expr: SampleExpr, start: bigint, end: bigint, stepMs: number, instant: boolean): Promise<string> => {
    // Loki's frontend aligns range steps to the step when it splits queries by interval.
    const alignSteps = !instant && ctx.limits.split_queries_by_interval > 0;
    const maxSeries = ctx.limits.max_query_series;
    let result: EngineResult = await evaluate(expr, { start, end, stepMs, instant, alignSteps }, {
      // The engine paces itself like the log reader (src/querier/series-plan.ts Pacer): it checks the
      // signal and yields between segments and steps, so only a byte budget needs the guard.
      selectSeries: (matchers, from, through) => select(ctx, matchers, from, through),
      compileExtractor: (agg) => compileSampleExtractor(agg),
      workerExtractors: ctx.scanWorkers,
      // Partial results evaluate every series, then keep the first max_query_series.
      maxSeries: ctx.partial ? 0 : maxSeries,
      signal: ctx.signal,
    });
    if (ctx.partial && maxSeries > 0) result = truncateSeries(result, maxSeries, ctx.warnings);
    const stats = buildStats({ execTimeSec: (performance.now() - ctx.started) / 1000, read: result.stats, entriesReturned: 0 });
    return '{"status":"success","data":' + formatResult(result, stats) + '}';
  };

  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/query_range',
    handler: async (req) => {
      const base = context(req);
      const p = parseRangeParams(req.params);
      const expr: Expr = parseQuery(p.query);
      const start = applyQueryLimits(expr, p.start, p.end, base.limits);
      return withDeadline(req, base.limits, (signal) => run(base, expr, start, p.end, signal, async (ctx) => {
        if (expr.kind === 'LogSelector') return logQuery(ctx, expr, start, p.end, p.limit, p.direction, p.intervalMs);
        if (p.end <= p.start) throw new BadRequestError('end timestamp must not be before or equal to start time');
        return metricQuery(ctx, expr, start, p.end, p.stepMs, false);
      }));
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
      return withDeadline(req, base.limits, (signal) => run(base, expr, p.time, p.time, signal, (ctx) => metricQuery(ctx, expr, p.time, p.time, 0, true)));
    },
  });

  server.add({
    methods: ['GET', 'POST'],
    path: '/loki/api/v1/format_query',
    handler: async (req) => json({ status: 'success', data: formatExpr(parseExpr(req.params.get('query') ?? '')) }),
  });
}

/** Partial results: the first `max` series (or samples) of a metric result, with a warning. */
function truncateSeries(result: EngineResult, max: number, warnings: string[]): EngineResult {
  const count = result.type === 'matrix' ? result.series.length : result.type === 'vector' ? result.samples.length : 0;
  if (count <= max) return result;
  warnings.push(`maximum of series (${max}) reached for a single query; partial result: the first ${max} of ${count} series`);
  if (result.type === 'matrix') return { ...result, series: [...result.series].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, max) };
  if (result.type === 'vector') return { ...result, samples: result.samples.slice(0, max) };
  return result;
}
