import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { STATUS_CODES, createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { ConfigError } from '../config/errors.js';
import type { ClientAuthType, HttpTlsConfig } from '../config/types.js';
import type { Metrics } from '../metrics/metrics.js';
import { HttpError, NotFoundError, PayloadTooLargeError, errorMessage } from '../util/errors.js';
import { currentLogContext, withLogContext, type Logger } from '../util/logger.js';
import type { Authenticator } from './auth.js';

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Query string merged with a form-encoded POST body. */
  readonly params: URLSearchParams;
  readonly pathParams: Readonly<Record<string, string>>;
  /** Raw body (routes with body: 'raw'). */
  readonly body: Buffer;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  readonly raw: IncomingMessage;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export type Handler = (req: HttpRequest) => Promise<HttpResponse>;

export interface Route {
  readonly methods: readonly string[];
  /** Path with `:name` segments. */
  readonly path: string;
  readonly handler: Handler;
  /** 'raw' keeps the body as bytes; 'form' parses x-www-form-urlencoded into params. */
  readonly body?: 'raw' | 'form' | 'none';
  /** Max body bytes as received. */
  readonly maxBodyBytes?: number;
  /** With built-in auth, only admin credentials may call it. */
  readonly admin?: boolean;
}

/** Certificates and client policy of an HTTPS server, read from http_tls_config. */
export interface TlsSettings {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  readonly clientAuth: Exclude<ClientAuthType, ''>;
}

/** Reads http_tls_config's files; undefined when TLS is off. Loki's rules: both cert and key, a CA needs a policy. */
export async function loadTlsSettings(cfg: HttpTlsConfig): Promise<TlsSettings | undefined> {
  const at = 'server.http_tls_config';
  const clientAuth = cfg.client_auth_type === '' ? 'NoClientCert' : cfg.client_auth_type;
  if (cfg.cert_file === '' && cfg.key_file === '') {
    if (cfg.client_ca_file !== '' || clientAuth !== 'NoClientCert') throw new ConfigError(`invalid config: ${at}: client certificates need cert_file and key_file`, { path: at });
    return undefined;
  }
  if (cfg.cert_file === '' || cfg.key_file === '') throw new ConfigError(`invalid config: ${at}: cert_file and key_file must both be set`, { path: at });
  if (cfg.client_ca_file !== '' && clientAuth === 'NoClientCert') {
    throw new ConfigError(`invalid config: ${at}: Client CA's have been configured without a Client Auth Policy`, { path: at });
  }
  const read = async (file: string, key: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new ConfigError(`invalid config: ${at}.${key}: ${errorMessage(err)}`, { path: `${at}.${key}` });
    }
  };
  return {
    cert: await read(cfg.cert_file, 'cert_file'),
    key: await read(cfg.key_file, 'key_file'),
    ca: cfg.client_ca_file === '' ? undefined : await read(cfg.client_ca_file, 'client_ca_file'),
    clientAuth,
  };
}

/** Extra response headers an error carries (WWW-Authenticate on 401). */
function errorHeaders(err: HttpError): Readonly<Record<string, string | string[]>> {
  const h = (err as HttpError & { headers?: Record<string, string | string[]> }).headers;
  return h && typeof h === 'object' ? h : {};
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function rejectUpgrade(socket: Duplex, err: unknown): void {
  const status = err instanceof HttpError ? err.status : 500;
  const body = errorMessage(err);
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  const headers: Record<string, string | string[]> = { ...TEXT_HEADERS, ...(err instanceof HttpError ? errorHeaders(err) : {}) };
  for (const [k, v] of Object.entries(headers)) for (const x of Array.isArray(v) ? v : [v]) head.push(`${k}: ${x}`);
  head.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  socket.end(head.join('\r\n') + '\r\n\r\n' + body);
}

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface CompiledRoute extends Route {
  readonly name: string;
  readonly segments: string[];
}

export const TEXT_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };
export const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8' };

export function text(status: number, body: string): HttpResponse {
  return { status, headers: TEXT_HEADERS, body };
}

export function json(body: string | object, status = 200): HttpResponse {
  return { status, headers: JSON_HEADERS, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** Loki's route label for metrics: the path with non-alphanumerics as '_' (`loki_api_v1_push`). */
export function routeName(path: string): string {
  return path.replace(/^\//, '').replace(/:/g, '').replace(/[^a-zA-Z0-9]+/g, '_').replace(/_+$/, '') || 'root';
}

const DEFAULT_MAX_BODY = 100 << 20;

/** A small router over node:http: no framework in the push hot path, full control of bodies. */
export class HttpServer {
  private readonly routes: CompiledRoute[] = [];
  private readonly server: Server | HttpsServer;
  private readonly auth: Authenticator | undefined;
  private readonly tlsOn: boolean;
  private inflight = 0;
  private draining = false;

  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
    opts: { requestTimeoutMs?: number; keepAliveTimeoutMs?: number; tls?: TlsSettings; auth?: Authenticator } = {},
  ) {
    const httpOpts = { requestTimeout: opts.requestTimeoutMs ?? 0, keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5000 };
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => { void this.dispatch(req, res); };
    const tls = opts.tls;
    this.auth = opts.auth;
    this.tlsOn = tls !== undefined;
    if (!tls) this.server = createServer(httpOpts, onRequest);
    else {
      const mode = tls.clientAuth;
      this.server = createHttpsServer({
        ...httpOpts, cert: tls.cert, key: tls.key, ca: tls.ca,
        requestCert: mode !== 'NoClientCert', rejectUnauthorized: mode === 'RequireAndVerifyClientCert',
      }, onRequest);
      // Node has no native form of these two Go policies: check the peer before any request is read.
      if (mode === 'RequireAnyClientCert' || mode === 'VerifyClientCertIfGiven') {
        this.server.prependListener('secureConnection', (sock: TLSSocket) => {
          const cert = sock.getPeerCertificate();
          const given = cert !== null && typeof cert === 'object' && Object.keys(cert).length > 0;
          if (mode === 'RequireAnyClientCert' ? !given : given && !sock.authorized) sock.destroy();
        });
      }
    }
  }

  get httpServer(): Server | HttpsServer {
    return this.server;
  }

  /** Whether the server speaks HTTPS. */
  get secure(): boolean {
    return this.tlsOn;
  }

  /** Handles upgrade requests (WebSocket) after the same authentication as other requests. */
  onUpgrade(handler: UpgradeHandler): void {
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const auth = this.auth;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (!auth || auth.isPublic(path)) { handler(req, socket, head); return; }
      auth.authenticate(req.headers).then(() => handler(req, socket, head), (err: unknown) => rejectUpgrade(socket, err));
    });
  }

  add(route: Route): void {
    this.routes.push({ ...route, name: routeName(route.path), segments: route.path.split('/') });
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** Stops accepting connections and waits for in-flight requests (up to timeoutMs). */
  async close(timeoutMs: number): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = Date.now() + timeoutMs;
    while (this.inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.server.closeAllConnections();
    await closed;
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | 'method' | undefined {
    const segs = path.split('/');
    let methodMismatch = false;
    for (const route of this.routes) {
      if (route.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length; i++) {
        const rs = route.segments[i];
        if (rs.startsWith(':')) params[rs.slice(1)] = decodeURIComponent(segs[i]);
        else if (rs !== segs[i]) { ok = false; break; }
      }
      if (!ok) continue;
      if (!route.methods.includes(method)) { methodMismatch = true; continue; }
      return { route, params };
    }
    return methodMismatch ? 'method' : undefined;
  }

  /** Gives the request an id (the client's X-Request-Id if sane) and runs it with id and tenant in every log line. */
  private dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = requestIdOf(req.headers);
    res.setHeader('X-Request-Id', requestId);
    const org = firstHeader(req.headers['x-scope-orgid']);
    return withLogContext({ request_id: requestId, tenant: org === '' ? undefined : org }, () => this.handle(req, res));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const found = this.match(method, url.pathname);
    const routeLabel = typeof found === 'object' ? found.route.name : 'other';
    this.inflight++;
    let status = 500;
    const abort = new AbortController();
    res.on('close', () => { if (!res.writableFinished) abort.abort(); });
    try {
      let out: HttpResponse;
      // Credentials come first, so unauthenticated clients learn nothing, not even which paths exist.
      if (this.auth && !this.auth.isPublic(url.pathname)) {
        const principal = await this.auth.authenticate(req.headers);
        // A credential bound to one tenant names it even when X-Scope-OrgID is absent.
        const ctx = currentLogContext();
        if (ctx && ctx.tenant === undefined && principal.tenants.length === 1) ctx.tenant = principal.tenants[0];
        if (typeof found === 'object' && found.route.admin) this.auth.requireAdmin(principal);
      }
      if (found === undefined) out = text(404, '404 page not found\n');
      else if (found === 'method') out = text(405, 'Method Not Allowed\n');
      else {
        const { route, params: pathParams } = found;
        const body = route.body === 'none' ? Buffer.alloc(0) : await readBody(req, route.maxBodyBytes ?? DEFAULT_MAX_BODY);
        const params = new URLSearchParams(url.search);
        if (route.body !== 'raw' && body.length > 0 && isForm(req.headers['content-type'])) {
          for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
        }
        out = await route.handler({ method, path: url.pathname, headers: req.headers, params, pathParams, body, signal: abort.signal, raw: req });
      }
      status = out.status;
      if (!res.headersSent) {
        const headers: Record<string, string> = { ...out.headers };
        if (this.draining) headers['Connection'] = 'close';
        res.writeHead(out.status, headers);
        res.end(out.body);
      }
    } catch (err) {
      const he = err instanceof HttpError ? err : undefined;
      status = he ? he.status : 500;
      if (!he) this.log.error('request failed', { method, path: url.pathname, err: errorMessage(err) });
      else if (status >= 500) this.log.warn('request failed', { method, path: url.pathname, status, err: he.message });
      if (!res.headersSent) {
        // An unread body (413, refused credentials) is not drained: close the connection instead.
        const close = status === 413 || status === 401 ? { Connection: 'close' } : {};
        res.writeHead(status, { ...TEXT_HEADERS, ...(he ? errorHeaders(he) : {}), ...close });
        res.end(he ? he.message : errorMessage(err));
      } else res.destroy();
    } finally {
      this.inflight--;
      const seconds = (performance.now() - started) / 1000;
      this.metrics.requestDuration.observe({ method, route: routeLabel, status_code: String(status), ws: 'false' }, seconds);
      this.log.debug('request', { method, route: routeLabel, path: url.pathname, status, duration: `${(seconds * 1000).toFixed(3)}ms` });
    }
  }
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Keeps a client's request id when it is short printable ASCII (it is echoed in a header and logs); else a fresh UUID. */
function requestIdOf(headers: IncomingHttpHeaders): string {
  const id = firstHeader(headers['x-request-id'])?.trim();
  return id !== undefined && id.length > 0 && id.length <= 128 && /^[\x21-\x7e]+$/.test(id) ? id : randomUUID();
}

function isForm(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Reads a request body, refusing it (413) as soon as it exceeds max bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(`request body too large: ${declared} bytes, limit: ${max} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) {
        failed = true;
        reject(new PayloadTooLargeError(`request body too large: more than ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => { if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)); });
    req.on('error', (err) => { if (!failed) { failed = true; reject(err); } });
  });
}

export { NotFoundError };
