import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeDataDir, removeDir, startSkald } from '../helpers/server.js';

const FIXTURES = new URL('../fixtures/conformance/', import.meta.url);

/** The config Loki v3.4.5 ran the conformance corpus with, verbatim but for paths and ports. */
function lokiConformanceConfig(dataDir: string): string {
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

interface Payload { streams: { stream: Record<string, string>; values: unknown[] }[] }

function selectorOf(labels: Record<string, string>): string {
  return '{' + Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') + '}';
}

function canonical(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

describe('conformance data set', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await removeDir(d); });

  it('starts with Loki\'s conformance config, accepts every push like Loki, keeps 38,134 entries', { timeout: 120_000 }, async () => {
    const dataDir = await makeDataDir();
    dirs.push(dataDir);
    const file = join(dataDir, 'loki.yaml');
    await writeFile(file, lokiConformanceConfig(dataDir));
    const proc = await startSkald(dataDir, [`-config.file=${file}`], { TZ: 'UTC' });
    try {
      const payloads = JSON.parse(await readFile(new URL('dataset.json', FIXTURES), 'utf8')) as Payload[];
      const streams = new Map<string, Record<string, string>>();
      for (const p of payloads) {
        const res = await fetch(`${proc.url}/loki/api/v1/push`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p) });
        assert.equal(res.status, 204, await res.text());
        for (const s of p.streams) streams.set(canonical(s.stream), s.stream);
      }
      const seen = new Set<string>();
      for (const [key, labels] of streams) {
        let start = BigInt(Date.parse('2026-01-01T00:00:00Z')) * 1_000_000n - 1n;
        for (let page = 0; page < 20; page++) {
          const q = new URLSearchParams({ query: selectorOf(labels), start: start.toString(), end: '1767234600000000000', limit: '10000', direction: 'forward' });
          const res = await fetch(`${proc.url}/loki/api/v1/query_range?${q}`, { headers: { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' } });
          assert.equal(res.status, 200, await res.clone().text());
          const body = (await res.json()) as { data: { result: { stream: Record<string, string>; values: [string, string][] }[] } };
          let n = 0;
          let last = '';
          for (const r of body.data.result) {
            if (canonical(r.stream) !== key) continue;
            for (const [ts, line] of r.values) { seen.add(`${key}|${ts}|${line}`); n++; last = ts; }
          }
          if (n < 10000) break;
          start = BigInt(last); // equal timestamps at the page edge are read again and de-duplicated by the set
        }
      }
      assert.equal(seen.size, 38134);
    } finally {
      assert.equal(await proc.kill('SIGTERM'), 0);
    }
  });
});
