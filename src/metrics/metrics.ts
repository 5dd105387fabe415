import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WalMetrics } from '../ingester/wal/index.js';

/** A counter whose value mirrors a number kept elsewhere, read at scrape time. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number | undefined): Counter {
  let last = 0;
  return new Counter({
    name, help, registers: [registry],
    collect() {
      const v = read();
      if (v !== undefined && v > last) { this.inc(v - last); last = v; }
    },
  });
}

/**
 * All metrics of one Skald process, under Loki's names where the meaning is the same so that
 * existing Loki dashboards and alerts work unchanged. One registry per process (tests may run
 * several servers in one process).
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'loki_request_duration_seconds',
    help: 'Time (in seconds) spent serving HTTP requests.',
    labelNames: ['method', 'route', 'status_code', 'ws'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100],
    registers: [this.registry],
  });
  readonly inflightRequests = new Gauge({
    name: 'loki_inflight_requests',
    help: 'Current number of inflight requests.',
    labelNames: ['method', 'route'],
    registers: [this.registry],
  });
  readonly distributorBytesReceived = new Counter({
    name: 'loki_distributor_bytes_received_total',
    help: 'The total number of uncompressed bytes received per tenant. Includes structured metadata bytes.',
    labelNames: ['tenant', 'retention_hours', 'aggregated_metric'],
    registers: [this.registry],
  });
  readonly distributorStructuredMetadataBytesReceived = new Counter({
    name: 'loki_distributor_structured_metadata_bytes_received_total',
    help: 'The total number of structured metadata bytes received per tenant.',
    labelNames: ['tenant', 'retention_hours', 'aggregated_metric'],
    registers: [this.registry],
  });
  readonly distributorLinesReceived = new Counter({
    name: 'loki_distributor_lines_received_total',
    help: 'The total number of lines received per tenant.',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  readonly discardedSamples = new Counter({
    name: 'loki_discarded_samples_total',
    help: 'The total number of samples that were discarded.',
    labelNames: ['reason', 'tenant'],
    registers: [this.registry],
  });
  readonly discardedBytes = new Counter({
    name: 'loki_discarded_bytes_total',
    help: 'The total number of bytes that were discarded.',
    labelNames: ['reason', 'tenant'],
    registers: [this.registry],
  });
  readonly ingesterStreamsCreated = new Counter({
    name: 'loki_ingester_streams_created_total',
    help: 'The total number of streams created per tenant.',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  readonly ingesterStreamsRemoved = new Counter({
    name: 'loki_ingester_streams_removed_total',
    help: 'The total number of streams removed per tenant.',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  readonly ingesterMemoryStreams = new Gauge({
    name: 'loki_ingester_memory_streams',
    help: 'The total number of streams in memory per tenant.',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  readonly ingesterMemoryChunks = new Gauge({
    name: 'loki_ingester_memory_chunks',
    help: 'The total number of chunks in memory.',
    registers: [this.registry],
  });
  readonly ingesterChunksCreated = new Counter({
    name: 'loki_ingester_chunks_created_total',
    help: 'The total number of chunks created in the ingester.',
    registers: [this.registry],
  });
  readonly ingesterChunksFlushed = new Counter({
    name: 'loki_ingester_chunks_flushed_total',
    help: 'Total flushed chunks per reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly ingesterChunksFlushFailures = new Counter({
    name: 'loki_ingester_chunks_flush_failures_total',
    help: 'Total number of flush failures.',
    registers: [this.registry],
  });
  readonly ingesterFlushQueueLength = new Gauge({
    name: 'loki_ingester_flush_queue_length',
    help: 'The total number of series pending in the flush queue.',
    registers: [this.registry],
  });
  readonly ingesterChunkEntries = new Histogram({
    name: 'loki_ingester_chunk_entries',
    help: 'Distribution of stored lines per chunk (when stored).',
    buckets: [200, 800, 3200, 12800, 51200, 204800],
    registers: [this.registry],
  });
  readonly ingesterChunkSizeBytes = new Histogram({
    name: 'loki_ingester_chunk_size_bytes',
    help: 'Distribution of stored chunk sizes (when stored).',
    buckets: [20000, 80000, 320000, 1280000, 5120000],
    registers: [this.registry],
  });
  readonly ingesterChunkStoredBytes = new Counter({
    name: 'loki_ingester_chunk_stored_bytes_total',
    help: 'Total bytes stored in chunks per tenant.',
    labelNames: ['tenant'],
    registers: [this.registry],
  });
  readonly ingesterChunkUtilization = new Histogram({
    name: 'loki_ingester_chunk_utilization',
    help: 'Distribution of stored chunk utilization (when stored).',
    buckets: [0.1, 0.25, 0.5, 0.75, 1],
    registers: [this.registry],
  });
  /** The WAL's live counters, set by the ingester once the WAL is open. */
  walSource: (() => WalMetrics | undefined) | undefined;
  private readonly wal = (): WalMetrics | undefined => this.walSource?.();
  readonly walRecordsLogged = mirroredCounter(this.registry, 'loki_ingester_wal_records_logged_total', 'Total number of WAL records logged.', () => this.wal()?.recordsLogged);
  readonly walLoggedBytes = mirroredCounter(this.registry, 'loki_ingester_wal_logged_bytes_total', 'Total bytes written to WAL.', () => this.wal()?.bytesLogged);
  readonly walDiskFullFailures = mirroredCounter(this.registry, 'loki_ingester_wal_disk_full_failures_total', 'Total number of disk full failures.', () => this.wal()?.diskFullFailures);
  readonly walFsyncs = mirroredCounter(this.registry, 'skald_ingester_wal_fsyncs_total', 'Total fsyncs of WAL segments (one per group commit).', () => this.wal()?.fsyncs);
  readonly walWrites = mirroredCounter(this.registry, 'skald_ingester_wal_group_commits_total', 'Total WAL writes; each carries every push queued while the previous one ran.', () => this.wal()?.writes);
  readonly walBytesInUse = new Gauge({
    name: 'loki_ingester_wal_bytes_in_use', help: 'Total number of bytes in use by the WAL recorder.', registers: [this.registry],
    collect: () => { const m = this.wal(); if (m) this.walBytesInUse.set(m.bytesInUse); },
  });
  readonly walReplayActive = new Gauge({
    name: 'loki_ingester_wal_replay_active',
    help: 'Whether the WAL is replaying.',
    registers: [this.registry],
  });
  readonly walReplayDuration = new Gauge({
    name: 'loki_ingester_wal_replay_duration_seconds',
    help: 'Time taken to replay the checkpoint and the WAL.',
    registers: [this.registry],
  });
  readonly walCorruptionsTotal = new Counter({
    name: 'loki_ingester_wal_corruptions_total',
    help: 'Total number of WAL corruptions encountered.',
    labelNames: ['type'],
    registers: [this.registry],
  });
  readonly checkpointDuration = new Histogram({
    name: 'loki_ingester_checkpoint_duration_seconds',
    help: 'Time taken to create a checkpoint.',
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly checkpointCreations = new Counter({
    name: 'loki_ingester_checkpoint_creations_total',
    help: 'Total number of checkpoint creations attempted.',
    registers: [this.registry],
  });
  readonly checkpointCreationFailures = new Counter({
    name: 'loki_ingester_checkpoint_creations_failed_total',
    help: 'Total number of checkpoint creations that failed.',
    registers: [this.registry],
  });
  readonly buildInfo = new Gauge({
    name: 'loki_build_info',
    help: 'A metric with a constant 1 value labeled by version, revision, branch, goversion from which loki was built, and the goos and goarch for the build.',
    labelNames: ['version', 'revision', 'branch', 'goversion', 'goos', 'goarch', 'tags'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
