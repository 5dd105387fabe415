/** The config Loki v3.4.5 ran the conformance corpus with, verbatim but for paths and ports. */
export function lokiConformanceConfig(dataDir: string): string {
  return `auth_enabled: false

server:
  http_listen_port: 0
  grpc_listen_port: 9121
  http_listen_address: 127.0.0.1
  grpc_listen_address: 127.0.0.1
  log_level: warn
  http_server_read_timeout: 120s
  http_server_write_timeout: 120s
  grpc_server_max_recv_msg_size: 104857600
  grpc_server_max_send_msg_size: 104857600

common:
  instance_addr: 127.0.0.1
  path_prefix: ${dataDir}
  storage:
    filesystem:
      chunks_directory: ${dataDir}/chunks
      rules_directory: ${dataDir}/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory

schema_config:
  configs:
    - from: 2020-10-24
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h

analytics:
  reporting_enabled: false

ingester:
  chunk_idle_period: 24h
  max_chunk_age: 24h
  chunk_retain_period: 24h
  query_store_max_look_back_period: -1ns

querier:
  query_ingesters_within: 0
  max_concurrent: 2

query_range:
  cache_results: false
  cache_index_stats_results: false
  cache_volume_results: false
  cache_instant_metric_results: false
  cache_series_results: false
  cache_label_results: false
  parallelise_shardable_queries: false

frontend:
  encoding: json

pattern_ingester:
  enabled: false

limits_config:
  reject_old_samples: false
  allow_structured_metadata: true
  discover_service_name: []
  discover_log_levels: false
  max_query_series: 10000
  max_entries_limit_per_query: 10000
  max_query_lookback: 0s
  max_query_length: 0s
  split_queries_by_interval: 0s
  split_metadata_queries_by_interval: 0s
  query_timeout: 2m
  ingestion_rate_mb: 256
  ingestion_burst_size_mb: 512
  per_stream_rate_limit: 256MB
  per_stream_rate_limit_burst: 512MB
  max_line_size: 0
  volume_enabled: true
  shard_streams:
    enabled: false
`;
}

