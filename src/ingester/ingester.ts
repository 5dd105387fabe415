import type { MemChunk } from '../chunk/index.js';
import type { IngesterConfig, LimitsConfig } from '../config/types.js';
import { linesBytes, type EntryColumns, type StreamEntries } from '../model/entry.js';
import { labelsToString } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Metrics } from '../metrics/metrics.js';
import { errorMessage } from '../util/errors.js';
import { goTimeString } from '../util/gotime.js';
import type { Logger } from '../util/logger.js';
import { Wal, type WalAppendRecord, type WalRecord } from './wal/index.js';
import type { FailedEntry, Stream, StreamSettings, FlushReason } from './stream.js';
import { TailHub } from '../tail/hub.js';
import { TenantStreams } from './tenant.js';
import { tuneGcForIngestion } from './gc-tuning.js';

export type LimitsFor = (tenant: string) => LimitsConfig;

/** Where flushed chunks go: the object store and the index. */
export interface ChunkFlusher {
  /**
   * Stores the items' chunks and index entries. A flusher that stores them in parts reports each
   * part with `stored` as soon as it is indexed, so that a later failure does not flush it again.
   */
  flush(items: readonly FlushItem[], stored?: (items: readonly FlushItem[]) => void): Promise<void>;
}

export interface FlushItem {
  readonly tenant: string;
  readonly stream: Stream;
  readonly chunk: MemChunk;
  readonly reason: FlushReason;
}

/** The outcome of pushing one request's streams: 4xx messages for what was refused. */
export interface IngesterPushResult {
  /** Per-stream error texts (Loki's format). */
  readonly errors: string[];
  /** 429 when any refusal was a rate or stream limit, else 400. */
  readonly status: 400 | 429;
  readonly appendedLines: number;
  readonly appendedBytes: number;
}

/** periodic: the flush loop; forced: /flush and shutdown; memory: memory_flush_threshold passed. */
export type SweepMode = 'periodic' | 'forced' | 'memory';

/** Replay measures memory every this many entries. */
const REPLAY_MEMORY_CHECK_ENTRIES = 10_000;

/**
 * Heads smaller than this are not cut early for memory: the blocks would compress poorly, and
 * each block costs ~10 µs of CPU to cut whatever its size (16 KiB blocks: ~0.7 s more per GB).
 */
const MIN_CUT_HEAD_BYTES = 32 * 1024;

/** Max entry errors quoted per stream in a push response (Loki's max_returned_stream_errors). */
const MAX_RETURNED_ERRORS = 10;

/**
 * The ingester: per-tenant streams of in-memory chunks, made durable by the WAL before a push is
 * acknowledged, cut into chunks and flushed to the object store with their index entries.
 */
export class Ingester {
  private readonly tenants = new Map<string, TenantStreams>();
  private nextStreamId = 1;
  private wal: Wal | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private checkpointing: Promise<void> | undefined;
  private memoryFlush: Promise<void> | undefined;
  /** Bytes of chunks in memory: kept up to date by pushes, measured again by each sweep. */
  private memoryBytes = 0;
  private stopped = false;
  ready = false;

  constructor(
    private readonly cfg: IngesterConfig,
    private readonly limits: LimitsFor,
    private readonly flusher: ChunkFlusher,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Replays the WAL (if enabled) and starts the flush and checkpoint loops. */
  async start(): Promise<void> {
    tuneGcForIngestion();
    if (this.cfg.wal.enabled) {
      const t0 = performance.now();
      this.metrics.walReplayActive.set(1);
      const byWalId = new Map<number, Stream>();
      let replayed = 0;
      const walLog = this.log.child({ component: 'wal' });
      const threshold = this.cfg.memory_flush_threshold;
      let sinceCheck = 0;
      const stats = await Wal.replay(this.cfg.wal.dir, (rec) => {
        replayed++;
        this.applyReplayed(rec, byWalId);
        // The WAL may hold more than memory should: flush the largest chunks as replay goes.
        if (rec.type !== 'entries' || !(threshold > 0)) return undefined;
        sinceCheck += rec.entries.length;
        if (sinceCheck < REPLAY_MEMORY_CHECK_ENTRIES) return undefined;
        sinceCheck = 0;
        return this.measureMemory() > threshold ? this.flushSweep('memory') : undefined;
      }, { logger: walLog });
      for (const c of stats.corruptions) this.metrics.walCorruptionsTotal.inc({ type: c.reason });
      if (stats.maxStreamId >= this.nextStreamId) this.nextStreamId = stats.maxStreamId + 1;
      this.metrics.walReplayActive.set(0);
      const secs = (performance.now() - t0) / 1000;
      this.metrics.walReplayDuration.set(secs);
      this.log.info('WAL replayed', { records: replayed, streams: byWalId.size, seconds: secs.toFixed(3), ...replayStatsFields(stats) });
      this.wal = await Wal.open(this.cfg.wal.dir, {
        fsync: this.cfg.wal.fsync,
        fsyncIntervalMs: this.cfg.wal.fsync_interval,
        segmentSize: this.cfg.wal.segment_size,
        logger: walLog,
      });
      const wal = this.wal;
      this.metrics.walSource = () => wal.metrics;
    }
    this.flushTimer = setInterval(() => void this.flushSweep('periodic'), Math.max(100, this.cfg.flush_check_period));
    this.flushTimer.unref();
    if (this.wal) {
      this.checkpointTimer = setInterval(() => void this.checkpoint(), Math.max(1000, this.cfg.wal.checkpoint_duration));
      this.checkpointTimer.unref();
    }
    this.ready = true;
  }

  /** Stops the loops, flushes everything to storage, checkpoints and closes the WAL. */
  async stop(flush: boolean): Promise<void> {
    this.stopped = true;
    clearInterval(this.flushTimer);
    clearInterval(this.checkpointTimer);
    if (flush) await this.flushAll();
    else await this.checkpointing;
    await this.wal?.close();
    this.wal = undefined;
  }

  /**
   * Appends the streams of one validated push. Entries go to memory, then to the WAL; the promise
   * resolves once the WAL holds them (durable per the fsync policy), so the caller may acknowledge.
   * The entry columns are the caller's: appending compacts them in place. Live tails get the
   * appended entries (synchronously, before the WAL write).
   */
  push(tenant: string, streams: readonly StreamEntries[]): Promise<IngesterPushResult> {
    // The appends, the TailHub publish and the WAL encoding are synchronous; only the write is
    // awaited, without a reference to the push's objects (else they outlive young collections).
    const { result, durable, backpressure } = this.append(tenant, streams);
    return settle(result, durable, backpressure);
  }

  private append(tenant: string, streams: readonly StreamEntries[]): { result: IngesterPushResult; durable?: Promise<void>; backpressure?: Promise<void> } {
    const limits = this.limits(tenant);
    const settings = this.streamSettings(limits);
    const nowMs = Date.now();
    const inst = this.tenantStreams(tenant);
    const records: WalAppendRecord[] = [];
    const appended: StreamEntries[] = [];
    const errors: string[] = [];
    const tail = TailHub.for(this);
    let limited = false;
    let appendedLines = 0;
    let appendedBytes = 0;

    for (const s of streams) {
      let stream = inst.get(s.key);
      if (!stream) {
        const max = this.maxStreams(limits);
        if (max > 0 && inst.size >= max) {
          limited = true;
          this.discard('stream_limit', tenant, s.entries.count, linesBytes(s.entries));
          errors.push(`Maximum active stream limit exceeded when trying to create stream ${s.key}, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased, user: '${tenant}'`);
          continue;
        }
        stream = inst.create(this.nextStreamId++, s.labels, s.key, settings, nowMs);
        this.metrics.ingesterStreamsCreated.inc({ tenant });
        this.metrics.ingesterMemoryStreams.set({ tenant }, inst.size);
        records.push({ type: 'series', tenant, streamId: stream.id, labels: stream.labels });
      } else {
        stream.updateSettings(settings);
      }
      const total = s.entries.count;
      const res = stream.push(s.entries, nowMs);
      this.memoryBytes += res.memoryDelta;
      if (res.appended.count > 0) {
        records.push({ type: 'columns', tenant, streamId: stream.id, entries: res.appended, lines: res.lines });
        appended.push({ labels: s.labels, key: s.key, entries: res.appended });
        appendedLines += res.appended.count;
        appendedBytes += res.appendedBytes;
      }
      if (res.failed.length > 0) {
        if (res.rateLimited) limited = true;
        const reason = res.rateLimited ? 'per_stream_rate_limit' : 'too_far_behind';
        let bytes = 0;
        for (const f of res.failed) bytes += f.bytes;
        this.discard(reason, tenant, res.failed.length, bytes);
        errors.push(formatStreamErrors(tenant, s.key, res.failed, total));
      }
    }
    if (tail.count(tenant) > 0) tail.publish(tenant, appended);
    // Encoded now: append() encodes before it returns.
    const durable = this.wal && records.length > 0 ? this.wal.append(records) : undefined;
    const backpressure = this.checkMemory();
    return { result: { errors, status: limited ? 429 : 400, appendedLines, appendedBytes }, durable, backpressure };
  }

  /**
   * Starts a memory flush when the chunks in memory pass memory_flush_threshold. Returns the
   * running flush when they are past twice that: the push waits for it, so ingestion cannot
   * outrun flushing without bound.
   */
  private checkMemory(): Promise<void> | undefined {
    const threshold = this.cfg.memory_flush_threshold;
    if (!(threshold > 0) || this.memoryBytes <= threshold || this.stopped) return undefined;
    if (this.memoryFlush === undefined) {
      const p = this.flushSweep('memory').catch(() => undefined).finally(() => {
        if (this.memoryFlush === p) this.memoryFlush = undefined;
      });
      this.memoryFlush = p;
    }
    return this.memoryBytes > 2 * threshold ? this.memoryFlush : undefined;
  }

  /** Streams of a tenant matching the selector (for queries). */
  select(tenant: string, matchers: readonly LabelMatcher[]): Stream[] {
    return this.tenants.get(tenant)?.select(matchers) ?? [];
  }

  labelNames(tenant: string): string[] {
    return this.tenants.get(tenant)?.labelNames() ?? [];
  }

  labelValues(tenant: string, name: string): string[] {
    return this.tenants.get(tenant)?.labelValues(name) ?? [];
  }

  /** Closes every head chunk and flushes all unflushed chunks (the /flush endpoint and shutdown). */
  async flushAll(): Promise<void> {
    await this.flushSweep('forced');
  }

  /**
   * One pass of the flush loop: cut idle/old heads (all heads when forced, the largest when
   * memory is short), flush closed chunks, drop retained ones, checkpoint.
   */
  flushSweep(mode: SweepMode | boolean): Promise<void> {
    const m: SweepMode = mode === true ? 'forced' : mode === false ? 'periodic' : mode;
    // Sweeps never overlap; a forced or memory sweep waits for the running one, then runs.
    const run = async (): Promise<void> => {
      const prev = this.flushing;
      if (prev) await prev.catch(() => undefined);
      await this.doFlushSweep(m);
    };
    if (this.flushing && m === 'periodic') return this.flushing;
    const p = run().finally(() => {
      if (this.flushing === p) this.flushing = undefined;
    });
    this.flushing = p;
    return p;
  }

  private async doFlushSweep(mode: SweepMode): Promise<void> {
    const force = mode === 'forced';
    const nowMs = Date.now();
    const items: FlushItem[] = [];
    let memChunks = 0;
    if (mode === 'memory') this.closeLargest(nowMs);
    for (const inst of this.tenants.values()) {
      for (const stream of inst.streams.values()) {
        const head = stream.head;
        if (head.entryCount > 0) {
          if (force) stream.closeHead('forced', nowMs);
          else if (nowMs - stream.lastAppendMs >= this.cfg.chunk_idle_period) stream.closeHead('idle', nowMs);
          else if (Number((head.maxTs - head.minTs) / 1_000_000n) >= this.cfg.max_chunk_age) stream.closeHead('max_age', nowMs);
        }
        for (const c of stream.closed) if (!c.flushed) items.push({ tenant: inst.tenant, stream, chunk: c.chunk, reason: c.reason });
        memChunks += stream.chunkCount;
      }
    }
    this.metrics.ingesterMemoryChunks.set(memChunks);
    this.metrics.ingesterFlushQueueLength.set(items.length);
    if (items.length > 0) {
      const done = new Set<FlushItem>();
      const markFlushed = (stored: readonly FlushItem[]): void => {
        const flushedAt = Date.now();
        for (const it of stored) {
          if (done.has(it)) continue;
          done.add(it);
          const c = it.stream.closed.find((x) => x.chunk === it.chunk);
          if (c) { c.flushed = true; c.flushedAtMs = flushedAt; }
          this.metrics.ingesterChunksFlushed.inc({ reason: it.reason });
          this.metrics.ingesterChunkEntries.observe(it.chunk.entryCount);
        }
      };
      try {
        await this.flusher.flush(items, markFlushed);
      } catch (err) {
        const failed = items.length - done.size;
        this.metrics.ingesterChunksFlushFailures.inc(failed);
        this.log.error('flush failed; chunks stay in memory and are retried', { chunks: failed, err: errorMessage(err) });
        this.metrics.ingesterFlushQueueLength.set(0);
        if (force) throw err;
        return;
      }
      markFlushed(items);
      this.metrics.ingesterFlushQueueLength.set(0);
    }
    this.dropRetained(Date.now());
    this.memoryBytes = this.measureMemory();
    // A memory flush leaves the WAL to the periodic checkpoint: checkpointing re-reads all of memory.
    if (mode === 'memory') return;
    if (items.length > 0 && this.wal && !this.stopped) await this.checkpoint();
    else if (items.length > 0 && this.wal && force) await this.checkpoint();
  }

  /** Bytes of all chunks in memory. */
  private measureMemory(): number {
    let n = 0;
    for (const inst of this.tenants.values()) for (const stream of inst.streams.values()) n += stream.memoryBytes;
    return n;
  }

  /**
   * Brings the chunks in memory back under 3/4 of memory_flush_threshold. First the largest
   * uncompressed head blocks are cut (compressed in place, ~4x smaller, no I/O); if that is not
   * enough, the chunks of the streams holding the most compressed data are closed, for the
   * sweep to flush: few, large chunks rather than many small ones.
   */
  private closeLargest(nowMs: number): void {
    const threshold = this.cfg.memory_flush_threshold;
    let total = this.measureMemory();
    this.memoryBytes = total;
    if (!(threshold > 0) || total <= threshold) return;
    const target = threshold * 0.75;
    const streams: Stream[] = [];
    for (const inst of this.tenants.values()) for (const stream of inst.streams.values()) streams.push(stream);

    const heads = streams.filter((st) => st.head.headBytes >= MIN_CUT_HEAD_BYTES);
    heads.sort((a, b) => b.head.headBytes - a.head.headBytes);
    for (const st of heads) {
      if (total <= target) break;
      const before = st.memoryBytes;
      st.head.cutHead();
      total += st.memoryBytes - before;
    }
    if (total <= target) {
      this.memoryBytes = total;
      return;
    }
    const cands = streams.map((stream) => ({ stream, bytes: stream.unflushedBytes }));
    cands.sort((a, b) => b.bytes - a.bytes);
    for (const c of cands) {
      if (total <= target || c.bytes === 0) break;
      c.stream.closeHead('memory', nowMs);
      total -= c.bytes;
    }
  }

  private dropRetained(nowMs: number): void {
    for (const inst of this.tenants.values()) {
      for (const stream of [...inst.streams.values()]) {
        if (stream.dropFlushed(nowMs, this.cfg.chunk_retain_period)) {
          inst.remove(stream);
          this.metrics.ingesterStreamsRemoved.inc({ tenant: inst.tenant });
          this.metrics.ingesterMemoryStreams.set({ tenant: inst.tenant }, inst.size);
        }
      }
    }
  }

  /** Writes all unflushed in-memory data to a WAL checkpoint so older segments can be deleted. */
  checkpoint(): Promise<void> {
    if (this.checkpointing) return this.checkpointing;
    const wal = this.wal;
    if (!wal) return Promise.resolve();
    const t0 = performance.now();
    this.metrics.checkpointCreations.inc();
    const p = wal
      .checkpoint(async (emit) => {
        for (const inst of [...this.tenants.values()]) {
          for (const stream of [...inst.streams.values()]) {
            // Every live stream gets its series record, even one whose data is all flushed: later
            // segments may hold entries for it, and replay needs the id to place them.
            await emit({ type: 'series', tenant: inst.tenant, streamId: stream.id, labels: stream.labels });
            const chunks = stream.unflushedChunks();
            for (const chunk of chunks) {
              for (const batch of chunk.batches(chunk.minTs, chunk.maxTs + 1n)) {
                // The batch's columns go to the frame as they are (encoded before emit returns).
                const entries: EntryColumns = {
                  count: batch.count,
                  ts: batch.ts,
                  buf: batch.lines,
                  lineStart: batch.lineStart.subarray(0, batch.count),
                  lineEnd: batch.lineStart.subarray(1, batch.count + 1),
                  metadata: batch.metadata,
                };
                const lines = { buf: batch.lines, start: batch.lineStart[0], end: batch.lineStart[batch.count] };
                await emit({ type: 'columns', tenant: inst.tenant, streamId: stream.id, entries, lines });
              }
            }
          }
        }
      })
      .then(
        () => this.metrics.checkpointDuration.observe((performance.now() - t0) / 1000),
        (err: unknown) => {
          this.metrics.checkpointCreationFailures.inc();
          this.log.error('WAL checkpoint failed', { err: errorMessage(err) });
        },
      )
      .finally(() => {
        this.checkpointing = undefined;
      });
    this.checkpointing = p;
    return p;
  }

  private applyReplayed(rec: WalRecord, byWalId: Map<number, Stream>): void {
    if (rec.type === 'series') {
      if (rec.streamId >= this.nextStreamId) this.nextStreamId = rec.streamId + 1;
      const inst = this.tenantStreams(rec.tenant);
      const key = labelsToString(rec.labels);
      let stream = inst.get(key);
      if (!stream) {
        stream = inst.create(rec.streamId, rec.labels, key, this.streamSettings(this.limits(rec.tenant)));
        this.metrics.ingesterStreamsCreated.inc({ tenant: rec.tenant });
        this.metrics.ingesterMemoryStreams.set({ tenant: rec.tenant }, inst.size);
      }
      byWalId.set(rec.streamId, stream);
      return;
    }
    let stream = byWalId.get(rec.streamId);
    if (stream && this.tenants.get(rec.tenant)?.get(stream.key) !== stream) {
      // Flushed and dropped by a memory flush during replay: the stream lives on under its id.
      const inst = this.tenantStreams(rec.tenant);
      stream = inst.get(stream.key) ?? inst.create(stream.id, stream.labels, stream.key, this.streamSettings(this.limits(rec.tenant)));
      byWalId.set(rec.streamId, stream);
    }
    if (!stream) {
      this.metrics.walCorruptionsTotal.inc({ type: 'missing_series' });
      this.log.warn('WAL entries for an unknown stream skipped', { stream_id: rec.streamId, entries: rec.entries.length });
      return;
    }
    for (const e of rec.entries) stream.append(e);
  }

  private tenantStreams(tenant: string): TenantStreams {
    let inst = this.tenants.get(tenant);
    if (!inst) this.tenants.set(tenant, (inst = new TenantStreams(tenant)));
    return inst;
  }

  private streamSettings(limits: LimitsConfig): StreamSettings {
    return {
      encoding: this.cfg.chunk_encoding,
      blockSize: this.cfg.chunk_block_size,
      targetSize: this.cfg.chunk_target_size,
      maxChunkAgeMs: this.cfg.max_chunk_age,
      unorderedWrites: limits.unordered_writes,
      perStreamRateLimit: limits.per_stream_rate_limit,
      perStreamRateBurst: limits.per_stream_rate_limit_burst,
    };
  }

  /** Single binary: one ingester, so the local limit is the global one (replication factor 1). */
  private maxStreams(limits: LimitsConfig): number {
    const local = limits.max_streams_per_user;
    const global = limits.max_global_streams_per_user;
    if (local > 0 && global > 0) return Math.min(local, global);
    return Math.max(local, global);
  }

  private discard(reason: string, tenant: string, lines: number, bytes: number): void {
    this.metrics.discardedSamples.inc({ reason, tenant }, lines);
    this.metrics.discardedBytes.inc({ reason, tenant }, bytes);
  }
}

async function settle(result: IngesterPushResult, durable: Promise<void> | undefined, backpressure: Promise<void> | undefined): Promise<IngesterPushResult> {
  if (durable !== undefined) await durable;
  if (backpressure !== undefined) await backpressure;
  return result;
}

function formatStreamErrors(tenant: string, key: string, failed: readonly FailedEntry[], total: number): string {
  let buf = '';
  for (const f of failed.slice(0, MAX_RETURNED_ERRORS)) {
    buf += `entry with timestamp ${goTimeString(f.ts)} ignored, reason: '${f.message}',\n`;
  }
  return buf + `user '${tenant}', total ignored: ${failed.length} out of ${total} for stream: ${key}`;
}

function replayStatsFields(stats: object): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(stats)) if (typeof v === 'number' || typeof v === 'string') out[k] = v;
  return out;
}
