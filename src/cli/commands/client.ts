import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import { VERSION } from '../../util/version.js';
import { RequestError, UsageError } from './errors.js';

export interface ClientOptions {
  /** Server base URL, possibly with a path prefix (`https://gw.example.com/loki`). */
  readonly addr: string;
  readonly orgId?: string;
  readonly username?: string;
  readonly password?: string;
  readonly bearerToken?: string;
  readonly bearerTokenFile?: string;
  /** Header carrying the credentials (`Authorization`). */
  readonly authHeader?: string;
  readonly queryTags?: string;
  readonly tlsSkipVerify?: boolean;
  readonly caCert?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Extra attempts after a network error, 429 or 5xx. */
  readonly retries?: number;
  readonly retryDelayMs?: number;
  /** Per-request timeout; 0 or unset waits as long as the server takes. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
}

export interface RawResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: string;
}

interface TlsFiles {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized: boolean;
}

function readOption(file: string | undefined, flag: string): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${flag} file ${file}: ${(err as Error).message}`);
  }
}

/** A network error's text; connection failures to `localhost` arrive as an AggregateError without one. */
function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return [...new Set(err.errors.map(describe))].join('; ');
  const e = err as NodeJS.ErrnoException;
  return e.message || e.code || String(err);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An HTTP client for any Loki-compatible server: auth, tenant, TLS and retries like logcli's. */
export class LokiClient {
  private readonly base: URL;
  private readonly tls: TlsFiles;
  private readonly headerValues: Record<string, string>;

  constructor(private readonly opts: ClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.addr.includes('://') ? opts.addr : `http://${opts.addr}`);
    } catch {
      throw new UsageError(`invalid server address '${opts.addr}'`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`invalid server address '${opts.addr}': scheme must be http or https`);
    this.base = base;
    this.tls = {
      ca: readOption(opts.caCert, '--ca-cert'),
      cert: readOption(opts.cert, '--cert'),
      key: readOption(opts.key, '--key'),
      rejectUnauthorized: !opts.tlsSkipVerify,
    };
    this.headerValues = this.buildHeaders();
  }

  private buildHeaders(): Record<string, string> {
    const h: Record<string, string> = { 'User-Agent': this.opts.userAgent ?? `skald-cli/${VERSION}` };
    if (this.opts.orgId) h['X-Scope-OrgID'] = this.opts.orgId;
    if (this.opts.queryTags) h['X-Query-Tags'] = this.opts.queryTags;
    const authHeader = this.opts.authHeader || 'Authorization';
    let token = this.opts.bearerToken;
    if (!token && this.opts.bearerTokenFile) token = readOption(this.opts.bearerTokenFile, '--bearer-token-file')!.toString('utf8').trim();
    if (this.opts.username || this.opts.password) {
      if (token) throw new UsageError('at most one of basic auth (--username/--password) and a bearer token may be set');
      h[authHeader] = 'Basic ' + Buffer.from(`${this.opts.username ?? ''}:${this.opts.password ?? ''}`).toString('base64');
    } else if (token) h[authHeader] = `Bearer ${token}`;
    return h;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.headerValues;
  }

  /** Full URL of an API path with its parameters. */
  url(path: string, params?: URLSearchParams): string {
    const u = new URL(this.base.href);
    u.pathname = u.pathname.replace(/\/+$/, '') + path;
    u.search = params ? params.toString() : '';
    return u.href;
  }

  /** GET a JSON API path; non-2xx answers and network errors become RequestError. */
  async getJson<T>(path: string, params: URLSearchParams, signal?: AbortSignal, headers?: Record<string, string>): Promise<T> {
    const body = await this.get(path, params, signal, headers);
    try {
      return JSON.parse(body) as T;
    } catch {
      throw new RequestError(`invalid JSON in response from ${path}: ${body.slice(0, 200)}`);
    }
  }

  async get(path: string, params: URLSearchParams, signal?: AbortSignal, headers?: Record<string, string>): Promise<string> {
    const attempts = 1 + Math.max(0, this.opts.retries ?? 0);
    let last: RequestError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep((this.opts.retryDelayMs ?? 500) * attempt);
      let res: RawResponse;
      try {
        res = await this.send('GET', this.url(path, params), undefined, headers, signal);
      } catch (err) {
        if (signal?.aborted) throw new RequestError('request aborted');
        last = new RequestError(`request to ${this.url(path)} failed: ${describe(err)}`);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res.body;
      last = new RequestError(`error response from server: ${res.status} ${res.statusText}: ${res.body.trim()}`, res.status);
      if (res.status !== 429 && res.status < 500) throw last;
    }
    throw last ?? new RequestError('request failed');
  }

  /** One POST, no retries: the caller decides what is worth retrying. */
  post(path: string, body: Buffer, headers: Record<string, string>, signal?: AbortSignal): Promise<RawResponse> {
    return this.send('POST', this.url(path), body, headers, signal);
  }

  private send(method: string, url: string, body?: Buffer, extra?: Record<string, string>, signal?: AbortSignal): Promise<RawResponse> {
    const https = url.startsWith('https:');
    const headers: Record<string, string> = { ...this.headerValues, ...(method === 'GET' ? { Accept: 'application/json' } : {}), ...extra };
    if (body) headers['Content-Length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(url, { method, headers, signal, timeout: this.opts.timeoutMs || undefined, ...(https ? this.tls : {}) }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.opts.timeoutMs}ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Opens the WebSocket tail endpoint with this client's headers and TLS settings. */
  tailSocket(params: URLSearchParams): WebSocket {
    const url = this.url('/loki/api/v1/tail', params).replace(/^http/, 'ws');
    return new WebSocket(url, {
      headers: this.headerValues, perMessageDeflate: false, handshakeTimeout: this.opts.timeoutMs || undefined, ...(url.startsWith('wss:') ? this.tls : {}),
    });
  }
}
