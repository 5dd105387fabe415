import type { Nanos } from '../../model/time.js';
import { nowNanos } from '../../model/time.js';
import type { Args, FlagSpec } from './args.js';
import { LokiClient } from './client.js';
import { UsageError } from './errors.js';
import type { CommandIO } from './io.js';
import { LogPrinter, parseOutputMode } from './output.js';
import { TimeZone, parseTimeFlag } from './time.js';

/** Connection flags of every command, with logcli's names and environment variables. */
export const CLIENT_FLAGS: readonly FlagSpec[] = [
  { name: 'addr', kind: 'string', env: 'LOKI_ADDR', default: 'http://localhost:3100', help: 'Server address.' },
  { name: 'org-id', kind: 'string', env: 'LOKI_ORG_ID', help: 'Tenant (X-Scope-OrgID header), for servers with auth_enabled or behind a gateway.' },
  { name: 'username', kind: 'string', env: 'LOKI_USERNAME', help: 'Basic auth username.' },
  { name: 'password', kind: 'string', env: 'LOKI_PASSWORD', help: 'Basic auth password.' },
  { name: 'bearer-token', kind: 'string', env: 'LOKI_BEARER_TOKEN', help: 'Bearer token for the Authorization header.' },
  { name: 'bearer-token-file', kind: 'string', env: 'LOKI_BEARER_TOKEN_FILE', help: 'File holding the bearer token.' },
  { name: 'auth-header', kind: 'string', env: 'LOKI_AUTH_HEADER', default: 'Authorization', help: 'Header carrying the credentials.' },
  { name: 'query-tags', kind: 'string', env: 'LOKI_QUERY_TAGS', help: 'Tags sent in the X-Query-Tags header.' },
  { name: 'tls-skip-verify', kind: 'bool', env: 'LOKI_TLS_SKIP_VERIFY', help: 'Do not verify the server certificate.' },
  { name: 'ca-cert', kind: 'string', env: 'LOKI_CA_CERT_PATH', help: 'CA certificate file to verify the server with.' },
  { name: 'cert', kind: 'string', env: 'LOKI_CLIENT_CERT_PATH', help: 'Client certificate file for mutual TLS.' },
  { name: 'key', kind: 'string', env: 'LOKI_CLIENT_KEY_PATH', help: 'Client key file for mutual TLS.' },
  { name: 'retries', kind: 'int', env: 'LOKI_CLIENT_RETRIES', default: '0', help: 'Retries after a network error, 429 or 5xx.' },
  { name: 'quiet', short: 'q', kind: 'bool', help: 'Suppress query metadata (URL, common labels) on stderr.' },
];

export const OUTPUT_FLAGS: readonly FlagSpec[] = [
  { name: 'output', short: 'o', kind: 'string', default: 'default', help: 'Output format: default, raw or jsonl.' },
  { name: 'timezone', short: 'z', kind: 'string', default: 'Local', help: 'Timezone of printed timestamps: Local, UTC or an IANA name.' },
  { name: 'no-labels', kind: 'bool', help: 'Do not print labels.' },
  { name: 'include-label', kind: 'list', help: 'Print only this label (repeatable).' },
  { name: 'exclude-label', kind: 'list', help: 'Do not print this label (repeatable).' },
  { name: 'labels-length', kind: 'int', default: '0', help: 'Minimum width of the label column.' },
  { name: 'colored-output', kind: 'bool', help: 'One colour per label set instead of red (terminals only).' },
];

export const RANGE_FLAGS: readonly FlagSpec[] = [
  { name: 'since', kind: 'duration', default: '1h', help: 'Lookback window.' },
  { name: 'from', kind: 'string', help: 'Start of the range, RFC3339 or Unix time (overrides --since).' },
  { name: 'to', kind: 'string', help: 'End of the range (exclusive), RFC3339 or Unix time; default now.' },
];

export function clientFrom(args: Args): LokiClient {
  const retries = args.int('retries');
  if (retries < 0) throw new UsageError('--retries must not be negative');
  return new LokiClient({
    addr: args.string('addr'),
    orgId: args.string('org-id') || undefined,
    username: args.string('username') || undefined,
    password: args.string('password') || undefined,
    bearerToken: args.string('bearer-token') || undefined,
    bearerTokenFile: args.string('bearer-token-file') || undefined,
    authHeader: args.string('auth-header') || undefined,
    queryTags: args.string('query-tags') || undefined,
    tlsSkipVerify: args.bool('tls-skip-verify'),
    caCert: args.string('ca-cert') || undefined,
    cert: args.string('cert') || undefined,
    key: args.string('key') || undefined,
    retries,
  });
}

/** Colours only on a terminal, never when NO_COLOR is set. */
export function colorEnabled(io: CommandIO): boolean {
  return io.stdout.isTTY && (io.env.NO_COLOR ?? '') === '';
}

export function printerFrom(args: Args, io: CommandIO): LogPrinter {
  return new LogPrinter(io.stdout, io.stderr, {
    mode: parseOutputMode(args.string('output')),
    tz: new TimeZone(args.string('timezone')),
    color: colorEnabled(io),
    colorPerStream: args.bool('colored-output'),
    noLabels: args.bool('no-labels'),
    includeLabels: args.list('include-label'),
    excludeLabels: args.list('exclude-label'),
    labelsLength: args.int('labels-length'),
    quiet: args.bool('quiet'),
  });
}

/** The range: `--to` or now; `--from`, or `--since` back from the end (as the API counts it). */
export function timeRange(args: Args, now: Nanos = nowNanos()): { start: Nanos; end: Nanos } {
  const since = args.durationNs('since');
  if (since < 0n) throw new UsageError('--since must not be negative');
  const from = args.string('from');
  const to = args.string('to');
  const end = to ? parseTimeFlag(to, '--to') : now;
  const start = from ? parseTimeFlag(from, '--from') : (end < now ? end : now) - since;
  if (start > end) throw new UsageError('--from must be before --to');
  return { start, end };
}

/** Where a tail's history starts: `--from`, else now minus `--since`. */
export function historyStart(args: Args, now: Nanos = nowNanos()): Nanos {
  const from = args.string('from');
  if (from) return parseTimeFlag(from, '--from');
  const since = args.durationNs('since');
  if (since < 0n) throw new UsageError('--since must not be negative');
  return now - since;
}

/** Seconds as the API reads them (`60`, `0.5`) from a duration flag. */
export function secondsParam(ns: bigint): string {
  return String(Number(ns) / 1e9);
}

/** Prints the request URL on stderr unless --quiet, as logcli does. */
export function announce(io: CommandIO, args: Args, url: string): void {
  if (!args.bool('quiet')) io.stderr.write(url + '\n');
}
