import type { LogPipeline, PipelineOutput, StreamPipeline } from '../logql/log/types.js';
import { lineAt, type StreamEntries } from '../model/entry.js';
import { EMPTY_LABELS } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import { NS_PER_MS, nowNanos, type Nanos } from '../model/time.js';
import { errorMessage } from '../util/errors.js';
import { Heap } from '../util/heap.js';
import { encodeLegacyTailFrame, encodeTailFrame, type DroppedEntry, type TailEntry } from './encode.js';
import type { TailListener } from './hub.js';

/** The part of a WebSocket a session uses. */
export interface TailSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface TailSessionOptions {
  readonly matchers: readonly LabelMatcher[];
  readonly pipeline: LogPipeline;
  readonly categorize: boolean;
  /** `/api/prom/tail` frames. */
  readonly legacy: boolean;
  readonly delayForSec: number;
  /** querier.tail_max_duration; 0 = no limit. */
  readonly maxDurationMs: number;
  /** False once the server shuts down: the session then closes. */
  readonly serving: () => boolean;
  readonly now?: () => Nanos;
}

/** Loki's limits: entries per frame, dropped entries reported per frame. */
const MAX_ENTRIES_PER_FRAME = 100;
const MAX_DROPPED = 1000;
/** Entries held back (delay_for, future timestamps) before new ones are dropped. */
const MAX_PENDING = 10_000;
/** A client this far behind is slow: entries are dropped instead of queued. */
const BLOCKED_BYTES = 1 << 20;
const TICK_MS = 100;
/** Loki's wsPingPeriod. */
const PING_MS = 1000;
/** WebSocket close reasons are limited to 123 bytes. */
const MAX_REASON_BYTES = 123;

interface Queued {
  readonly entry: TailEntry;
  readonly seq: number;
}

function entryKey(e: TailEntry): string {
  return e.labels.key + '\u0000' + e.ts.toString() + '\u0000' + e.line;
}

function closeReason(message: string): string {
  let out = message;
  while (Buffer.byteLength(out) > MAX_REASON_BYTES) out = out.slice(0, -1);
  return out;
}

/**
 * One live tail: history first, then entries as they are pushed, released in timestamp order
 * once they are `delay_for` old, at most 100 per frame. A slow client loses entries, which the
 * next frame reports as `dropped_entries`. Pings every second; closes with 1011 on errors and
 * after tail_max_duration.
 */
export class TailSession implements TailListener {
  readonly matchers: readonly LabelMatcher[];
  private readonly pending = new Heap<Queued>((a, b) => (a.entry.ts !== b.entry.ts ? a.entry.ts < b.entry.ts : a.seq < b.seq));
  private seq = 0;
  private dropped: DroppedEntry[] = [];
  /** Live entries that arrive while the history loads; undefined afterwards. */
  private loading: TailEntry[] | undefined = [];
  private readonly pipelines = new Map<string, StreamPipeline>();
  private readonly out: PipelineOutput = { line: Buffer.alloc(0), labels: { all: EMPTY_LABELS, key: '{}', stream: EMPTY_LABELS, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS } };
  private readonly timers: NodeJS.Timeout[] = [];
  private flushScheduled = false;
  private stopped = false;
  private onStop: (() => void) | undefined;

  constructor(private readonly socket: TailSocket, private readonly opts: TailSessionOptions) {
    this.matchers = opts.matchers;
  }

  private now(): Nanos {
    return this.opts.now ? this.opts.now() : nowNanos();
  }

  /** Starts the timers, loads the history (oldest first), then streams live entries. */
  async run(history: () => Promise<TailEntry[]>, onStop: () => void): Promise<void> {
    this.onStop = onStop;
    this.every(TICK_MS, () => {
      if (!this.opts.serving()) this.shutdown();
      else this.flush();
    });
    this.every(PING_MS, () => {
      try {
        this.socket.ping();
      } catch {
        this.stop();
      }
    });
    if (this.opts.maxDurationMs > 0) {
      const t = setTimeout(() => this.fail('reached tail max duration limit'), this.opts.maxDurationMs);
      t.unref();
      this.timers.push(t);
    }
    try {
      const hist = await history();
      if (this.stopped) return;
      const seen = new Set(hist.map(entryKey));
      for (const e of hist) this.enqueue(e);
      const live = this.loading ?? [];
      this.loading = undefined;
      for (const e of live) if (!seen.has(entryKey(e))) this.enqueue(e);
      this.flush();
    } catch (err) {
      this.fail(errorMessage(err));
    }
  }

  /** Hub callback: runs the pipeline over a pushed stream's entries and queues what passes. */
  onStream(stream: StreamEntries): void {
    if (this.stopped) return;
    let sp = this.pipelines.get(stream.key);
    if (!sp) this.pipelines.set(stream.key, (sp = this.opts.pipeline.forStream(stream.labels)));
    const c = stream.entries;
    for (let i = 0; i < c.count; i++) {
      const ts = c.ts[i];
      if (!sp.process(ts, lineAt(c, i), c.metadata === null ? EMPTY_LABELS : c.metadata[i], this.out)) continue;
      const entry: TailEntry = { ts, line: this.out.line.toString('utf8'), labels: this.out.labels };
      if (this.loading === undefined) this.enqueue(entry);
      else if (this.loading.length < MAX_PENDING) this.loading.push(entry);
      else this.drop(entry);
    }
    this.scheduleFlush();
  }

  /** Sends the queued entries whose time has come (ts <= now - delay_for), oldest first. */
  flush(): void {
    if (this.stopped) return;
    const cutoff = this.now() - BigInt(this.opts.delayForSec) * 1000n * NS_PER_MS;
    let batch: TailEntry[] = [];
    while (this.pending.size > 0 && this.pending.peek()!.entry.ts <= cutoff) {
      const { entry } = this.pending.pop()!;
      if (this.socket.bufferedAmount > BLOCKED_BYTES) {
        this.drop(entry);
        continue;
      }
      batch.push(entry);
      if (batch.length === MAX_ENTRIES_PER_FRAME) {
        this.send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) this.send(batch);
  }

  /** Ends the session after the client went away. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.onStop?.();
  }

  /** Closes with 1011 and the message, as Loki reports tail errors. */
  fail(message: string): void {
    if (this.stopped) return;
    try {
      this.socket.close(1011, closeReason(message));
    } catch {
      this.socket.terminate();
    }
    this.stop();
  }

  private shutdown(): void {
    try {
      this.socket.close(1001, 'server shutting down');
    } catch {
      // already closing
    }
    setTimeout(() => this.socket.terminate(), 1000).unref();
    this.stop();
  }

  private send(batch: readonly TailEntry[]): void {
    const dropped = this.dropped;
    this.dropped = [];
    const frame = this.opts.legacy ? encodeLegacyTailFrame(batch, dropped) : encodeTailFrame(batch, dropped, this.opts.categorize);
    try {
      this.socket.send(frame);
    } catch {
      this.stop();
    }
  }

  private enqueue(e: TailEntry): void {
    if (this.pending.size >= MAX_PENDING) this.drop(e);
    else this.pending.push({ entry: e, seq: this.seq++ });
  }

  private drop(e: TailEntry): void {
    if (this.dropped.length < MAX_DROPPED) this.dropped.push({ ts: e.ts, labels: e.labels.all });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.loading !== undefined) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private every(ms: number, f: () => void): void {
    const t = setInterval(f, ms);
    t.unref();
    this.timers.push(t);
  }
}
