import { NS_PER_MS, NS_PER_SECOND, nowNanos, type Nanos } from '../model/time.js';
import { BadRequestError } from '../util/errors.js';

/** Request parameters: query string merged with a form-encoded body; repeated keys keep all values. */
export type Params = URLSearchParams;

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses RFC3339 / RFC3339Nano to ns; undefined if it is not that format. */
export function parseRFC3339Nano(value: string): Nanos | undefined {
  const m = RFC3339_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const fracNs = frac ? BigInt(frac.padEnd(9, '0')) : 0n;
  return BigInt(ms) * NS_PER_MS + fracNs;
}

/**
 * Loki's timestamp parameter rules: a value with '.' is float seconds (fraction rounded to ms);
 * an integer of at most 10 digits is seconds, longer is nanoseconds; otherwise RFC3339(Nano).
 */
export function parseTimestamp(value: string, name: string): Nanos {
  if (value.includes('.')) {
    const f = Number(value);
    if (value.trim() !== '' && Number.isFinite(f)) {
      const sec = Math.trunc(f);
      const fracMs = Math.round((f - sec) * 1000);
      return BigInt(sec) * NS_PER_SECOND + BigInt(fracMs) * NS_PER_MS;
    }
  }
  if (/^-?\d+$/.test(value)) {
    const n = BigInt(value);
    if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new BadRequestError(`could not parse '${name}' parameter: strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
    const digits = value.startsWith('-') ? value.length - 1 : value.length;
    return digits <= 10 ? n * NS_PER_SECOND : n;
  }
  const t = parseRFC3339Nano(value);
  if (t === undefined) {
    throw new BadRequestError(`could not parse '${name}' parameter: parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.999999999Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`);
  }
  return t;
}

const PROM_DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROM_UNITS_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Prometheus model.ParseDuration (`1h30m`, `5m`, `1d`), in ms; undefined when not that syntax. */
export function parsePromDurationMs(value: string): number | undefined {
  if (value === '' || value === '0') return value === '0' ? 0 : undefined;
  const m = PROM_DURATION_RE.exec(value);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < PROM_UNITS_MS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * PROM_UNITS_MS[i];
  return ms;
}

/** Loki's duration-or-float-seconds parameters (step, interval, since), in ms. */
export function parseDurationParam(value: string, name: string): number {
  const f = Number(value);
  if (value.trim() !== '' && Number.isFinite(f)) return Math.round(f * 1000);
  const ms = parsePromDurationMs(value);
  if (ms === undefined) throw new BadRequestError(`cannot parse "${value}" to a valid duration`);
  void name;
  return ms;
}

export type Direction = 'forward' | 'backward';

export function parseDirection(params: Params): Direction {
  const v = params.get('direction');
  if (v === null || v === '') return 'backward';
  const d = v.toLowerCase();
  if (d !== 'forward' && d !== 'backward') throw new BadRequestError(`invalid direction '${v}'`);
  return d;
}

export function parseLimit(params: Params, def = 100): number {
  const v = params.get('limit');
  if (v === null || v === '') return def;
  if (!/^-?\d+$/.test(v)) throw new BadRequestError(`strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (n <= 0) throw new BadRequestError('limit must be a positive value');
  return n;
}

export interface RangeParams {
  readonly query: string;
  readonly start: Nanos;
  readonly end: Nanos;
  readonly limit: number;
  readonly direction: Direction;
  /** Step in ms. */
  readonly stepMs: number;
  /** Interval in ms, 0 when unset (log queries only). */
  readonly intervalMs: number;
}

/** Bounds shared by range and metadata endpoints: `end` (now), `start` (end - since, since 1h). */
export function parseBounds(params: Params, defaultSinceMs = 3_600_000): { start: Nanos; end: Nanos } {
  const now = nowNanos();
  const endRaw = params.get('end');
  const end = endRaw ? parseTimestamp(endRaw, 'end') : now;
  const sinceRaw = params.get('since');
  const sinceMs = sinceRaw ? parseDurationParam(sinceRaw, 'since') : defaultSinceMs;
  const startRaw = params.get('start');
  const base = end < now ? end : now;
  const start = startRaw ? parseTimestamp(startRaw, 'start') : base - BigInt(sinceMs) * NS_PER_MS;
  return { start, end };
}

/** `/loki/api/v1/query_range` parameters with Loki's defaults and validation. */
export function parseRangeParams(params: Params): RangeParams {
  const query = params.get('query') ?? '';
  const { start, end } = parseBounds(params);
  if (end < start) throw new BadRequestError('end timestamp must not be before or equal to start time');
  const limit = parseLimit(params);
  const direction = parseDirection(params);
  const stepRaw = params.get('step');
  const rangeMs = Number((end - start) / NS_PER_MS);
  const stepMs = stepRaw ? parseDurationParam(stepRaw, 'step') : Math.max(Math.floor(rangeMs / 250_000), 1) * 1000;
  if (stepMs <= 0) throw new BadRequestError('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (rangeMs / stepMs > 11000) {
    throw new BadRequestError('exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter');
  }
  const intervalRaw = params.get('interval');
  const intervalMs = intervalRaw ? parseDurationParam(intervalRaw, 'interval') : 0;
  if (intervalMs < 0) throw new BadRequestError('negative or zero interval is not accepted. Try a positive integer');
  return { query, start, end, limit, direction, stepMs, intervalMs };
}

export interface InstantParams {
  readonly query: string;
  readonly time: Nanos;
  readonly limit: number;
  readonly direction: Direction;
}

/** `/loki/api/v1/query` parameters: `time` (now), `limit` (100), `direction` (backward). */
export function parseInstantParams(params: Params): InstantParams {
  const query = params.get('query') ?? '';
  const t = params.get('time');
  const time = t ? parseTimestamp(t, 'time') : nowNanos();
  return { query, time, limit: parseLimit(params), direction: parseDirection(params) };
}
