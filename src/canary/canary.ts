import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LokiClient } from '../cli/commands/client.js';
import type { Sink } from '../cli/commands/io.js';
import { goQuote } from '../model/labels.js';
import { VERSION } from '../util/version.js';
import { Comparator } from './comparator.js';
import type { CanaryConfig } from './flags.js';
import { CanaryMetrics } from './metrics.js';
import { Reader } from './reader.js';
import { PushWriter, StreamWriter, Writer } from './writer.js';

/** Wall-clock nanoseconds with sub-millisecond resolution, so entries a few µs apart differ. */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

export interface CanaryDeps {
  /** Where lines go without -push. */
  readonly stdout: Sink;
  readonly log: (msg: string) => void;
  readonly reconnectDelayMs?: number;
  /** Listen address of the metrics server (all interfaces by default, like loki-canary). */
  readonly host?: string;
}

/** The running parts, rebuilt on /resume. */
interface Parts {
  readonly writer: Writer;
  readonly reader: Reader;
  readonly comparator: Comparator;
  readonly timers: NodeJS.Timeout[];
}

/** `skald canary`: loki-canary's writer, tail reader and comparator, with /metrics, /suspend and /resume. */
export class Canary {
  readonly metrics: CanaryMetrics;
  private parts: Parts | undefined;
  private server: Server | undefined;
  /** Reads use -query-timeout, pushes -write-timeout. */
  private readonly client: LokiClient;
  private readonly pushClient: LokiClient;
  private readonly selector: string;

  constructor(private readonly cfg: CanaryConfig, private readonly deps: CanaryDeps) {
    this.metrics = new CanaryMetrics(cfg.buckets);
    const scheme = cfg.tls ? 'https' : 'http';
    const opts = {
      addr: cfg.addr.includes('://') ? cfg.addr : `${scheme}://${cfg.addr}`,
      orgId: cfg.tenantId || undefined,
      username: cfg.user || undefined,
      password: cfg.pass || undefined,
      tlsSkipVerify: cfg.insecure,
      caCert: cfg.caFile || undefined,
      cert: cfg.certFile || undefined,
      key: cfg.keyFile || undefined,
      userAgent: `loki-canary/${VERSION} (skald)`,
    };
    this.client = new LokiClient({ ...opts, timeoutMs: cfg.queryTimeoutMs });
    this.pushClient = new LokiClient({ ...opts, timeoutMs: cfg.writeTimeoutMs });
    const base = `{${cfg.streamName}=${goQuote(cfg.streamValue)},${cfg.labelName}=${goQuote(cfg.labelValue)}}`;
    this.selector = cfg.queryAppend ? `${base} ${cfg.queryAppend}` : base;
  }

  /** Starts the metrics server, then writing and checking. Resolves with the metrics port. */
  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path === '/metrics') {
        this.metrics.registry.metrics().then(
          (body) => { res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }); res.end(body); },
          (err: unknown) => { res.writeHead(500); res.end(String(err)); },
        );
      } else if (path === '/suspend') {
        this.deps.log('suspending');
        void this.stopParts().then(() => res.end());
      } else if (path === '/resume') {
        this.deps.log('restarting');
        void this.stopParts().then(() => { this.startParts(); res.end(); });
      } else {
        res.writeHead(404);
        res.end('404 page not found\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.cfg.port, this.deps.host, () => resolve());
    });
    const port = (this.server.address() as AddressInfo).port;
    this.deps.log(`serving metrics on :${port}/metrics`);
    this.startParts();
    return port;
  }

  async stop(): Promise<void> {
    this.deps.log('shutting down');
    await this.stopParts();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise((r) => this.server!.close(r));
    }
  }

  private startParts(): void {
    const cfg = this.cfg;
    const log = this.deps.log;
    const start = nowNs();
    const comparator = new Comparator({
      waitMs: cfg.waitMs, maxWaitMs: cfg.maxWaitMs,
      spotCheckIntervalMs: cfg.spotCheckIntervalMs, spotCheckMaxMs: cfg.spotCheckMaxMs, spotCheckWaitMs: cfg.spotCheckWaitMs,
      metricTestRangeMs: cfg.metricTestRangeMs, cacheTestRangeMs: cfg.cacheTestRangeMs, cacheTestNowMs: cfg.cacheTestNowMs,
      writeIntervalMs: cfg.intervalMs,
    }, { query: (s, e) => reader.query(s, e), countOverTime: (r, t, c) => reader.countOverTime(r, t, c) }, this.metrics, log, nowNs);
    const reader = new Reader(this.client, { selector: this.selector, intervalMs: cfg.intervalMs, reconnectDelayMs: this.deps.reconnectDelayMs ?? 10_000 },
      this.metrics, (ts) => comparator.entryReceived(ts), log, start);
    const out = cfg.push
      ? new PushWriter(this.pushClient, {
        labels: { [cfg.labelName]: cfg.labelValue, [cfg.streamName]: cfg.streamValue },
        batchSize: cfg.logsBatchSize, minBackoffMs: cfg.writeMinBackoffMs, maxBackoffMs: cfg.writeMaxBackoffMs, maxRetries: cfg.writeMaxRetries,
      }, log)
      : new StreamWriter(this.deps.stdout);
    const writer = new Writer({
      intervalMs: cfg.intervalMs, size: cfg.size,
      outOfOrderPercentage: cfg.outOfOrderPercentage, outOfOrderMinMs: cfg.outOfOrderMinMs, outOfOrderMaxMs: cfg.outOfOrderMaxMs,
    }, out, (ts) => comparator.entrySent(ts), nowNs);

    const timers: NodeJS.Timeout[] = [];
    /** Runs `task` every `ms`, never two at once. */
    const every = (ms: number, task: () => Promise<void>, firstMs = ms): void => {
      let busy = false;
      const run = () => {
        if (busy) return;
        busy = true;
        task().catch((err: unknown) => log(String(err))).finally(() => { busy = false; });
      };
      timers.push(setTimeout(() => { run(); timers.push(setInterval(run, ms)); }, firstMs));
    };
    every(cfg.pruneIntervalMs, () => comparator.pruneEntries());
    every(cfg.spotCheckQueryRateMs, () => comparator.spotCheckEntries());
    // The first metric test comes at a random moment within the interval, as in loki-canary.
    every(cfg.metricTestIntervalMs, () => comparator.metricTest(), Math.floor(Math.random() * cfg.metricTestIntervalMs));
    every(cfg.cacheTestIntervalMs, () => comparator.cacheTest());
    reader.start();
    writer.start();
    this.parts = { writer, reader, comparator, timers };
  }

  private async stopParts(): Promise<void> {
    const p = this.parts;
    this.parts = undefined;
    if (!p) return;
    // Intervals started after the first run were pushed into the same array.
    for (const t of p.timers) { clearTimeout(t); clearInterval(t); }
    p.reader.stop();
    await p.writer.stop();
  }
}
