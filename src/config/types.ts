/**
 * The parts of Loki's configuration that Skald implements, after defaults are applied.
 * Field names follow Loki's YAML keys (snake_case) so the config file maps one to one.
 * Durations are milliseconds (number); byte sizes are bytes (number).
 */

export type ChunkEncoding = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export type FsyncPolicy = 'always' | 'interval' | 'never';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Loki's (Go crypto/tls) client certificate policies; '' = NoClientCert. */
export type ClientAuthType = '' | 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

export interface HttpTlsConfig {
  cert_file: string;
  key_file: string;
  client_auth_type: ClientAuthType;
  client_ca_file: string;
}

export interface ServerConfig {
  http_listen_address: string;
  http_listen_port: number;
  grpc_listen_address: string;
  grpc_listen_port: number;
  log_level: LogLevel;
  log_format: 'logfmt' | 'json';
  http_server_read_timeout: number;
  http_server_write_timeout: number;
  http_server_idle_timeout: number;
  /** Graceful shutdown: how long to wait for in-flight requests. */
  graceful_shutdown_timeout: number;
  /** Skald: max bytes of a request body as sent (compressed). Loki uses gRPC's 100 MiB. */
  http_server_max_request_body_size: number;
  /** HTTPS when cert_file and key_file are set. */
  http_tls_config: HttpTlsConfig;
}

export interface FilesystemStorageConfig {
  chunks_directory: string;
  rules_directory: string;
}

export interface CommonConfig {
  path_prefix: string;
  replication_factor: number;
  instance_addr: string;
  storage: { filesystem: FilesystemStorageConfig | null };
  ring: { kvstore: { store: string } };
}

export interface PeriodConfig {
  /** YYYY-MM-DD, UTC. */
  from: string;
  store: string;
  object_store: string;
  schema: string;
  index: { prefix: string; period: number };
}

export interface StorageConfig {
  filesystem: { directory: string };
  tsdb_shipper: { active_index_directory: string; cache_location: string };
}

export interface WalConfig {
  enabled: boolean;
  dir: string;
  checkpoint_duration: number;
  flush_on_shutdown: boolean;
  replay_memory_ceiling: number;
  /** Skald: when an acknowledged push is fsynced. always = before the 2xx (default). */
  fsync: FsyncPolicy;
  /** Skald: fsync period when fsync is `interval`. */
  fsync_interval: number;
  /** Skald: segment file size before rolling to the next. */
  segment_size: number;
}

export interface IngesterConfig {
  chunk_idle_period: number;
  chunk_block_size: number;
  chunk_target_size: number;
  chunk_encoding: ChunkEncoding;
  chunk_retain_period: number;
  /** Skald: bytes of in-memory chunks that trigger flushing the largest; 0 = off. */
  memory_flush_threshold: number;
  max_chunk_age: number;
  flush_check_period: number;
  flush_op_timeout: number;
  concurrent_flushes: number;
  query_store_max_look_back_period: number;
  wal: WalConfig;
}

export interface ShardStreamsConfig {
  enabled: boolean;
  desired_rate: number;
}

export interface LimitsConfig {
  ingestion_rate_strategy: 'global' | 'local';
  ingestion_rate_mb: number;
  ingestion_burst_size_mb: number;
  max_label_name_length: number;
  max_label_value_length: number;
  max_label_names_per_series: number;
  reject_old_samples: boolean;
  reject_old_samples_max_age: number;
  creation_grace_period: number;
  max_line_size: number;
  max_line_size_truncate: boolean;
  increment_duplicate_timestamp: boolean;
  discover_service_name: string[];
  discover_log_levels: boolean;
  log_level_fields: string[];
  allow_structured_metadata: boolean;
  max_structured_metadata_size: number;
  max_structured_metadata_entries_count: number;
  max_streams_per_user: number;
  max_global_streams_per_user: number;
  unordered_writes: boolean;
  per_stream_rate_limit: number;
  per_stream_rate_limit_burst: number;
  shard_streams: ShardStreamsConfig;
  max_entries_limit_per_query: number;
  max_query_series: number;
  max_query_length: number;
  max_query_lookback: number;
  max_query_range: number;
  query_timeout: number;
  max_streams_matchers_per_query: number;
  max_concurrent_tail_requests: number;
  max_query_bytes_read: number;
  max_querier_bytes_read: number;
  split_queries_by_interval: number;
  split_metadata_queries_by_interval: number;
  volume_enabled: boolean;
  volume_max_series: number;
  retention_period: number;
  deletion_mode: string;
  /** Skald: limits of reads answer a partial result with a warning instead of an error. */
  skald_partial_results: boolean;
  /** Skald: fraction of the main thread the tenant may take while others are active; 0 = no cap. */
  skald_cpu_share: number;
}

export interface RuntimeConfigConfig {
  file: string;
  period: number;
}

export interface QuerierConfig {
  query_ingesters_within: number;
  max_concurrent: number;
  multi_tenant_queries_enabled: boolean;
  tail_max_duration: number;
  /** Worker threads for line-filter scans (capped at the core count); 0 (default) = none. */
  scan_workers: number;
}

export interface FrontendConfig {
  /** Queries of one tenant waiting for a slot before more get 429. */
  max_outstanding_per_tenant: number;
}

/** What a credential may do with its tenants. */
export type AuthAccess = 'read-write' | 'read' | 'write';

export interface AuthUserConfig {
  username: string;
  /** `scrypt:N:r:p:<salt>:<hash>` (base64url), see docs/limits.md. */
  password_hash: string;
  tenants: string[];
  access: AuthAccess;
  admin: boolean;
}

export interface AuthTokenConfig {
  /** Names the token in logs and errors. */
  name: string;
  token_hash: string;
  tenants: string[];
  access: AuthAccess;
  admin: boolean;
}

/** Skald: built-in authentication; null = off (tenant from X-Scope-OrgID, as in Loki). */
export interface AuthConfig {
  users: AuthUserConfig[];
  tokens: AuthTokenConfig[];
  realm: string;
  /** Paths served without credentials. */
  public_paths: string[];
}

export interface SkaldConfig {
  target: string;
  auth_enabled: boolean;
  server: ServerConfig;
  common: CommonConfig;
  schema_config: { configs: PeriodConfig[] };
  storage_config: StorageConfig;
  ingester: IngesterConfig;
  limits_config: LimitsConfig;
  runtime_config: RuntimeConfigConfig;
  querier: QuerierConfig;
  frontend: FrontendConfig;
  auth: AuthConfig | null;
}
