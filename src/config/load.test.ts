import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, FlagError } from './errors.js';
import { loadConfig, type LoadedConfig } from './load.js';

/** The Loki config the conformance corpus was recorded with (<DATA_DIR> replaced). */
const CONFORMANCE_CONFIG = `auth_enabled: false

server:
  http_listen_port: 3121
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
  path_prefix: /var/lib/skald-conformance
  storage:
    filesystem:
      chunks_directory: /var/lib/skald-conformance/chunks
      rules_directory: /var/lib/skald-conformance/rules
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

/** The benchmark baseline config (DATA_DIR, HTTP_PORT, GRPC_PORT replaced). */
const BENCH_CONFIG = `# Loki 3.4.x single-binary config used for the baseline in research/perf-anchors.md.
# Replace DATA_DIR, HTTP_PORT and GRPC_PORT (e.g. with sed) before use:
#   sed -e "s#DATA_DIR#$PWD/loki-data#g" -e s/HTTP_PORT/3100/ -e s/GRPC_PORT/9095/ \\
#       loki-config.example.yaml > loki.yaml
auth_enabled: false

server:
  http_listen_address: 127.0.0.1
  http_listen_port: 3100
  grpc_listen_address: 127.0.0.1
  grpc_listen_port: 9095
  log_level: warn
  grpc_server_max_recv_msg_size: 104857600
  grpc_server_max_send_msg_size: 104857600

common:
  instance_addr: 127.0.0.1
  path_prefix: /srv/loki-data
  storage:
    filesystem:
      chunks_directory: /srv/loki-data/chunks
      rules_directory: /srv/loki-data/rules
  replication_factor: 1
  ring:
    kvstore:
      store: inmemory

ingester:
  wal:
    dir: /srv/loki-data/wal          # WAL stays on (Loki's default)

schema_config:
  configs:
    - from: 2020-10-24
      store: tsdb
      object_store: filesystem
      schema: v13
      index:
        prefix: index_
        period: 24h

query_range:
  # results caches off so repeated benchmark queries are not answered from cache
  # (the embedded 100 MB chunk cache that Loki auto-enables is left as is)
  cache_results: false
  cache_index_stats_results: false
  cache_volume_results: false
  cache_series_results: false
  cache_label_results: false
  cache_instant_metric_results: false

limits_config:
  ingestion_rate_mb: 1024
  ingestion_burst_size_mb: 2048
  per_stream_rate_limit: 512MB
  per_stream_rate_limit_burst: 1GB
  max_global_streams_per_user: 0
  max_streams_per_user: 0
  reject_old_samples: false
  max_query_series: 1000000
  max_entries_limit_per_query: 1000000
  discover_service_name: []
  discover_log_levels: false

analytics:
  reporting_enabled: false
`;

const HOUR = 3_600_000;
let dir = '';

before(async () => { dir = await mkdtemp(join(tmpdir(), 'skald-config-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function load(yaml: string, flags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<LoadedConfig> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  return loadConfig([`-config.file=${file}`, ...flags], env, { cwd: dir });
}

async function rejects(yaml: string, pattern: RegExp, flags: string[] = []): Promise<ConfigError> {
  let caught: unknown;
  try { await load(yaml, flags); } catch (e) { caught = e; }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  return caught;
}

describe('loadConfig with Loki configs', () => {
  it('loads the conformance config unchanged', async () => {
    const { config: c, warnings } = await load(CONFORMANCE_CONFIG);
    assert.equal(c.auth_enabled, false);
    assert.equal(c.server.http_listen_port, 3121);
    assert.equal(c.server.http_listen_address, '127.0.0.1');
    assert.equal(c.server.log_level, 'warn');
    assert.equal(c.server.http_server_read_timeout, 120_000);
    assert.equal(c.common.replication_factor, 1);
    assert.equal(c.common.instance_addr, '127.0.0.1');
    assert.equal(c.common.ring.kvstore.store, 'inmemory');
    assert.equal(c.ingester.chunk_idle_period, 24 * HOUR);
    assert.equal(c.ingester.max_chunk_age, 24 * HOUR);
    assert.equal(c.ingester.chunk_retain_period, 24 * HOUR);
    assert.ok(c.ingester.query_store_max_look_back_period < 0);
    assert.equal(c.querier.query_ingesters_within, 0);
    assert.equal(c.querier.max_concurrent, 2);
    const l = c.limits_config;
    assert.deepEqual(l.discover_service_name, []);
    assert.equal(l.discover_log_levels, false);
    assert.equal(l.reject_old_samples, false);
    assert.equal(l.max_line_size, 0);
    assert.equal(l.max_entries_limit_per_query, 10_000);
    assert.equal(l.max_query_series, 10_000);
    assert.equal(l.max_query_length, 0);
    assert.equal(l.split_queries_by_interval, 0);
    assert.equal(l.query_timeout, 2 * 60_000);
    assert.equal(l.ingestion_rate_mb, 256);
    assert.equal(l.per_stream_rate_limit, 256 * 1024 ** 2);
    assert.equal(l.per_stream_rate_limit_burst, 512 * 1024 ** 2);
    assert.equal(l.shard_streams.enabled, false);
    assert.equal(l.shard_streams.desired_rate, 1536 * 1024);
    assert.equal(c.storage_config.filesystem.directory, '/var/lib/skald-conformance/chunks');
    assert.equal(c.ingester.wal.dir, '/var/lib/skald-conformance/wal');
    assert.deepEqual(c.schema_config.configs, [
      { from: '2020-10-24', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: 24 * HOUR } },
    ]);
    assert.deepEqual(warnings, [
      'config keys accepted but not implemented: server.grpc_server_max_recv_msg_size, server.grpc_server_max_send_msg_size, '
      + 'analytics.reporting_enabled, query_range.cache_results, query_range.cache_index_stats_results, '
      + 'query_range.cache_volume_results, query_range.cache_instant_metric_results, query_range.cache_series_results, '
      + 'query_range.cache_label_results, query_range.parallelise_shardable_queries, frontend.encoding, pattern_ingester.enabled',
    ]);
  });

  it('loads the benchmark config unchanged', async () => {
    const { config: c, warnings } = await load(BENCH_CONFIG);
    assert.equal(c.server.http_listen_port, 3100);
    assert.equal(c.ingester.wal.dir, '/srv/loki-data/wal');
    assert.equal(c.ingester.wal.enabled, true);
    assert.equal(c.limits_config.per_stream_rate_limit, 512 * 1024 ** 2);
    assert.equal(c.limits_config.per_stream_rate_limit_burst, 1024 ** 3);
    assert.equal(c.limits_config.max_global_streams_per_user, 0);
    assert.equal(c.limits_config.max_entries_limit_per_query, 1_000_000);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^config keys accepted but not implemented: server\.grpc_server_max_recv_msg_size, /);
  });
});

describe('loadConfig defaults', () => {
  it('uses Loki defaults plus a path prefix when a file is given', async () => {
    const { config: c, warnings } = await load('');
    assert.equal(c.auth_enabled, true);
    assert.equal(c.target, 'all');
    assert.equal(c.server.http_listen_port, 3100);
    assert.equal(c.server.grpc_listen_port, 9095);
    assert.equal(c.ingester.chunk_encoding, 'zstd');
    assert.equal(c.ingester.chunk_idle_period, 30 * 60_000);
    assert.equal(c.limits_config.max_line_size, 262_144);
    assert.equal(c.limits_config.max_query_length, 721 * HOUR);
    assert.equal(c.limits_config.reject_old_samples_max_age, 7 * 24 * HOUR);
    assert.equal(c.common.path_prefix, './data');
    assert.equal(c.ingester.wal.dir, './data/wal');
    assert.equal(c.storage_config.filesystem.directory, './data/chunks');
    assert.equal(c.storage_config.tsdb_shipper.active_index_directory, './data/tsdb-shipper-active');
    assert.equal(c.storage_config.tsdb_shipper.cache_location, './data/tsdb-shipper-cache');
    assert.deepEqual(c.common.storage.filesystem, { chunks_directory: './data/chunks', rules_directory: './data/rules' });
    assert.equal(c.schema_config.configs[0].schema, 'v13');
    assert.deepEqual(warnings, []);
  });

  it('starts without auth when there is no config file', async () => {
    const empty = await mkdtemp(join(dir, 'empty-'));
    const r = await loadConfig([], {}, { cwd: empty });
    assert.equal(r.configFile, undefined);
    assert.equal(r.config.auth_enabled, false);
    assert.equal(r.config.server.http_listen_port, 3100);
  });

  it('finds config.yaml or config/config.yaml when -config.file is not given', async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    await mkdir(join(cwd, 'config'));
    await writeFile(join(cwd, 'config', 'config.yaml'), 'server:\n  http_listen_port: 4000\n');
    const r = await loadConfig([], {}, { cwd });
    assert.equal(r.configFile, 'config/config.yaml');
    assert.equal(r.config.server.http_listen_port, 4000);
    assert.equal(r.config.auth_enabled, true);
  });

  it('uses the built-in defaults for an empty -config.file', async () => {
    const r = await loadConfig(['-config.file='], {}, { cwd: dir });
    assert.equal(r.configFile, undefined);
    assert.equal(r.config.auth_enabled, false);
  });

  it('takes the first existing file of a -config.file list', async () => {
    const cwd = await mkdtemp(join(dir, 'list-'));
    await writeFile(join(cwd, 'b.yaml'), 'target: write\n');
    const r = await loadConfig(['-config.file=a.yaml,b.yaml'], {}, { cwd });
    assert.equal(r.configFile, 'b.yaml');
    assert.equal(r.config.target, 'write');
    await assert.rejects(loadConfig(['-config.file=a.yaml,c.yaml'], {}, { cwd }), /config file not found: a\.yaml, c\.yaml/);
  });

  it('derives directories from path_prefix unless set explicitly', async () => {
    const { config: c } = await load([
      'common:', '  path_prefix: /x/', 'ingester:', '  wal:', '    dir: /wal', 'storage_config:', '  tsdb_shipper:', '    cache_location: /cache',
    ].join('\n'));
    assert.equal(c.ingester.wal.dir, '/wal');
    assert.equal(c.storage_config.filesystem.directory, '/x/chunks');
    assert.equal(c.storage_config.tsdb_shipper.active_index_directory, '/x/tsdb-shipper-active');
    assert.equal(c.storage_config.tsdb_shipper.cache_location, '/cache');
  });

  it('takes the chunk directory from common.storage.filesystem', async () => {
    const { config: c } = await load('common:\n  storage:\n    filesystem:\n      chunks_directory: /c\n');
    assert.equal(c.storage_config.filesystem.directory, '/c');
    assert.deepEqual(c.common.storage.filesystem, { chunks_directory: '/c', rules_directory: './data/rules' });
  });
});

describe('loadConfig precedence', () => {
  it('applies defaults < file < flags', async () => {
    const yaml = 'server:\n  http_listen_port: 3121\n  log_level: warn\nlimits_config:\n  max_query_series: 7\n';
    const { config: c } = await load(yaml, ['-server.http-listen-port=4100', '-querier.max-query-series', '9', '-auth.enabled=false']);
    assert.equal(c.server.http_listen_port, 4100);
    assert.equal(c.server.log_level, 'warn');
    assert.equal(c.limits_config.max_query_series, 9);
    assert.equal(c.auth_enabled, false);
  });

  it('creates an absent optional block when a flag sets one of its keys', async () => {
    const { config: c } = await load('', ['-common.storage.filesystem.rules-directory=/r']);
    assert.equal(c.common.storage.filesystem?.rules_directory, '/r');
    assert.equal(c.common.storage.filesystem?.chunks_directory, './data/chunks');
  });

  it('expands environment variables only with -config.expand-env', async () => {
    const yaml = 'server:\n  http_listen_port: ${PORT:-3999}\n  http_listen_address: "${ADDR}"\n';
    const plain = await rejects(yaml, /invalid value for "server\.http_listen_port" \(line 2\): expected an integer/);
    assert.ok(plain);
    const { config: c } = await load(yaml, ['-config.expand-env'], { PORT: '3123' });
    assert.equal(c.server.http_listen_port, 3123);
    assert.equal(c.server.http_listen_address, '');
    const d = await load(yaml, ['-config.expand-env=true'], {});
    assert.equal(d.config.server.http_listen_port, 3999);
  });

  it('returns the process flags', async () => {
    const { flags } = await load('', ['-verify-config', '-print-config-stderr']);
    assert.equal(flags.verifyConfig, true);
    assert.equal(flags.printConfigStderr, true);
    assert.equal(flags.version, false);
  });
});

describe('loadConfig key checking', () => {
  it('rejects unknown keys with their path and line', async () => {
    const err = await rejects('auth_enabled: true\nserver:\n  foo: 1\n', /unknown config key "server\.foo" \(line 3\)$/);
    assert.deepEqual(err.problems, ['unknown config key "server.foo" (line 3)']);
    assert.equal(err.path, 'server.foo');
    assert.equal(err.line, 3);
  });

  it('suggests the closest key', async () => {
    await rejects('ingester:\n  chunk_idle_priod: 1h\n', /unknown config key "ingester\.chunk_idle_priod" \(line 2\); did you mean "ingester\.chunk_idle_period"\?/);
  });

  it('checks unknown keys inside blocks Skald does not implement', async () => {
    await rejects('frontend:\n  encodin: json\n', /unknown config key "frontend\.encodin" \(line 2\)/);
    await rejects('query_range:\n  results_cache:\n    cache:\n      embedded_cache:\n        max_size: 1\n', /"query_range\.results_cache\.cache\.embedded_cache\.max_size" \(line 5\)/);
    await rejects('bogus_section:\n  a: 1\n', /unknown config key "bogus_section" \(line 1\)/);
  });

  it('checks keys of list items', async () => {
    await rejects('schema_config:\n  configs:\n    - from: 2020-10-24\n      store: tsdb\n      shema: v13\n', /"schema_config\.configs\[0\]\.shema" \(line 5\); did you mean "schema_config\.configs\[0\]\.schema"\?/);
  });

  it('does not check user-defined keys', async () => {
    const { warnings } = await load([
      'limits_config:', '  retention_stream:', '    - selector: \'{app="a"}\'', '      priority: 1', '      period: 24h',
      'ruler:', '  external_labels:', '    cluster: eu-1', 'schema_config:', '  configs:', '    - from: 2020-10-24',
      '      store: tsdb', '      object_store: filesystem', '      schema: v13', '      index:', '        prefix: i_', '        period: 24h',
      '        tags:', '          team: obs',
    ].join('\n'));
    assert.deepEqual(warnings, [
      'config keys accepted but not implemented: limits_config.retention_stream, ruler.external_labels, schema_config.configs[0].index.tags',
    ]);
  });

  it('reports every problem at once', async () => {
    const err = await rejects('server:\n  foo: 1\n  http_listen_port: high\ningester:\n  chunk_encoding: brotli\n', /3 problems/);
    assert.equal(err.problems.length, 3);
    assert.match(err.problems[1], /invalid value for "server\.http_listen_port" \(line 3\): expected an integer, got "high"/);
    assert.match(err.problems[2], /"ingester\.chunk_encoding" \(line 5\): invalid value "brotli", expected one of: none, gzip, snappy, lz4, zstd, lz4-64k/);
  });

  it('rejects broken YAML with its line', async () => {
    await rejects('server:\n  http_listen_port: [\n', /invalid YAML \(line \d\)/);
    await rejects('server:\n  a: 1\n  a: 2\n', /invalid YAML/);
    await rejects('- a\n- b\n', /expected a YAML mapping at the top level/);
  });

  it('follows YAML anchors, aliases and merge keys', async () => {
    const { config: c } = await load([
      'server:', '  http_listen_port: &port 3200', '  grpc_listen_port: *port',
      'querier:', '  <<: {max_concurrent: 8, tail_max_duration: 2h}', '  max_concurrent: 9',
    ].join('\n'));
    assert.equal(c.server.grpc_listen_port, 3200);
    assert.equal(c.querier.max_concurrent, 9);
    assert.equal(c.querier.tail_max_duration, 2 * HOUR);
  });
});

describe('loadConfig values', () => {
  it('accepts both duration syntaxes and byte sizes', async () => {
    const { config: c } = await load([
      'ingester:', '  max_chunk_age: 1.5h', '  flush_check_period: 500ms', '  wal:', '    replay_memory_ceiling: 1GB',
      'limits_config:', '  reject_old_samples_max_age: 2w', '  max_line_size: 1048576', '  max_structured_metadata_size: 1mb',
    ].join('\n'));
    assert.equal(c.ingester.max_chunk_age, 1.5 * HOUR);
    assert.equal(c.ingester.flush_check_period, 500);
    assert.equal(c.ingester.wal.replay_memory_ceiling, 1024 ** 3);
    assert.equal(c.limits_config.reject_old_samples_max_age, 14 * 24 * HOUR);
    assert.equal(c.limits_config.max_line_size, 1_048_576);
    assert.equal(c.limits_config.max_structured_metadata_size, 1024 ** 2);
  });

  it('maps Loki-only chunk encodings onto Skald codecs', async () => {
    assert.equal((await load('ingester:\n  chunk_encoding: lz4-256k\n')).config.ingester.chunk_encoding, 'lz4');
    assert.equal((await load('ingester:\n  chunk_encoding: flate\n')).config.ingester.chunk_encoding, 'gzip');
  });

  it('reads YAML 1.1 booleans like Loki', async () => {
    assert.equal((await load('auth_enabled: no\n')).config.auth_enabled, false);
    assert.equal((await load('auth_enabled: "on"\n')).config.auth_enabled, true);
  });

  it('rejects bad values with clear messages', async () => {
    await rejects('ingester:\n  max_chunk_age: 2 hours\n', /"ingester\.max_chunk_age" \(line 2\): invalid duration "2 hours"/);
    await rejects('ingester:\n  max_chunk_age: 30\n', /duration 30 needs a unit/);
    await rejects('server:\n  http_listen_port: 70000\n', /70000 is above the maximum 65535/);
    await rejects('server:\n  log_level: verbose\n', /expected one of: debug, info, warn, error/);
    await rejects('target: all,foo\n', /unrecognised module name: foo/);
    await rejects('server: 3100\n', /"server" \(line 1\): expected a mapping/);
    await rejects('frontend: json\n', /"frontend" \(line 1\): expected a mapping/);
    await rejects('ingester:\n  chunk_retain_period: -1s\n', /negative duration "-1s" is not allowed/);
  });

  it('validates schema periods', async () => {
    const period = (from: string, extra = ''): string => `    - from: ${from}\n      store: tsdb\n      object_store: filesystem\n      schema: v13\n${extra}`;
    await rejects(`schema_config:\n  configs:\n${period('2020-13-01')}`, /invalid date "2020-13-01"/);
    await rejects(`schema_config:\n  configs:\n${period('2021-01-01')}${period('2020-01-01')}`, /configs\[1\]\.from: 2020-01-01 must be after the previous period's 2021-01-01/);
    await rejects(`schema_config:\n  configs:\n${period('2021-01-01', '      index:\n        period: 168h\n')}`, /index\.period: must be 24h/);
    await rejects('schema_config:\n  configs: []\n', /at least one period config is required/);
    await rejects('schema_config:\n  configs:\n    - from: 2020-10-24\n      store: tsdb\n      schema: v99\n', /invalid schema version "v99"/);
  });

  it('accepts other index stores and schemas with a warning', async () => {
    const { warnings } = await load('schema_config:\n  configs:\n    - from: 2019-01-01\n      store: boltdb-shipper\n      object_store: gcs\n      schema: v11\n      index:\n        prefix: index_\n        period: 24h\n');
    assert.deepEqual(warnings, [
      'schema_config.configs[0]: store "boltdb-shipper" with schema "v11" accepted; Skald keeps its own index format for every period',
      'schema_config.configs[0].object_store: "gcs" is not implemented by Skald (filesystem, s3); chunks go to the filesystem store',
    ]);
  });

  it('reports flag errors as FlagError', async () => {
    await assert.rejects(loadConfig(['-nope'], {}, { cwd: dir }), (e: unknown) => e instanceof FlagError && e.message === 'flag provided but not defined: -nope');
  });
});
