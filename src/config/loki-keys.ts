/**
 * Every YAML key of Loki's configuration (the reference in Loki's docs, 3.2 to 3.7, which
 * brackets 3.4), so that Loki config files load: keys Skald implements are in schema.ts;
 * the rest are accepted with a warning; anything else is an unknown key.
 *
 * Format: `#block` starts a block; its lines hold space-separated keys:
 *   key          a value (scalar or list)
 *   key:         a mapping whose keys follow, indented
 *   key@block    a mapping with the keys of `block`
 *   key[]@block  a list of such mappings
 *   key{}@block  a mapping of user-defined keys (tenants) to such mappings
 *   @block       the keys of `block` inline
 *   key*         free-form content (user-defined keys, third-party blocks): not checked
 */
export const LOKI_KEYS = `
#root
  target auth_enabled ballast_bytes shutdown_delay metrics_namespace tenant_limits_allow_publish profiling_enabled
  server@server distributor@distributor querier@querier query_scheduler@query_scheduler frontend@frontend
  query_range@query_range ruler@ruler ingester_client@ingester_client ingester_rf1_client@ingester_client
  ingester@ingester pattern_ingester@pattern_ingester index_gateway@index_gateway bloom_build@bloom_build
  bloom_gateway@bloom_gateway storage_config@storage_config chunk_store_config@chunk_store_config
  schema_config@schema_config compactor@compactor compactor_grpc_client@grpc_client limits_config@limits_config
  frontend_worker@frontend_worker table_manager@table_manager memberlist@memberlist kafka_config@kafka_config
  runtime_config@runtime_config operational_config@operational_config tracing@tracing analytics@analytics
  profiling@profiling common@common
  ui* query_engine* querier_rf1* ingester_rf1* ruler_storage* metastore* metastore_client* kafka_ingester* dataobj*
  dataobj_explorer* block_builder* block_scheduler* rate_service* rate_service_client* ingest_limits*
  ingest_limits_frontend* ingest_limits_frontend_client*

#server
  http_listen_network http_listen_address http_listen_port http_listen_conn_limit grpc_listen_network
  grpc_listen_address grpc_listen_port grpc_listen_conn_limit grpc_collect_max_streams_by_conn proxy_protocol_enabled
  tls_cipher_suites tls_min_version http_tls_config@server_tls grpc_tls_config@server_tls register_instrumentation
  report_grpc_codes_in_instrumentation_label_enabled graceful_shutdown_timeout http_server_read_timeout
  http_server_read_header_timeout http_server_write_timeout http_server_idle_timeout
  http_log_closed_connections_without_response_enabled grpc_server_max_recv_msg_size grpc_server_max_send_msg_size
  grpc_server_max_concurrent_streams grpc_server_max_connection_idle grpc_server_max_connection_age
  grpc_server_max_connection_age_grace grpc_server_keepalive_time grpc_server_keepalive_timeout
  grpc_server_min_time_between_pings grpc_server_ping_without_stream_allowed grpc_server_num_workers
  grpc_server_stats_tracking_enabled grpc_server_recv_buffer_pools_enabled grpc_server_read_buffer_size
  grpc_server_write_buffer_size log_format log_level log_source_ips_enabled log_source_ips_full
  log_source_ips_header log_source_ips_regex log_request_headers log_request_at_info_level_enabled
  log_request_exclude_headers_list trace_request_headers trace_request_exclude_headers_list http_path_prefix
  create_new_traces
  cluster_validation:
    label additional_labels
    grpc:
      enabled soft_validation
    http:
      enabled soft_validation excluded_paths excluded_user_agents

#server_tls
  cert key client_ca cert_file key_file client_auth_type client_ca_file

#tls
  tls_cert_path tls_key_path tls_ca_path tls_server_name tls_insecure_skip_verify tls_cipher_suites tls_min_version

#backoff
  min_period max_period max_retries

#grpc_client
  max_recv_msg_size max_send_msg_size grpc_compression rate_limit rate_limit_burst backoff_on_ratelimits
  backoff_config@backoff initial_stream_window_size initial_connection_window_size tls_enabled @tls connect_timeout
  connect_backoff_base_delay connect_backoff_max_delay
  cluster_validation:
    label

#consul
  host acl_token http_client_timeout consistent_reads watch_rate_limit watch_burst_size cas_retry_delay

#etcd
  endpoints dial_timeout max_retries tls_enabled @tls username password

#kvstore
  store prefix consul@consul etcd@etcd
  multi:
    primary secondary mirror_enabled mirror_timeout

#ring
  kvstore@kvstore heartbeat_period heartbeat_timeout tokens_file_path zone_awareness_enabled num_tokens
  replication_factor instance_id instance_interface_names instance_port instance_addr instance_availability_zone
  instance_enable_ipv6

#lifecycler
  num_tokens heartbeat_period heartbeat_timeout observe_period join_after min_ready_duration interface_names
  enable_inet6 final_sleep tokens_file_path availability_zone unregister_on_shutdown readiness_check_ring_health
  address port id
  ring:
    kvstore@kvstore heartbeat_timeout replication_factor zone_awareness_enabled excluded_zones

#partition_ring
  kvstore@kvstore min_partition_owners_count min_partition_owners_duration delete_inactive_partition_after
  shuffle_shard_cache_size

#cache
  default_validity
  background:
    writeback_goroutines writeback_buffer writeback_size_limit
  memcached:
    expiration batch_size parallelism
  memcached_client:
    host service addresses timeout max_idle_conns max_item_size update_interval consistent_hash
    circuit_breaker_consecutive_failures circuit_breaker_timeout circuit_breaker_interval tls_enabled @tls
  redis:
    endpoint master_name timeout expiration db pool_size username password tls_enabled tls_insecure_skip_verify
    idle_timeout max_connection_age route_randomly
  embedded_cache:
    enabled max_size_mb max_size_items ttl

#results_cache
  cache@cache compression

#distributor
  ring@ring push_worker_count max_recv_msg_size max_decompressed_size default_policy_stream_mappings*
  kafka_writes_enabled ingester_writes_enabled ingest_limits_enabled ingest_limits_dry_run_enabled
  inmemory_dataobj_push_timeout tenant_topic*
  rate_store:
    max_request_parallelism stream_rate_update_interval ingester_request_timeout debug
  write_failures_logging:
    rate add_insights_label
  otlp_config:
    default_resource_attributes_as_index_labels
  dataobj_tee:
    enabled topic max_buffered_bytes per_partition_rate_bytes debug_metrics_enabled rate_batch_window

#querier
  tail_max_duration extra_query_delay query_ingesters_within max_concurrent query_store_only query_ingester_only
  multi_tenant_queries_enabled per_request_limits_enabled query_partition_ingesters
  engine:
    max_look_back_period max_count_min_sketch_heap_size timeout

#query_scheduler
  max_outstanding_requests_per_tenant max_queue_hierarchy_levels querier_forget_delay
  grpc_client_config@grpc_client use_scheduler_ring scheduler_ring@ring

#frontend
  log_queries_longer_than log_query_request_headers max_body_size query_stats_enabled max_outstanding_per_tenant
  querier_forget_delay scheduler_address scheduler_dns_lookup_period scheduler_worker_concurrency
  grpc_client_config@grpc_client graceful_shutdown_timeout instance_interface_names instance_enable_ipv6
  instance_addr instance_port encoding compress_responses downstream_url tail_proxy_url tail_tls_config@tls
  support_parquet_encoding

#query_range
  align_queries_with_step results_cache@results_cache cache_results max_retries parallelise_shardable_queries
  shard_aggregations cache_index_stats_results index_stats_results_cache@results_cache cache_volume_results
  volume_results_cache@results_cache cache_instant_metric_results instant_metric_results_cache@results_cache
  instant_metric_query_split_align cache_series_results series_results_cache@results_cache cache_label_results
  label_results_cache@results_cache

#ruler
  external_url datasource_uid external_labels* ruler_client@grpc_client evaluation_interval poll_interval rule_path
  alertmanager_url enable_alertmanager_discovery alertmanager_refresh_interval enable_alertmanager_v2
  alert_relabel_configs* notification_queue_capacity notification_timeout for_outage_tolerance for_grace_period
  resend_delay enable_sharding sharding_strategy sharding_algo search_pending_for ring@ring flush_period enable_api
  enabled_tenants disabled_tenants query_stats_enabled disable_rule_group_label
  storage:
    type azure@azure alibabacloud@alibabacloud gcs@gcs s3@s3 bos@bos swift@swift cos@cos
    local:
      directory
  alertmanager_client:
    @tls basic_auth_username basic_auth_password type credentials credentials_file
  wal:
    dir truncate_frequency min_age max_age
  wal_cleaner:
    min_age period
  remote_write:
    client* clients* enabled config_refresh_period add_org_id_header
  evaluation:
    mode max_jitter
    query_frontend:
      address @grpc_client

#ingester_client
  remote_timeout grpc_client_config@grpc_client
  pool_config:
    client_cleanup_period health_check_ingesters remote_timeout

#ingester
  lifecycler@lifecycler concurrent_flushes flush_check_period flush_op_backoff@backoff flush_op_timeout
  chunk_retain_period chunk_idle_period chunk_block_size chunk_target_size chunk_encoding max_chunk_age
  autoforget_unhealthy sync_period sync_min_utilization max_returned_stream_errors query_store_max_look_back_period
  index_shards max_dropped_streams shutdown_marker_path owned_streams_check_interval delegate_stream_limits_enabled
  wal:
    enabled dir checkpoint_duration flush_on_shutdown replay_memory_ceiling disk_full_threshold
  kafka_ingestion:
    enabled partition_ring@partition_ring

#pattern_push
  enabled sample_period downsample_period loki_address timeout push_period http_client_config* use_tls
  backoff_config@backoff batch_size
  basic_auth:
    username password

#pattern_ingester
  enabled lifecycler@lifecycler concurrent_flushes flush_check_period max_clusters max_eviction_ratio
  connection_timeout max_allowed_line_length retain_for max_chunk_age pattern_sample_interval volume_threshold
  metric_aggregation@pattern_push pattern_persistence@pattern_push
  client_config:
    remote_timeout grpc_client_config@grpc_client
    pool_config:
      client_cleanup_period health_check_ingesters remote_timeout
  tee_config:
    batch_size batch_flush_interval flush_queue_size flush_worker_count stop_flush_timeout

#index_gateway
  mode ring@ring

#bloom_build
  enabled
  planner:
    planning_interval min_table_offset max_table_offset max_queued_tasks_per_tenant
    retention:
      enabled
    queue:
      max_queued_tasks_per_tenant store_tasks_on_disk tasks_disk_directory clean_tasks_directory
  builder:
    grpc_config@grpc_client planner_address backoff_config@backoff

#bloom_gateway
  enabled worker_concurrency block_query_concurrency max_outstanding_per_tenant num_multiplex_tasks
  client:
    grpc_client_config@grpc_client results_cache@results_cache cache_results addresses
    pool_config:
      check_interval enable_health_check health_check_timeout

#s3
  dynamodb* s3 s3forcepathstyle bucketnames endpoint region access_key_id secret_access_key session_token insecure
  chunk_delimiter signature_version storage_class backoff_config@backoff disable_dualstack
  http_config:
    timeout idle_conn_timeout response_header_timeout insecure_skip_verify ca_file
  sse:
    type kms_key_id kms_encryption_context

#azure
  environment account_name account_key connection_string container_name active_directory_endpoint endpoint_suffix
  use_managed_identity use_federated_token user_assigned_id use_service_principal client_id client_secret tenant_id
  chunk_delimiter download_buffer_size upload_buffer_size upload_buffer_count request_timeout max_retries
  min_retry_delay max_retry_delay

#gcs
  bucket_name endpoint service_account chunk_buffer_size request_timeout enable_opencensus enable_http2
  enable_retries

#alibabacloud
  bucket endpoint access_key_id secret_access_key conn_timeout_sec read_write_timeout_sec

#bos
  bucket_name endpoint access_key_id secret_access_key

#swift
  auth_version auth_url internal username user_domain_name user_domain_id user_id password domain_id domain_name
  project_id project_name project_domain_id project_domain_name region_name container_name max_retries
  connect_timeout request_timeout
  http:
    tls_ca_path

#cos
  forcepathstyle bucketnames endpoint region access_key_id secret_access_key backoff_config@backoff api_key
  service_instance_id auth_endpoint cr_token_file_path trusted_profile_name trusted_profile_id
  http_config:
    idle_conn_timeout response_header_timeout

#hedging
  at up_to max_per_second

#congestion
  enabled
  controller:
    strategy
    aimd:
      start upper_bound backoff_factor
  retry:
    strategy limit
  hedging:
    strategy config@hedging

#thanos
  s3* gcs* azure* swift* filesystem* alibaba* bos* storage_prefix

#shipper
  active_index_directory cache_location cache_ttl resync_interval query_ready_num_days ingestername mode
  ingesterdbretainperiod build_per_tenant_index
  index_gateway_client:
    grpc_client_config@grpc_client server_address log_gateway_requests time_based_sharding_buckets

#storage_config
  alibabacloud@alibabacloud aws@s3 azure@azure bos@bos gcs@gcs swift@swift cos@cos cassandra* bigtable*
  hedging@hedging congestion_control@congestion index_cache_validity object_prefix index_queries_cache_config@cache
  disable_broad_index_queries max_parallel_get_chunk use_thanos_objstore max_chunk_batch_size
  boltdb_shipper@shipper tsdb_shipper@shipper
  boltdb:
    directory
  filesystem:
    directory
  grpc_store:
    server_address
  named_stores:
    aws* azure* bos* filesystem* gcs* alibabacloud* swift* cos*
  object_store:
    @thanos named_stores*
  bloom_shipper:
    working_directory max_query_page_size download_parallelism metas_cache@cache
    blocks_cache:
      soft_limit hard_limit ttl
    metas_lru_cache:
      enabled max_size_mb max_size_items ttl

#chunk_store_config
  chunk_cache_config@cache chunk_cache_config_l2@cache write_dedupe_cache_config@cache
  skip_query_writeback_cache_older_than l2_chunk_cache_handoff cache_lookups_older_than

#schema_config
  configs[]@period

#period
  from store object_store schema row_shards
  index:
    path_prefix prefix period tags*
  chunks:
    prefix period tags*

#compactor
  working_directory compaction_interval apply_retention_interval retention_enabled retention_delete_delay
  retention_delete_worker_count retention_table_timeout retention_backoff_config@backoff delete_request_store
  delete_request_store_key_prefix delete_request_store_db_type backup_delete_request_store_db_type
  delete_batch_size delete_request_cancel_period delete_max_interval max_compaction_parallelism upload_parallelism
  compactor_ring@ring tables_to_compact skip_latest_n_tables horizontal_scaling_mode worker_config* jobs_config*
  deletion_marker_object_store_prefix

#limits_config
  ingestion_rate_strategy ingestion_rate_mb ingestion_burst_size_mb max_label_name_length max_label_value_length
  max_label_names_per_series reject_old_samples reject_old_samples_max_age creation_grace_period max_line_size
  max_line_size_truncate max_line_size_truncate_identifier increment_duplicate_timestamp simulated_push_latency
  enable_multi_variant_queries discover_generic_fields* discover_service_name discover_log_levels log_level_fields
  log_level_from_json_max_depth use_owned_stream_count max_streams_per_user max_global_streams_per_user
  unordered_writes per_stream_rate_limit per_stream_rate_limit_burst max_chunks_per_query max_query_series
  max_query_lookback max_query_length max_query_range max_query_parallelism tsdb_max_query_parallelism
  tsdb_max_bytes_per_shard tsdb_sharding_strategy tsdb_precompute_chunks cardinality_limit
  max_streams_matchers_per_query max_concurrent_tail_requests max_entries_limit_per_query
  max_cache_freshness_per_query max_metadata_cache_freshness max_stats_cache_freshness max_queriers_per_tenant
  max_query_capacity query_ready_index_num_days query_timeout split_queries_by_interval
  split_metadata_queries_by_interval split_recent_metadata_queries_by_interval recent_metadata_query_window
  split_instant_metric_queries_by_interval engine_results_cache_time_bucket_interval
  split_ingester_queries_by_interval min_sharding_lookback max_query_bytes_read max_querier_bytes_read
  volume_enabled volume_max_series ruler_max_rules_per_rule_group ruler_max_rule_groups_per_tenant
  ruler_tenant_shard_size ruler_enable_wal_replay ruler_remote_write_disabled ruler_remote_write_url
  ruler_remote_write_timeout ruler_remote_write_headers* ruler_remote_write_relabel_configs*
  ruler_remote_write_queue_capacity ruler_remote_write_queue_min_shards ruler_remote_write_queue_max_shards
  ruler_remote_write_queue_max_samples_per_send ruler_remote_write_queue_batch_send_deadline
  ruler_remote_write_queue_min_backoff ruler_remote_write_queue_max_backoff
  ruler_remote_write_queue_retry_on_ratelimit ruler_remote_write_sigv4_config* ruler_remote_write_config*
  ruler_remote_evaluation_timeout ruler_remote_evaluation_max_response_size deletion_mode retention_period
  retention_stream* per_tenant_override_config per_tenant_override_period allow_deletes blocked_queries*
  required_labels minimum_labels_number index_gateway_shard_size index_gateway_max_capacity
  bloom_gateway_shard_size bloom_gateway_enable_filtering bloom_gateway_cache_key_interval bloom_build_max_builders
  bloom_build_task_max_retries bloom_build_builder_response_timeout bloom_creation_enabled bloom_planning_strategy
  bloom_split_series_keyspace_by bloom_task_target_series_chunk_size bloom_ngram_length bloom_ngram_skip
  bloom_false_positive_rate bloom_block_encoding bloom_prefetch_blocks bloom_max_block_size bloom_max_bloom_size
  allow_structured_metadata max_structured_metadata_size max_structured_metadata_entries_count otlp_config*
  block_ingestion_policy_until* block_ingestion_until block_ingestion_status_code enforced_labels
  policy_enforced_labels* policy_stream_mapping* ingestion_partitions_tenant_shard_size shard_aggregations
  pattern_ingester_tokenizable_json_fields_default pattern_ingester_tokenizable_json_fields_append
  pattern_ingester_tokenizable_json_fields_delete metric_aggregation_enabled pattern_persistence_enabled
  pattern_persistence_granularity pattern_rate_threshold s3_sse_type s3_sse_kms_key_id
  s3_sse_kms_encryption_context max_scan_task_parallelism debug_engine_tasks debug_engine_streams
  shard_streams:
    enabled time_sharding_enabled time_sharding_ignore_recent logging_enabled desired_rate

#frontend_worker
  frontend_address scheduler_address dns_lookup_duration id query_frontend_grpc_client@grpc_client
  grpc_client_config@grpc_client query_scheduler_grpc_client@grpc_client

#table_manager
  throughput_updates_disabled retention_deletes_enabled retention_period poll_interval creation_grace_period
  index_tables_provisioning* chunk_tables_provisioning*

#memberlist
  node_name randomize_node_name stream_timeout retransmit_factor pull_push_interval gossip_interval gossip_nodes
  gossip_to_dead_nodes_time dead_node_reclaim_time compression_enabled notify_interval advertise_addr
  advertise_port cluster_label cluster_label_verification_disabled join_members min_join_backoff max_join_backoff
  max_join_retries abort_if_cluster_fast_join_fails abort_if_cluster_fast_join_fails_min_nodes
  abort_if_cluster_join_fails rejoin_interval rejoin_seed_nodes left_ingesters_timeout obsolete_entries_timeout
  leave_timeout broadcast_timeout_for_local_updates_on_shutdown message_history_buffer_bytes
  watch_prefix_buffer_size bind_addr bind_port packet_dial_timeout packet_write_timeout max_concurrent_writes
  acquire_writer_timeout tls_enabled @tls
  zone_aware_routing:
    enabled instance_availability_zone role
  propagation_delay_tracker:
    enabled beacon_interval beacon_lifetime log_beacons_latency_longer_than

#kafka_config
  address topic client_id dial_timeout write_timeout sasl_username sasl_password consumer_group
  consumer_group_offset_commit_interval last_produced_offset_retry_timeout auto_create_topic_enabled
  auto_create_topic_default_partitions producer_max_record_size_bytes producer_max_buffered_bytes
  max_consumer_lag_at_startup max_consumer_workers enable_kafka_histograms tracing_enabled
  reader_config:
    address client_id
  writer_config:
    address client_id

#runtime_config
  period file

#operational_config
  log_stream_creation log_push_request log_hash_of_labels log_push_request_streams
  filter_push_request_streams_ips log_service_name_discovery log_duplicate_metrics log_duplicate_stream_info
  limited_log_push_errors

#tracing
  enabled profiling_enabled

#analytics
  reporting_enabled usage_stats_url proxy_url tls_config@tls

#profiling
  block_profile_rate cpu_profile_rate mutex_profile_fraction

#common
  path_prefix persist_tokens replication_factor ring@ring instance_interface_names instance_addr
  compactor_address compactor_grpc_address scratch_path
  storage:
    s3@s3 gcs@gcs azure@azure alibabacloud@alibabacloud bos@bos swift@swift cos@cos hedging@hedging
    congestion_control@congestion object_store@thanos
    filesystem:
      chunks_directory rules_directory

#runtime_file
  overrides{}@limits_config configs* multi_kv_config*
`;
