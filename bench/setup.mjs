// What the bench scripts share: a copy of the shared harness next to the project's node_modules
// (the harness resolves snappy from its own folder), and the config of a Skald under benchmark.
import { cpSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Copies the harness folder `shared` to `dest`, without its node_modules, linking the project's instead. */
export function copyHarness(shared, dest) {
  cpSync(shared, dest, { recursive: true, filter: (p) => !p.includes('node_modules') });
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'));
}

/**
 * A loopback Skald with no auth and limits out of the benchmark's way. `ingester` and `limits`
 * are extra YAML lines (already indented) for those sections.
 */
export function benchConfig({ port, data, ingester = '', limits = '' }) {
  return `auth_enabled: false
server:
  http_listen_address: 127.0.0.1
  http_listen_port: ${port}
  log_level: warn
common:
  path_prefix: ${data}
${ingester === '' ? '' : `ingester:\n${ingester}`}limits_config:
  reject_old_samples: false
  ingestion_rate_mb: 100000
  ingestion_burst_size_mb: 100000
  per_stream_rate_limit: 1GB
  per_stream_rate_limit_burst: 1GB
  max_global_streams_per_user: 0
${limits}`;
}

/** Query limits wide enough for the benchmark's queries over all its streams. */
export const QUERY_LIMITS = `  max_query_series: 100000
  max_entries_limit_per_query: 100000
`;
