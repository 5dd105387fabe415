/**
 * loki-canary's flags, parsed with Go's flag package syntax: `-name=value`, `-name value`,
 * one or two dashes, booleans as `-name` or `-name=false`, parsing stops at `--` or the first
 * argument that is not a flag.
 */
import { DurationError, parseGoDuration } from '../logql/syntax/index.js';
import { UsageError } from '../cli/commands/errors.js';

type Kind = 'string' | 'bool' | 'int' | 'duration';

interface Spec {
  readonly name: string;
  readonly kind: Kind;
  readonly def: string;
  readonly help: string;
}

const SPECS: readonly Spec[] = [
  { name: 'addr', kind: 'string', def: '', help: 'The Loki server URL:Port, e.g. loki:3100 (or a full URL); default $LOKI_ADDRESS' },
  { name: 'push', kind: 'bool', def: 'false', help: 'Push the logs directly to the given Loki address (otherwise they are written to stdout for an agent to ship)' },
  { name: 'tls', kind: 'bool', def: 'false', help: 'Does the loki connection use TLS?' },
  { name: 'cert-file', kind: 'string', def: '', help: 'Client PEM encoded X.509 certificate for optional use with TLS connection to Loki' },
  { name: 'key-file', kind: 'string', def: '', help: 'Client PEM encoded X.509 key for optional use with TLS connection to Loki' },
  { name: 'ca-file', kind: 'string', def: '', help: 'Client certificate authority for optional use with TLS connection to Loki' },
  { name: 'insecure', kind: 'bool', def: 'false', help: 'Allow insecure TLS connections' },
  { name: 'user', kind: 'string', def: '', help: 'Loki username.' },
  { name: 'pass', kind: 'string', def: '', help: 'Loki password. This credential should have both read and write permissions to Loki endpoints' },
  { name: 'tenant-id', kind: 'string', def: '', help: 'Tenant ID to be set in X-Scope-OrgID header.' },
  { name: 'labelname', kind: 'string', def: 'name', help: 'The label name for this instance of loki-canary to use in the log selector' },
  { name: 'labelvalue', kind: 'string', def: 'loki-canary', help: 'The unique label value for this instance of loki-canary to use in the log selector' },
  { name: 'streamname', kind: 'string', def: 'stream', help: 'The stream name for this instance of loki-canary to use in the log selector' },
  { name: 'streamvalue', kind: 'string', def: 'stdout', help: 'The unique stream value for this instance of loki-canary to use in the log selector' },
  { name: 'port', kind: 'int', def: '3500', help: 'Port which loki-canary should expose metrics' },
  { name: 'write-timeout', kind: 'duration', def: '10s', help: 'How long to wait write response from Loki' },
  { name: 'write-min-backoff', kind: 'duration', def: '500ms', help: 'Initial backoff time before first retry' },
  { name: 'write-max-backoff', kind: 'duration', def: '5m', help: 'Maximum backoff time between retries' },
  { name: 'write-max-retries', kind: 'int', def: '10', help: 'Maximum number of retries when push a log entry' },
  { name: 'query-timeout', kind: 'duration', def: '10s', help: 'How long to wait for a query response from Loki' },
  { name: 'interval', kind: 'duration', def: '1s', help: 'Duration between log entries' },
  { name: 'out-of-order-percentage', kind: 'int', def: '0', help: 'Percentage (0-100) of log entries that should be sent out of order.' },
  { name: 'out-of-order-min', kind: 'duration', def: '30s', help: 'Minimum amount of time to go back for out of order entries (in seconds).' },
  { name: 'out-of-order-max', kind: 'duration', def: '60s', help: 'Maximum amount of time to go back for out of order entries (in seconds).' },
  { name: 'size', kind: 'int', def: '100', help: 'Size in bytes of each log line' },
  { name: 'wait', kind: 'duration', def: '60s', help: 'Duration to wait for log entries on websocket before querying loki for them' },
  { name: 'max-wait', kind: 'duration', def: '5m', help: 'Duration to keep querying Loki for missing websocket entries before reporting them missing' },
  { name: 'pruneinterval', kind: 'duration', def: '60s', help: 'Frequency to check sent vs received logs, also the frequency which queries for missing logs will be dispatched to loki' },
  { name: 'buckets', kind: 'int', def: '10', help: 'Number of buckets in the response_latency histogram' },
  { name: 'query-append', kind: 'string', def: '', help: "LogQL filters to be appended to the Canary query e.g. '| json | line_format `{{.log}}`'" },
  { name: 'metric-test-interval', kind: 'duration', def: '1h', help: 'The interval the metric test query should be run' },
  { name: 'metric-test-range', kind: 'duration', def: '24h', help: 'The range value [24h] used in the metric test instant-query. Note: this value is truncated to the running time of the canary until this value is reached' },
  { name: 'cache-test-interval', kind: 'duration', def: '15m', help: 'The interval the cache test query should be run' },
  { name: 'cache-test-range', kind: 'duration', def: '24h', help: 'The range value [24h] used in the cache test instant-query.' },
  { name: 'cache-test-now', kind: 'duration', def: '1h', help: 'duration how far back from current time the execution time (--now) should be set for running this query in the cache test instant-query.' },
  { name: 'spot-check-interval', kind: 'duration', def: '15m', help: 'Interval that a single result will be kept from sent entries and spot-checked against Loki, e.g. 15min default one entry every 15 min will be saved and then queried again every 15min until spot-check-max is reached' },
  { name: 'spot-check-max', kind: 'duration', def: '4h', help: 'How far back to check a spot check entry before dropping it' },
  { name: 'spot-check-query-rate', kind: 'duration', def: '1m', help: 'Interval that the canary will query Loki for the current list of all spot check entries' },
  { name: 'spot-check-initial-wait', kind: 'duration', def: '10s', help: 'How long should the spot check query wait before starting to check for entries' },
  { name: 'logs-batch-size', kind: 'int', def: '1', help: 'Send logs to Loki in batches of a specified size.  Must be a non-negative value (0 or 1 will disable batching)' },
  { name: 'logs-batch-size-max', kind: 'int', def: '100', help: 'Upper bound on -logs-batch-size.' },
  { name: 'version', kind: 'bool', def: 'false', help: 'Print this builds version information' },
];

export interface CanaryConfig {
  readonly addr: string;
  readonly push: boolean;
  readonly tls: boolean;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly insecure: boolean;
  readonly user: string;
  readonly pass: string;
  readonly tenantId: string;
  readonly labelName: string;
  readonly labelValue: string;
  readonly streamName: string;
  readonly streamValue: string;
  readonly port: number;
  /** Durations in milliseconds. */
  readonly writeTimeoutMs: number;
  readonly writeMinBackoffMs: number;
  readonly writeMaxBackoffMs: number;
  readonly writeMaxRetries: number;
  readonly queryTimeoutMs: number;
  readonly intervalMs: number;
  readonly outOfOrderPercentage: number;
  readonly outOfOrderMinMs: number;
  readonly outOfOrderMaxMs: number;
  readonly size: number;
  readonly waitMs: number;
  readonly maxWaitMs: number;
  readonly pruneIntervalMs: number;
  readonly buckets: number;
  readonly queryAppend: string;
  readonly metricTestIntervalMs: number;
  readonly metricTestRangeMs: number;
  readonly cacheTestIntervalMs: number;
  readonly cacheTestRangeMs: number;
  readonly cacheTestNowMs: number;
  readonly spotCheckIntervalMs: number;
  readonly spotCheckMaxMs: number;
  readonly spotCheckQueryRateMs: number;
  readonly spotCheckWaitMs: number;
  readonly logsBatchSize: number;
  readonly logsBatchSizeMax: number;
  readonly version: boolean;
  readonly help: boolean;
}

/** `-help` text, like Go's flag.PrintDefaults. */
export function canaryUsage(): string {
  let out = 'Usage of skald canary:\n';
  for (const s of SPECS) {
    const type = s.kind === 'bool' ? '' : ` ${s.kind === 'duration' ? 'duration' : s.kind === 'int' ? 'int' : 'string'}`;
    const def = s.kind === 'bool' ? (s.def === 'true' ? ' (default true)' : '') : s.def !== '' ? ` (default ${s.kind === 'string' ? JSON.stringify(s.def) : s.def})` : '';
    out += `  -${s.name}${type}\n    \t${s.help}${def}\n`;
  }
  return out;
}

function convert(spec: Spec, raw: string): string | number | boolean {
  switch (spec.kind) {
    case 'bool': {
      if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
      if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
      throw new UsageError(`invalid boolean value "${raw}" for -${spec.name}: parse error`);
    }
    case 'int':
      if (!/^[+-]?\d+$/.test(raw)) throw new UsageError(`invalid value "${raw}" for flag -${spec.name}: parse error`);
      return Number(raw);
    case 'duration':
      try {
        return Number(parseGoDuration(raw) / 1_000_000n);
      } catch (err) {
        if (err instanceof DurationError) throw new UsageError(`invalid value "${raw}" for flag -${spec.name}: parse error`);
        throw err;
      }
    default:
      return raw;
  }
}

/** Parses the canary's arguments; `env` supplies LOKI_ADDRESS when -addr is not given. */
export function parseCanaryFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CanaryConfig {
  const specs = new Map(SPECS.map((s) => [s.name, s]));
  const v = new Map<string, string | number | boolean>(SPECS.map((s) => [s.name, convert(s, s.def)]));
  let help = false;
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    if (arg.length < 2 || arg[0] !== '-') break;
    i++;
    if (arg === '--') break;
    const body = arg.slice(arg[1] === '-' ? 2 : 1);
    if (body === '' || body[0] === '-' || body[0] === '=') throw new UsageError(`bad flag syntax: ${arg}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = specs.get(name);
    if (!spec) {
      if (name === 'h' || name === 'help') { help = true; continue; }
      throw new UsageError(`flag provided but not defined: -${name}`);
    }
    let raw = eq < 0 ? undefined : body.slice(eq + 1);
    if (raw === undefined) {
      if (spec.kind === 'bool') raw = 'true';
      else if (i < argv.length) raw = argv[i++];
      else throw new UsageError(`flag needs an argument: -${name}`);
    }
    v.set(name, convert(spec, raw));
  }
  if (i < argv.length) throw new UsageError(`unexpected argument: ${argv[i]}`);
  const s = (n: string) => String(v.get(n));
  const n = (n: string) => Number(v.get(n));
  const b = (n: string) => v.get(n) === true;
  return {
    addr: s('addr') || (env.LOKI_ADDRESS ?? ''),
    push: b('push'), tls: b('tls'), certFile: s('cert-file'), keyFile: s('key-file'), caFile: s('ca-file'), insecure: b('insecure'),
    user: s('user'), pass: s('pass'), tenantId: s('tenant-id'),
    labelName: s('labelname'), labelValue: s('labelvalue'), streamName: s('streamname'), streamValue: s('streamvalue'),
    port: n('port'),
    writeTimeoutMs: n('write-timeout'), writeMinBackoffMs: n('write-min-backoff'), writeMaxBackoffMs: n('write-max-backoff'), writeMaxRetries: n('write-max-retries'),
    queryTimeoutMs: n('query-timeout'), intervalMs: n('interval'),
    outOfOrderPercentage: n('out-of-order-percentage'), outOfOrderMinMs: n('out-of-order-min'), outOfOrderMaxMs: n('out-of-order-max'),
    size: n('size'), waitMs: n('wait'), maxWaitMs: n('max-wait'), pruneIntervalMs: n('pruneinterval'), buckets: n('buckets'),
    queryAppend: s('query-append'),
    metricTestIntervalMs: n('metric-test-interval'), metricTestRangeMs: n('metric-test-range'),
    cacheTestIntervalMs: n('cache-test-interval'), cacheTestRangeMs: n('cache-test-range'), cacheTestNowMs: n('cache-test-now'),
    spotCheckIntervalMs: n('spot-check-interval'), spotCheckMaxMs: n('spot-check-max'), spotCheckQueryRateMs: n('spot-check-query-rate'), spotCheckWaitMs: n('spot-check-initial-wait'),
    logsBatchSize: n('logs-batch-size'), logsBatchSizeMax: n('logs-batch-size-max'),
    version: b('version'), help,
  };
}

/** loki-canary's checks of flag combinations; the message of the first failing one. */
export function validateCanaryConfig(c: CanaryConfig): string | undefined {
  if (c.addr === '') return 'Must specify a Loki address with -addr or set the environment variable LOKI_ADDRESS';
  if (c.outOfOrderPercentage < 0 || c.outOfOrderPercentage > 100) return 'Out of order percentage must be between 0 and 100';
  if (c.outOfOrderPercentage > 0 && c.outOfOrderMaxMs <= c.outOfOrderMinMs) return '-out-of-order-max must be greater than -out-of-order-min';
  if (c.logsBatchSize < 0) return "-logs-batch-size must not be negative.  A value of '0' or '1' will disable batching entirely";
  if (c.logsBatchSizeMax <= 0) return '-logs-batch-size-max must not be <= 0';
  if (c.logsBatchSize > c.logsBatchSizeMax) return '-logs-batch-size must not be more than -logs-batch-size-max';
  if ((c.certFile || c.keyFile || c.caFile) && !c.tls) return 'Must set --tls when specifying client certs';
  if (c.intervalMs <= 0) return '-interval must be positive';
  if (c.pruneIntervalMs <= 0 || c.spotCheckQueryRateMs <= 0 || c.metricTestIntervalMs <= 0 || c.cacheTestIntervalMs <= 0) return 'test intervals must be positive';
  if (c.buckets <= 0) return '-buckets must be positive';
  return undefined;
}
