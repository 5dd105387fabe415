import type WebSocket from 'ws';
import type { RawData } from 'ws';
import type { LokiClient } from '../cli/commands/client.js';
import { RequestError } from '../cli/commands/errors.js';
import type { CanaryReader } from './comparator.js';
import type { CanaryMetrics } from './metrics.js';

/** The timestamp a canary line starts with (`<unix ns> ppppp…`); undefined for foreign lines. */
export function parseCanaryLine(line: string): bigint | undefined {
  const parts = line.split(' ');
  if (parts.length !== 2 || !/^\d+$/.test(parts[0])) return undefined;
  return BigInt(parts[0]);
}

interface StreamsJson {
  readonly streams?: readonly { values?: readonly (readonly unknown[])[] }[];
}

interface QueryJson {
  readonly data?: { resultType?: string; result?: unknown };
}

/** Timestamps of the canary lines in a list of streams. */
function canaryTimestamps(streams: StreamsJson['streams'], log: (m: string) => void): bigint[] {
  const out: bigint[] = [];
  for (const s of streams ?? []) {
    for (const v of s.values ?? []) {
      const ts = parseCanaryLine(String(v[1] ?? ''));
      if (ts === undefined) log(`received invalid entry: ${String(v[1])}`);
      else out.push(ts);
    }
  }
  return out;
}

export interface ReaderOptions {
  readonly selector: string;
  readonly intervalMs: number;
  /** Pause before reconnecting the tail (loki-canary: 10s). */
  readonly reconnectDelayMs: number;
}

/**
 * Reads the canary's stream back: the live WebSocket tail feeds `onEntry`; `query` and
 * `countOverTime` serve the comparator's checks. Failed queries back off (5 minutes after 429).
 */
export class Reader implements CanaryReader {
  private ws: WebSocket | undefined;
  private stopped = false;
  private connectedOnce = false;
  private lastReceived: bigint | undefined;
  private nextQueryAt = 0;
  private backoffMs = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private lastMessage = Date.now();

  constructor(
    private readonly client: LokiClient,
    private readonly opts: ReaderOptions,
    private readonly metrics: CanaryMetrics,
    private readonly onEntry: (ts: bigint) => void,
    private readonly log: (msg: string) => void,
    private readonly startNs: bigint,
  ) {}

  start(): void {
    this.connect();
    // loki-canary reconnects when nothing arrived for 10 intervals.
    this.watchdog = setInterval(() => {
      if (this.ws && Date.now() - this.lastMessage > 10 * this.opts.intervalMs) {
        this.log(`Have not received a canary message from loki on the websocket in ${10 * this.opts.intervalMs}ms, reconnecting`);
        this.reconnect();
      }
    }, Math.max(100, this.opts.intervalMs));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retry);
    this.ws?.close(1000);
    const ws = this.ws;
    setTimeout(() => ws?.terminate(), 500).unref();
    this.ws = undefined;
  }

  private reconnect(): void {
    const old = this.ws;
    this.ws = undefined;
    old?.removeAllListeners();
    old?.on('error', () => undefined);
    old?.terminate();
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connect(), this.opts.reconnectDelayMs);
  }

  private connect(): void {
    if (this.stopped) return;
    // Resume after the last entry seen, so that history already acknowledged is not sent again.
    const start = this.lastReceived !== undefined ? this.lastReceived + 1n : this.startNs;
    const params = new URLSearchParams({ query: this.opts.selector, start: String(start), limit: '1000' });
    this.log(`Connecting to loki at ${this.client.url('/loki/api/v1/tail', params).replace(/^http/, 'ws')}`);
    const ws = this.client.tailSocket(params);
    this.ws = ws;
    this.lastMessage = Date.now();
    ws.on('open', () => {
      if (this.connectedOnce) this.metrics.wsReconnects.inc();
      this.connectedOnce = true;
    });
    ws.on('ping', () => { this.metrics.wsPings.inc(); });
    ws.on('message', (data: RawData) => {
      let frame: StreamsJson;
      try {
        frame = JSON.parse(String(data)) as StreamsJson;
      } catch {
        this.log(`error reading websocket: invalid frame ${String(data).slice(0, 100)}`);
        return;
      }
      const ts = canaryTimestamps(frame.streams, this.log);
      if (ts.length > 0) this.lastMessage = Date.now();
      for (const t of ts) {
        if (this.lastReceived === undefined || t > this.lastReceived) this.lastReceived = t;
        this.onEntry(t);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      this.log(`failed to connect: server answered ${res.statusCode} ${res.statusMessage ?? ''}, will retry in ${this.opts.reconnectDelayMs / 1000} seconds`);
      res.resume();
      if (this.ws === ws) this.reconnect();
    });
    ws.on('error', (err) => {
      this.log(`error reading websocket, will retry in ${this.opts.reconnectDelayMs / 1000} seconds: ${err.message}`);
      if (this.ws === ws) this.reconnect();
    });
    ws.on('close', (code) => {
      if (this.ws !== ws || this.stopped) return;
      this.log(`websocket closed (${code}), will retry in ${this.opts.reconnectDelayMs / 1000} seconds`);
      this.reconnect();
    });
  }

  private async waitForBackoff(): Promise<void> {
    while (Date.now() < this.nextQueryAt && !this.stopped) await new Promise((r) => setTimeout(r, 50));
  }

  private async getJson(path: string, params: URLSearchParams, headers?: Record<string, string>): Promise<QueryJson> {
    await this.waitForBackoff();
    try {
      const res = await this.client.getJson<QueryJson>(path, params, undefined, headers);
      this.backoffMs = 0;
      return res;
    } catch (err) {
      if (err instanceof RequestError && err.status !== undefined) {
        this.backoffMs = err.status === 429 ? 5 * 60_000 : Math.min(10 * 60_000, Math.max(1000, this.backoffMs * 2));
        this.nextQueryAt = Date.now() + this.backoffMs;
        this.log(`Loki returned an error code: ${err.status}, waiting ${this.backoffMs / 1000}s before next query.`);
      }
      throw err;
    }
  }

  async query(start: bigint, end: bigint): Promise<bigint[]> {
    const params = new URLSearchParams({ start: String(start), end: String(end), query: this.opts.selector, limit: '1000' });
    this.log(`Querying loki for logs with query: ${this.client.url('/loki/api/v1/query_range', params)}`);
    const res = await this.getJson('/loki/api/v1/query_range', params);
    if (res.data?.resultType !== 'streams') throw new Error(`unexpected result type, expected a log stream result instead received ${res.data?.resultType}`);
    return canaryTimestamps(res.data.result as StreamsJson['streams'], this.log);
  }

  async countOverTime(range: string, at: bigint, cache: boolean): Promise<number> {
    const params = new URLSearchParams({ query: `count_over_time(${this.opts.selector}[${range}])`, time: String(at), limit: '1000' });
    this.log(`Querying loki for metric count with query: ${this.client.url('/loki/api/v1/query', params)}`);
    const res = await this.getJson('/loki/api/v1/query', params, cache ? undefined : { 'Cache-Control': 'no-cache' });
    if (res.data?.resultType !== 'vector') throw new Error(`unexpected result type, expected a Vector result instead received ${res.data?.resultType}`);
    const series = (res.data.result ?? []) as readonly { value?: readonly [unknown, string] }[];
    if (series.length > 1) throw new Error(`expected only a single series result in the metric test query vector, instead received ${series.length}`);
    if (series.length === 0) throw new Error('expected to receive one sample in the result vector, received 0');
    return Number(series[0].value?.[1] ?? NaN);
  }
}
