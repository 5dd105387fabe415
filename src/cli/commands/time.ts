import { NS_PER_MS, NS_PER_SECOND, type Nanos } from '../../model/time.js';
import { parseRFC3339Nano } from '../../querier/params.js';
import { UsageError } from './errors.js';

/**
 * A time flag (`--from`, `--to`, `--now`): RFC3339 / RFC3339Nano like logcli, or a Unix
 * timestamp (seconds, or nanoseconds when longer than 10 digits).
 */
export function parseTimeFlag(value: string, flag: string): Nanos {
  if (/^\d+$/.test(value)) return value.length <= 10 ? BigInt(value) * NS_PER_SECOND : BigInt(value);
  const t = parseRFC3339Nano(value);
  if (t === undefined) throw new UsageError(`invalid value '${value}' for ${flag}: expected RFC3339 (2006-01-02T15:04:05Z) or a Unix timestamp`);
  return t;
}

/** Output timezone: `Local`, `UTC` or an IANA name (`Europe/Paris`). */
export class TimeZone {
  private readonly fmt: Intl.DateTimeFormat | undefined;

  constructor(readonly name: string) {
    if (name === '' || name === 'Local' || name === 'UTC') return;
    try {
      this.fmt = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
    } catch {
      throw new UsageError(`unknown timezone '${name}': use Local, UTC or an IANA name such as Europe/Paris`);
    }
  }

  /** Offset from UTC in minutes at the given instant. */
  offsetMinutes(ms: number): number {
    if (this.name === 'UTC') return 0;
    if (!this.fmt) return -new Date(ms).getTimezoneOffset();
    const part = this.fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  }
}

function split(ns: Nanos): { ms: number; frac: bigint } {
  let sec = ns / NS_PER_SECOND;
  let frac = ns % NS_PER_SECOND;
  if (frac < 0n) { frac += NS_PER_SECOND; sec -= 1n; }
  return { ms: Number(sec) * 1000, frac };
}

/** Go's time.RFC3339 / RFC3339Nano layouts in the zone: `Z` for a zero offset, else `+01:00`. */
export function formatTime(ns: Nanos, tz: TimeZone, nano: boolean): string {
  const { ms, frac } = split(ns);
  const off = tz.offsetMinutes(ms);
  const base = new Date(ms + off * 60_000).toISOString().slice(0, 19);
  const f = nano && frac !== 0n ? '.' + frac.toString().padStart(9, '0').replace(/0+$/, '') : '';
  if (off === 0) return `${base}${f}Z`;
  const a = Math.abs(off);
  return `${base}${f}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export const nanosFromMs = (ms: number): Nanos => BigInt(ms) * NS_PER_MS;
