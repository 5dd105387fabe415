/**
 * Every key Skald implements: type, Loki 3.4 default, command-line flag, description.
 * Defaults, flags, validation, `/config` output and docs/configuration.md all come from here.
 */
import { group, leaf, list, nullableGroup, type Schema } from './spec.js';
import type {
  AuthConfig, AuthTokenConfig, AuthUserConfig, ChunkEncoding, ClientAuthType, CommonConfig, FrontendConfig, FsyncPolicy, HttpTlsConfig,
  IngesterConfig, LimitsConfig, LogLevel, PeriodConfig, QuerierConfig, RuntimeConfigConfig, ServerConfig, SkaldConfig, StorageConfig, WalConfig,
} from './types.js';
import { T } from './values.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

const go = T.duration('go');
const prom = T.duration('prom');

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const CHUNK_ENCODINGS: readonly ChunkEncoding[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** Loki encodings Skald maps onto its own codecs. */
export const CHUNK_ENCODING_ALIASES: Readonly<Record<string, ChunkEncoding>> = {
  'lz4-64k': 'lz4', 'lz4-256k': 'lz4', 'lz4-1M': 'lz4', flate: 'gzip',
};
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'interval', 'never'];
export const KV_STORES = ['consul', 'etcd', 'inmemory', 'memberlist', 'multi'] as const;
export const CLIENT_AUTH_TYPES: readonly ClientAuthType[] = [
  '', 'NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert',
];
export const AUTH_ACCESS = ['read-write', 'read', 'write'] as const;

const httpTls: Schema<HttpTlsConfig> = {
  cert_file: leaf(T.string, '', 'Server certificate (PEM); with key_file set, the HTTP server speaks HTTPS only.', { flag: 'server.http-tls-cert-path' }),
  key_file: leaf(T.string, '', 'Private key of cert_file (PEM).', { flag: 'server.http-tls-key-path' }),
  client_auth_type: leaf(T.enumOf(CLIENT_AUTH_TYPES, { RequireClientCert: 'RequireAnyClientCert' }), '', 'Client certificate policy (Go crypto/tls names); empty = NoClientCert. See docs/limits.md.', {
    flag: 'server.http-tls-client-auth',
  }),
  client_ca_file: leaf(T.string, '', 'CA certificates (PEM) that verify client certificates; needs a client_auth_type.', { flag: 'server.http-tls-ca-path' }),
};

const server: Schema<ServerConfig> = {
  http_listen_address: leaf(T.string, '', 'HTTP server listen address; empty listens on all interfaces.', { flag: 'server.http-listen-address' }),
  http_listen_port: leaf(T.int({ min: 0, max: 65535 }), 3100, 'HTTP server listen port.', { flag: 'server.http-listen-port' }),
  grpc_listen_address: leaf(T.string, '', 'gRPC server listen address.', { flag: 'server.grpc-listen-address' }),
  grpc_listen_port: leaf(T.int({ min: 0, max: 65535 }), 9095, 'gRPC server listen port.', { flag: 'server.grpc-listen-port' }),
  log_level: leaf(T.enumOf(LOG_LEVELS), 'info', 'Only log messages with this severity or above.', { flag: 'log.level' }),
  log_format: leaf(T.enumOf(['logfmt', 'json']), 'logfmt', 'Log output format.', { flag: 'log.format' }),
  http_server_read_timeout: leaf(go, 30 * SEC, 'Read timeout for an entire HTTP request, headers and body.', { flag: 'server.http-read-timeout' }),
  http_server_write_timeout: leaf(go, 30 * SEC, 'Write timeout for HTTP responses.', { flag: 'server.http-write-timeout' }),
  http_server_idle_timeout: leaf(go, 2 * MIN, 'Idle timeout for keep-alive HTTP connections.', { flag: 'server.http-idle-timeout' }),
  graceful_shutdown_timeout: leaf(go, 30 * SEC, 'How long to wait for in-flight requests on shutdown.', { flag: 'server.graceful-shutdown-timeout' }),
  http_server_max_request_body_size: leaf(T.bytes, 100 * MiB, 'Largest request body accepted as sent (compressed); larger requests get 413.', {
    flag: 'server.http-max-request-body-size', skald: true,
  }),
  http_tls_config: group(httpTls),
};

const common: Schema<CommonConfig> = {
  path_prefix: leaf(T.string, './data', 'Directory under which WAL, chunks and index live unless set one by one.', {
    flag: 'common.path-prefix', skaldDefault: 'Loki has no default and needs storage configured; Skald keeps everything under ./data.',
  }),
  replication_factor: leaf(T.int({ min: 1 }), 3, 'How many ingesters receive each stream; writes need a quorum (RF/2+1).'),
  instance_addr: leaf(T.string, '', 'Address this instance advertises to the ring.'),
  storage: group<CommonConfig['storage']>({
    filesystem: nullableGroup({
      chunks_directory: leaf(T.string, '', 'Directory for chunk objects.', { flag: 'common.storage.filesystem.chunk-directory' }),
      rules_directory: leaf(T.string, '', 'Directory for rule files.', { flag: 'common.storage.filesystem.rules-directory' }),
    }),
  }),
  ring: group({
    kvstore: group({
      store: leaf(T.enumOf(KV_STORES), 'inmemory', 'Key-value store holding the ring.', {
        flag: 'common.storage.ring.store', skaldDefault: "Loki defaults to consul; Skald's single binary needs no external store.",
      }),
    }),
  }),
};

const period: Schema<PeriodConfig> = {
  from: leaf(T.date, '', 'First day (UTC, YYYY-MM-DD) this period applies to.'),
  store: leaf(T.string, '', 'Index type (Loki: tsdb, boltdb-shipper). Skald keeps its own index and accepts any value.'),
  object_store: leaf(T.string, '', 'Object store for chunks (filesystem, s3, aws, ...).'),
  schema: leaf(T.string, '', 'Schema version (Loki recommends v13).'),
  index: group({
    prefix: leaf(T.string, '', 'Prefix of the index table names.'),
    period: leaf(go, DAY, 'Index period; must be 24h.'),
  }),
};

const DEFAULT_PERIOD: PeriodConfig = {
  from: '2020-10-24', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: DAY },
};

const storage: Schema<StorageConfig> = {
  filesystem: group({
    directory: leaf(T.string, '', 'Directory for chunks; defaults to common.storage.filesystem.chunks_directory, else <path_prefix>/chunks.', {
      flag: 'local.chunk-directory',
    }),
  }),
  tsdb_shipper: group({
    active_index_directory: leaf(T.string, '', 'Directory for index files being written; defaults to <path_prefix>/tsdb-shipper-active.', {
      flag: 'tsdb.shipper.active-index-directory',
    }),
    cache_location: leaf(T.string, '', 'Directory for downloaded index files; defaults to <path_prefix>/tsdb-shipper-cache.', {
      flag: 'tsdb.shipper.cache-location',
    }),
  }),
};

const wal: Schema<WalConfig> = {
  enabled: leaf(T.bool, true, 'Write pushed entries to the write-ahead log before acknowledging.', { flag: 'ingester.wal-enabled' }),
  dir: leaf(T.string, 'wal', 'WAL directory; `wal` becomes <path_prefix>/wal.', { flag: 'ingester.wal-dir' }),
  checkpoint_duration: leaf(go, 5 * MIN, 'Interval between WAL checkpoints.', { flag: 'ingester.checkpoint-duration' }),
  flush_on_shutdown: leaf(T.bool, false, 'Flush all chunks to storage on shutdown.', { flag: 'ingester.flush-on-shutdown' }),
  replay_memory_ceiling: leaf(T.bytes, 4 * GiB, 'Memory used by WAL replay before chunks are flushed to storage.', { flag: 'ingester.wal-replay-memory-ceiling' }),
  fsync: leaf(T.enumOf(FSYNC_POLICIES), 'always', 'When WAL writes reach the disk: always = before the push is acknowledged; interval = every fsync_interval; never = left to the OS.', {
    flag: 'ingester.wal-fsync', skald: true,
  }),
  fsync_interval: leaf(go, 100, 'fsync period when fsync is `interval`.', { flag: 'ingester.wal-fsync-interval', skald: true }),
  segment_size: leaf(T.bytes, 128 * MiB, 'WAL segment file size before rolling to the next.', { flag: 'ingester.wal-segment-size', skald: true }),
};

const ingester: Schema<IngesterConfig> = {
  chunk_idle_period: leaf(go, 30 * MIN, 'Flush a chunk that received nothing for this long.', { flag: 'ingester.chunks-idle-period' }),
  chunk_block_size: leaf(T.int({ min: 1 }), 256 * KiB, 'Uncompressed size at which the head block is cut and compressed.', { flag: 'ingester.chunks-block-size' }),
  chunk_target_size: leaf(T.int({ min: 0 }), 1536 * KiB, 'Compressed size at which a chunk is closed; 0 = fixed 10 blocks.', { flag: 'ingester.chunk-target-size' }),
  chunk_encoding: leaf(T.enumOf(CHUNK_ENCODINGS, CHUNK_ENCODING_ALIASES), 'zstd', 'Chunk compression; Skald defaults to zstd (Loki: gzip): as small as gzip, several times faster to write and read (docs/performance.md). Loki names lz4-64k/lz4-256k/lz4-1M map to lz4, flate to gzip.', {
    flag: 'ingester.chunk-encoding',
  }),
  chunk_retain_period: leaf(go, 0, 'How long flushed chunks stay in memory.', { flag: 'ingester.chunks-retain-period' }),
  memory_flush_threshold: leaf(T.bytes, 64 * MiB, 'When the chunks in memory (compressed blocks plus uncompressed head blocks, all streams) pass this, the largest are closed and flushed until the total is back under 3/4 of it; pushes wait while it is over twice this. 0 = off (docs/performance.md).', {
    flag: 'ingester.memory-flush-threshold', skald: true,
  }),
  max_chunk_age: leaf(go, 2 * HOUR, 'Maximum time span of a chunk; also sets the out-of-order window (half of it).', { flag: 'ingester.max-chunk-age' }),
  flush_check_period: leaf(go, 30 * SEC, 'How often to look for chunks to flush.', { flag: 'ingester.flush-check-period' }),
  flush_op_timeout: leaf(go, 10 * MIN, 'Timeout of one flush.', { flag: 'ingester.flush-op-timeout' }),
  concurrent_flushes: leaf(T.int({ min: 1 }), 32, 'Flushes run in parallel.', { flag: 'ingester.concurrent-flushes' }),
  query_store_max_look_back_period: leaf(T.duration('go', { allowNegative: true }), 0, 'How far back the ingester queries the store; -1ns = forever.', {
    flag: 'ingester.query-store-max-look-back-period',
  }),
  wal: group(wal),
};

const limits: Schema<LimitsConfig> = {
  ingestion_rate_strategy: leaf(T.enumOf(['global', 'local']), 'global', 'global: the rate is shared by all distributors; local: per distributor.', {
    flag: 'distributor.ingestion-rate-limit-strategy',
  }),
  ingestion_rate_mb: leaf(T.float({ min: 0 }), 4, 'Per-tenant ingestion rate, MiB per second.', { flag: 'distributor.ingestion-rate-limit-mb' }),
  ingestion_burst_size_mb: leaf(T.float({ min: 0 }), 6, 'Per-tenant ingestion burst, MiB.', { flag: 'distributor.ingestion-burst-size-mb' }),
  max_label_name_length: leaf(T.int({ min: 0 }), 1024, 'Longest label name accepted.', { flag: 'validation.max-length-label-name' }),
  max_label_value_length: leaf(T.int({ min: 0 }), 2048, 'Longest label value accepted.', { flag: 'validation.max-length-label-value' }),
  max_label_names_per_series: leaf(T.int({ min: 0 }), 15, 'Most labels a stream may have.', { flag: 'validation.max-label-names-per-series' }),
  reject_old_samples: leaf(T.bool, true, 'Reject entries older than reject_old_samples_max_age.', { flag: 'validation.reject-old-samples' }),
  reject_old_samples_max_age: leaf(prom, 7 * DAY, 'Oldest accepted entry age.', { flag: 'validation.reject-old-samples.max-age' }),
  creation_grace_period: leaf(prom, 10 * MIN, 'How far in the future an entry may be.', { flag: 'validation.create-grace-period' }),
  max_line_size: leaf(T.bytes, 256 * KiB, 'Longest line accepted; 0 = unlimited.', { flag: 'distributor.max-line-size' }),
  max_line_size_truncate: leaf(T.bool, false, 'Truncate longer lines instead of rejecting them.', { flag: 'distributor.max-line-size-truncate' }),
  increment_duplicate_timestamp: leaf(T.bool, false, 'Add 1ns to an entry with the same timestamp as the previous one of its stream.', {
    flag: 'validation.increment-duplicate-timestamps',
  }),
  discover_service_name: leaf(T.strings, [
    'service', 'app', 'application', 'app_name', 'name', 'app_kubernetes_io_name', 'container', 'container_name',
    'k8s_container_name', 'component', 'workload', 'job', 'k8s_job_name',
  ], 'Labels tried, in order, to set service_name; empty disables it.', { flag: 'validation.discover-service-name' }),
  discover_log_levels: leaf(T.bool, true, 'Add detected_level structured metadata.', { flag: 'validation.discover-log-levels' }),
  log_level_fields: leaf(T.strings, ['level', 'LEVEL', 'Level', 'Severity', 'severity', 'SEVERITY', 'lvl', 'LVL', 'Lvl'],
    'Fields holding the log level.', { flag: 'validation.log-level-fields' }),
  allow_structured_metadata: leaf(T.bool, true, 'Accept structured metadata.', { flag: 'validation.allow-structured-metadata' }),
  max_structured_metadata_size: leaf(T.bytes, 64 * KiB, 'Largest structured metadata per entry.', { flag: 'limits.max-structured-metadata-size' }),
  max_structured_metadata_entries_count: leaf(T.int({ min: 0 }), 128, 'Most structured metadata pairs per entry.', {
    flag: 'limits.max-structured-metadata-entries-count',
  }),
  max_streams_per_user: leaf(T.int({ min: 0 }), 0, 'Active streams per tenant per ingester; 0 = off.', { flag: 'ingester.max-streams-per-user' }),
  max_global_streams_per_user: leaf(T.int({ min: 0 }), 5000, 'Active streams per tenant in the cluster; 0 = off.', { flag: 'ingester.max-global-streams-per-user' }),
  unordered_writes: leaf(T.bool, true, 'Accept out-of-order entries within max_chunk_age/2.', { flag: 'ingester.unordered-writes' }),
  per_stream_rate_limit: leaf(T.bytes, 3 * MiB, 'Bytes per second per stream.', { flag: 'ingester.per-stream-rate-limit' }),
  per_stream_rate_limit_burst: leaf(T.bytes, 15 * MiB, 'Burst bytes per stream.', { flag: 'ingester.per-stream-rate-limit-burst' }),
  shard_streams: group({
    enabled: leaf(T.bool, true, 'Split streams above desired_rate into shards.', { flag: 'shard-streams.enabled' }),
    desired_rate: leaf(T.bytes, 1536 * KiB, 'Rate above which a stream is sharded.', { flag: 'shard-streams.desired-rate' }),
  }),
  max_entries_limit_per_query: leaf(T.int({ min: 0 }), 5000, 'Largest `limit` of a log query.', { flag: 'validation.max-entries-limit' }),
  max_query_series: leaf(T.int({ min: 0 }), 500, 'Most series a metric query may return.', { flag: 'querier.max-query-series' }),
  max_query_length: leaf(prom, 721 * HOUR, 'Longest query time range; 0 = unlimited.', { flag: 'store.max-query-length' }),
  max_query_lookback: leaf(prom, 0, 'How far back queries may look; 0 = unlimited.', { flag: 'querier.max-query-lookback' }),
  max_query_range: leaf(prom, 0, 'Longest [range] in a query; 0 = unlimited.', { flag: 'querier.max-query-range' }),
  query_timeout: leaf(prom, MIN, 'Query deadline.', { flag: 'querier.query-timeout' }),
  max_streams_matchers_per_query: leaf(T.int({ min: 0 }), 1000, 'Most stream matchers per query.', { flag: 'querier.max-streams-matcher-per-query' }),
  max_concurrent_tail_requests: leaf(T.int({ min: 0 }), 10, 'Most concurrent tail requests per tenant.', { flag: 'querier.max-concurrent-tail-requests' }),
  max_query_bytes_read: leaf(T.bytes, 0, 'Most bytes a query may read; 0 = unlimited.', { flag: 'frontend.max-query-bytes-read' }),
  max_querier_bytes_read: leaf(T.bytes, 150 * GiB, 'Most bytes one split/shard may read; 0 = unlimited.', { flag: 'frontend.max-querier-bytes-read' }),
  split_queries_by_interval: leaf(prom, HOUR, 'Split queries into intervals of this length; 0 = no splitting.', { flag: 'querier.split-queries-by-interval' }),
  split_metadata_queries_by_interval: leaf(prom, DAY, 'Split metadata queries into intervals of this length.', {
    flag: 'querier.split-metadata-queries-by-interval',
  }),
  volume_enabled: leaf(T.bool, true, 'Serve the volume endpoints.', { flag: 'limits.volume-enabled' }),
  volume_max_series: leaf(T.int({ min: 0 }), 1000, 'Most series in a volume response.', { flag: 'limits.volume-max-series' }),
  retention_period: leaf(prom, 0, 'Retention when the compactor applies it; 0 = forever.', { flag: 'store.retention' }),
  deletion_mode: leaf(T.enumOf(['disabled', 'filter-only', 'filter-and-delete']), 'filter-and-delete', 'Log deletion API mode.', {
    flag: 'compactor.deletion-mode',
  }),
  skald_partial_results: leaf(T.bool, false, 'A query over max_entries_limit_per_query, max_query_series or max_query_bytes_read answers what it has plus a `warnings` entry instead of failing; a request opts in with `X-Skald-Partial-Results: true` (docs/limits.md).', {
    flag: 'querier.partial-results', skald: true,
  }),
  skald_cpu_share: leaf(T.float({ min: 0 }), 0, 'Most of the main thread (a fraction) this tenant\'s pushes and queries take while other tenants are active, leaving headroom for their requests; 0 or 1 = no cap (docs/limits.md).', {
    flag: 'server.tenant-cpu-share', skald: true,
  }),
};

const runtimeConfig: Schema<RuntimeConfigConfig> = {
  file: leaf(T.string, '', 'Comma-separated runtime config files (per-tenant `overrides`), merged left to right.', { flag: 'runtime-config.file' }),
  period: leaf(go, 10 * SEC, 'How often runtime config files are reloaded.', { flag: 'runtime-config.reload-period' }),
};

const querier: Schema<QuerierConfig> = {
  query_ingesters_within: leaf(go, 3 * HOUR, 'Only ask ingesters for data newer than this; 0 = always.', { flag: 'querier.query-ingesters-within' }),
  max_concurrent: leaf(T.int({ min: 1 }), 4, 'Queries (query, query_range) one tenant runs at once; more wait in the tenant\'s queue (docs/limits.md).', { flag: 'querier.max-concurrent' }),
  multi_tenant_queries_enabled: leaf(T.bool, false, 'Allow `a|b` tenant lists in X-Scope-OrgID.', { flag: 'querier.multi-tenant-queries-enabled' }),
  tail_max_duration: leaf(go, HOUR, 'Longest live tail.', { flag: 'querier.tail-max-duration' }),
  scan_workers: leaf(T.int({ min: 0 }), 2, 'Worker threads that decompress the blocks of large queries, search them for the literals of the line filters and run the pipeline of the query over them, at most one per core (none on a single core); 0 = everything on the main thread. Uses idle cores to shorten big scans, at the price of a little more CPU time.', {
    flag: 'querier.scan-workers', skald: true,
  }),
};

const frontend: Schema<FrontendConfig> = {
  max_outstanding_per_tenant: leaf(T.int({ min: 1 }), 2048, 'Queries of one tenant waiting for a slot; more get 429 `too many outstanding requests`.', {
    flag: 'querier.max-outstanding-requests-per-tenant',
  }),
};

const credentialFields: Schema<Pick<AuthUserConfig, 'tenants' | 'access' | 'admin'>> = {
  tenants: leaf(T.strings, [], 'Tenants this credential may use; X-Scope-OrgID can only narrow them.', { skald: true }),
  access: leaf(T.enumOf(AUTH_ACCESS), 'read-write', 'read: queries only; write: pushes only.', { skald: true }),
  admin: leaf(T.bool, false, 'May call /flush, /log_level and /config.', { skald: true }),
};

const authUser: Schema<AuthUserConfig> = {
  username: leaf(T.string, '', 'Basic auth user name.', { skald: true }),
  password_hash: leaf(T.string, '', 'scrypt hash of the password, `scrypt:N:r:p:<salt>:<hash>` (docs/limits.md).', { skald: true }),
  ...credentialFields,
};

const authToken: Schema<AuthTokenConfig> = {
  name: leaf(T.string, '', 'Name of the token in logs and errors.', { skald: true }),
  token_hash: leaf(T.string, '', 'scrypt hash of the bearer token, same format as password_hash.', { skald: true }),
  ...credentialFields,
};

const auth: Schema<AuthConfig> = {
  users: list(authUser, [], 'Basic auth users.', undefined, { skald: true }),
  tokens: list(authToken, [], 'Bearer tokens.', undefined, { skald: true }),
  realm: leaf(T.string, 'skald', 'Realm of the WWW-Authenticate challenge.', { skald: true }),
  public_paths: leaf(T.strings, ['/ready'], 'Paths answered without credentials.', { skald: true }),
};

export const SCHEMA: Schema<SkaldConfig> = {
  target: leaf(T.targets, 'all', 'Comma-separated components to run: all, read, write, backend, distributor, ingester, querier, query-frontend, compactor, ruler.', {
    flag: 'target',
  }),
  auth_enabled: leaf(T.bool, true, 'Require X-Scope-OrgID; when false every request is tenant `fake`.', {
    flag: 'auth.enabled', skaldDefault: 'false when Skald starts without a config file.',
  }),
  server: group(server),
  common: group(common),
  schema_config: group<SkaldConfig['schema_config']>({
    configs: list(period, [DEFAULT_PERIOD], 'Index periods, oldest first.', 'Loki requires one; Skald defaults to a single tsdb/v13 period.'),
  }),
  storage_config: group(storage),
  ingester: group(ingester),
  limits_config: group(limits),
  runtime_config: group(runtimeConfig),
  querier: group(querier),
  frontend: group(frontend),
  auth: nullableGroup(auth),
};

export const LIMITS_SCHEMA = limits;
