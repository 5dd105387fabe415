import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { LimitsConfig } from '../../config/types.js';
import { compileLogPipeline } from '../../logql/log/index.js';
import type { LogPipeline } from '../../logql/log/types.js';
import { nowNanos } from '../../model/time.js';
import { IDENTITY_PIPELINE } from '../../querier/identity-pipeline.js';
import type { Querier } from '../../querier/querier.js';
import type { TailEntry } from '../../tail/encode.js';
import type { TailHub } from '../../tail/hub.js';
import { parseTailParams, type TailParams } from '../../tail/params.js';
import { TailSession } from '../../tail/session.js';
import { BadRequestError, HttpError, errorMessage } from '../../util/errors.js';
import { TEXT_HEADERS, text, type HttpServer } from '../http.js';
import { resolveReadTenants } from '../tenant.js';

export interface TailRouteDeps {
  readonly hub: TailHub;
  readonly querier: Pick<Querier, 'logQuery'>;
  readonly authEnabled: boolean;
  readonly limitsFor: (tenant: string) => LimitsConfig;
  /** querier.tail_max_duration in ms. */
  readonly tailMaxDurationMs: number;
}

const V1_PATH = '/loki/api/v1/tail';
const LEGACY_PATH = '/api/prom/tail';

interface PreparedTail {
  readonly tenant: string;
  readonly params: TailParams;
  readonly pipeline: LogPipeline;
  readonly categorize: boolean;
}

function wantsCategorizedLabels(headers: IncomingHttpHeaders): boolean {
  const v = headers['x-loki-response-encoding-flags'];
  const s = Array.isArray(v) ? v.join(',') : v ?? '';
  return s.split(',').some((f) => f.trim() === 'categorize-labels');
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function reject(socket: Duplex, status: number, body: string): void {
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [k, v] of Object.entries(TEXT_HEADERS)) head.push(`${k}: ${v}`);
  head.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  socket.end(head.join('\r\n') + '\r\n\r\n' + body);
}

/**
 * Live tail over WebSocket on the server's upgrade event (`/loki/api/v1/tail`, `/api/prom/tail`).
 * Tenant, parameters and the per-tenant max_concurrent_tail_requests are checked before the
 * upgrade and refused as HTTP errors; a plain GET without upgrade gets 400.
 */
export function registerTailRoutes(server: HttpServer, deps: TailRouteDeps): void {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  const prepare = (headers: IncomingHttpHeaders, params: URLSearchParams): PreparedTail => {
    // A read of exactly one tenant.
    const [tenant] = resolveReadTenants(headers, deps.authEnabled, false);
    const p = parseTailParams(params);
    let pipeline: LogPipeline;
    try {
      pipeline = p.selector.pipeline.length === 0 ? IDENTITY_PIPELINE : compileLogPipeline(p.selector);
    } catch (err) {
      throw err instanceof HttpError ? err : new BadRequestError(errorMessage(err));
    }
    const limit = deps.limitsFor(tenant).max_concurrent_tail_requests;
    const count = deps.hub.count(tenant);
    if (count >= limit) throw new BadRequestError(`max concurrent tail requests limit exceeded, count > limit (${count + 1} > ${limit})`);
    return { tenant, params: p, pipeline, categorize: wantsCategorizedLabels(headers) };
  };

  /** The newest `limit` entries since `start`, oldest first (push order kept for equal times). */
  const history = async (t: PreparedTail): Promise<TailEntry[]> => {
    const end = nowNanos();
    if (t.params.start >= end) return [];
    const res = await deps.querier.logQuery({
      tenant: t.tenant, matchers: t.params.selector.matchers, start: t.params.start, end, direction: 'backward',
      limit: t.params.limit, pipeline: t.pipeline, categorize: t.categorize,
    });
    const out: TailEntry[] = [];
    for (const s of res.streams) {
      for (let i = s.entries.length - 1; i >= 0; i--) out.push({ ts: s.entries[i].ts, line: s.entries[i].line.toString('utf8'), labels: s.entries[i].labels });
    }
    return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  };

  const start = (t: PreparedTail, legacy: boolean, req: IncomingMessage, socket: Duplex, head: Buffer) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new TailSession(ws, {
        matchers: t.params.selector.matchers, pipeline: t.pipeline, categorize: t.categorize && !legacy, legacy,
        delayForSec: t.params.delayForSec, maxDurationMs: deps.tailMaxDurationMs, serving: () => server.httpServer.listening,
      });
      const unsubscribe = deps.hub.subscribe(t.tenant, session);
      ws.on('close', () => session.stop());
      ws.on('error', () => session.stop());
      void session.run(() => history(t), unsubscribe);
    });
  };

  server.onUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== V1_PATH && url.pathname !== LEGACY_PATH) {
      // Another upgrade listener may own this path.
      if (server.httpServer.listenerCount('upgrade') === 1) reject(socket, 404, '404 page not found\n');
      return;
    }
    if (req.method !== 'GET') {
      reject(socket, 405, 'Method Not Allowed\n');
      return;
    }
    let prepared: PreparedTail;
    try {
      prepared = prepare(req.headers, url.searchParams);
    } catch (err) {
      reject(socket, err instanceof HttpError ? err.status : 500, errorMessage(err));
      return;
    }
    start(prepared, url.pathname === LEGACY_PATH, req, socket, head);
  });

  for (const path of [V1_PATH, LEGACY_PATH]) {
    server.add({
      methods: ['GET', 'POST'], path,
      handler: async (req) => {
        prepare(req.headers, req.params);
        return text(400, 'Bad Request\n');
      },
    });
  }
}
