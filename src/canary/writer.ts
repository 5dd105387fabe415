import type { LokiClient } from '../cli/commands/client.js';
import type { Sink } from '../cli/commands/io.js';

/** Where canary lines go: stdout for an agent to ship, or pushed straight to the server. */
export interface EntryWriter {
  write(ts: bigint, line: string): void;
  stop(): Promise<void>;
}

/** loki-canary's default: one line per entry on stdout. */
export class StreamWriter implements EntryWriter {
  constructor(private readonly out: Sink) {}
  write(_ts: bigint, line: string): void {
    this.out.write(line + '\n');
  }
  async stop(): Promise<void> {}
}

export interface PushOptions {
  readonly labels: Readonly<Record<string, string>>;
  readonly batchSize: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxRetries: number;
}

const MAX_QUEUE = 10_000;

/** `-push`: sends entries to /loki/api/v1/push in order, retrying 429, 5xx and network errors with backoff. */
export class PushWriter implements EntryWriter {
  private queue: { ts: bigint; line: string }[] = [];
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly client: LokiClient, private readonly opts: PushOptions, private readonly log: (m: string) => void) {}

  write(ts: bigint, line: string): void {
    if (this.queue.length >= MAX_QUEUE) {
      this.log(`push queue full, dropping entry ${this.queue[0].ts}`);
      this.queue.shift();
    }
    this.queue.push({ ts, line });
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.abort.signal.aborted) {
      const batch = this.queue.splice(0, Math.max(1, this.opts.batchSize));
      await this.send(batch);
    }
  }

  private async send(batch: { ts: bigint; line: string }[]): Promise<void> {
    const body = Buffer.from(JSON.stringify({
      streams: [{ stream: this.opts.labels, values: batch.map((e) => [e.ts.toString(), e.line]) }],
    }));
    let delay = this.opts.minBackoffMs;
    for (let attempt = 0; ; attempt++) {
      let status = -1;
      let err: string;
      try {
        const res = await this.client.post('/loki/api/v1/push', body, { 'Content-Type': 'application/json' }, this.abort.signal);
        status = res.status;
        if (status >= 200 && status < 300) return;
        err = `server returned HTTP status ${res.status} ${res.statusText}: ${res.body.split('\n')[0]}`;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        err = `failed to push payload: ${(e as Error).message}`;
      }
      const first = batch[0].ts;
      if (status > 0 && status !== 429 && status < 500) {
        this.log(`failed to send entry, server rejected push with a non-retryable status code entry=${first} status=${status} err="${err}"`);
        return;
      }
      if (attempt >= this.opts.maxRetries) {
        this.log(`failed to send entry, retries exhausted, entry will be dropped entry=${first} status=${status} error="${err}"`);
        return;
      }
      this.log(`failed to send entry, retrying entry=${first} status=${status} error="${err}"`);
      await new Promise((r) => setTimeout(r, delay));
      if (this.abort.signal.aborted) return;
      delay = Math.min(this.opts.maxBackoffMs, delay * 2);
    }
  }
}

/** A canary line: the timestamp, a space and `p` padding up to `size` bytes counting the newline. */
export function canaryLine(ts: bigint, size: number): string {
  const t = ts.toString();
  return t + ' ' + 'p'.repeat(Math.max(0, size - t.length - 2));
}

export interface WriterOptions {
  readonly intervalMs: number;
  readonly size: number;
  readonly outOfOrderPercentage: number;
  readonly outOfOrderMinMs: number;
  readonly outOfOrderMaxMs: number;
}

/** Writes one entry per interval, a given share of them back-dated (out of order on purpose). */
export class Writer {
  private timer: NodeJS.Timeout | undefined;
  private last = 0n;

  constructor(
    private readonly opts: WriterOptions,
    private readonly out: EntryWriter,
    private readonly sent: (ts: bigint) => void,
    private readonly now: () => bigint,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.out.stop();
  }

  /** Writes one entry now; returns its timestamp. */
  tick(): bigint {
    let ts = this.now();
    if (ts <= this.last) ts = this.last + 1n;
    this.last = ts;
    if (this.random() * 100 < this.opts.outOfOrderPercentage) {
      const minS = Math.floor(this.opts.outOfOrderMinMs / 1000);
      const spanS = Math.max(1, Math.floor(this.opts.outOfOrderMaxMs / 1000) - minS);
      ts -= BigInt(Math.floor(this.random() * spanS) + minS) * 1_000_000_000n;
    }
    this.sent(ts);
    this.out.write(ts, canaryLine(ts, this.opts.size));
    return ts;
  }
}
