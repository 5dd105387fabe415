/**
 * Go's time.Time for templates: layouts by example (Format / ParseInLocation), String(),
 * Unix conversions and zones. Loki's reference ran with TZ=UTC, so the local zone is UTC.
 * Named zones use the runtime's time zone data (Intl).
 */

const NS = 1_000_000_000n;
const DAY = 86400;

export interface ZoneInfo {
  readonly offset: number;
  readonly abbrev: string;
}

export class GoLocation {
  private readonly fmt: Intl.DateTimeFormat | undefined;
  private readonly abbrevFmts: Intl.DateTimeFormat[] = [];

  constructor(readonly name: string, private readonly tz: string | undefined) {
    if (tz !== undefined) {
      this.fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
      // en-US knows American abbreviations (EDT), en-GB European ones (CET).
      for (const locale of ['en-US', 'en-GB']) this.abbrevFmts.push(new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'short' }));
    }
  }

  /** Offset east of UTC (seconds) and abbreviation at a Unix second. */
  lookup(unixSec: number): ZoneInfo {
    if (this.fmt === undefined) return { offset: 0, abbrev: 'UTC' };
    const d = new Date(clampMs(unixSec * 1000));
    const parts: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(d)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    const offset = Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 1000);
    for (const f of this.abbrevFmts) {
      const name = f.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
      if (name !== '' && !/^(GMT|UTC)[+-]/.test(name)) return { offset, abbrev: name === 'GMT' && offset === 0 ? 'GMT' : name };
    }
    return { offset, abbrev: offsetAbbrev(offset) };
  }
}

function clampMs(ms: number): number {
  return Math.max(-8.64e15, Math.min(8.64e15, ms));
}

/** Go names zones without an abbreviation like "+03" / "-0330". */
function offsetAbbrev(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  return sign + pad(h, 2) + (m !== 0 ? pad(m, 2) : '');
}

export const UTC = new GoLocation('UTC', undefined);
/** time.Local; Loki's reference process ran with TZ=UTC. */
export const LOCAL = new GoLocation('Local', undefined);

const locations = new Map<string, GoLocation>();

/** time.LoadLocation; throws for unknown zones. */
export function loadLocation(name: string): GoLocation {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return LOCAL;
  let loc = locations.get(name);
  if (loc === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
    } catch {
      throw new Error('unknown time zone ' + name);
    }
    loc = new GoLocation(name, name);
    locations.set(name, loc);
  }
  return loc;
}

export class GoTime {
  readonly kind = 'time';

  /** sec: Unix seconds; nsec in [0, 1e9). */
  constructor(readonly sec: number, readonly nsec: number, readonly loc: GoLocation) {}

  static fromUnixNano(ns: bigint, loc: GoLocation = LOCAL): GoTime {
    let s = ns / NS;
    let r = ns % NS;
    if (r < 0n) {
      r += NS;
      s -= 1n;
    }
    return new GoTime(Number(s), Number(r), loc);
  }

  static zero(): GoTime {
    return new GoTime(-62135596800, 0, UTC);
  }

  unix(): bigint {
    return BigInt(this.sec);
  }

  unixMilli(): bigint {
    return BigInt(this.sec) * 1000n + BigInt(Math.floor(this.nsec / 1e6));
  }

  unixNano(): bigint {
    return BigInt(this.sec) * NS + BigInt(this.nsec);
  }

  in(loc: GoLocation): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }

  /** Time.String(). */
  toString(): string {
    return formatTime(this, '2006-01-02 15:04:05.999999999 -0700 MST');
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, w: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= w ? s : '0'.repeat(w - s.length) + s);
}

/** Days since 1970-01-01 → civil date (proleptic Gregorian). */
function civil(days: number): { y: number; m: number; d: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: m <= 2 ? y + 1 : y, m, d };
}

function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

interface Fields {
  year: number; month: number; day: number; yday: number; wday: number;
  hour: number; min: number; sec: number; nsec: number; offset: number; abbrev: string;
}

function fields(t: GoTime): Fields {
  const z = t.loc.lookup(t.sec);
  const local = t.sec + z.offset;
  const days = Math.floor(local / DAY);
  const rem = local - days * DAY;
  const { y, m, d } = civil(days);
  const yday = days - daysFromCivil(y, 1, 1) + 1;
  return {
    year: y, month: m, day: d, yday, wday: ((days % 7) + 11) % 7,
    hour: Math.floor(rem / 3600), min: Math.floor((rem % 3600) / 60), sec: rem % 60,
    nsec: t.nsec, offset: z.offset, abbrev: z.abbrev,
  };
}

const enum Std {
  None, LongMonth, Month, NumMonth, ZeroMonth, LongWeekDay, WeekDay, Day, UnderDay, ZeroDay,
  UnderYearDay, ZeroYearDay, Hour, Hour12, ZeroHour12, Minute, ZeroMinute, Second, ZeroSecond,
  LongYear, Year, PM, pm, TZ, ISO8601TZ, ISO8601SecondsTZ, ISO8601ShortTZ, ISO8601ColonTZ,
  ISO8601ColonSecondsTZ, NumTZ, NumSecondsTz, NumShortTZ, NumColonTZ, NumColonSecondsTZ,
  FracSecond0, FracSecond9,
}

interface Chunk {
  prefix: string;
  std: Std;
  /** Fractional seconds: digit count and separator. */
  digits: number;
  sep: string;
  suffix: string;
}

const STD0X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

function startsWithLower(s: string): boolean {
  return s.length > 0 && s[0] >= 'a' && s[0] <= 'z';
}

function isDigitAt(s: string, i: number): boolean {
  return i < s.length && s[i] >= '0' && s[i] <= '9';
}

/** Go's nextStdChunk: the text before the first layout element, the element, the rest. */
function nextStdChunk(layout: string): Chunk {
  const mk = (i: number, std: Std, len: number, digits = 0, sep = ''): Chunk =>
    ({ prefix: layout.slice(0, i), std, digits, sep, suffix: layout.slice(i + len) });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const at = (s: string): boolean => layout.startsWith(s, i);
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return mk(i, Std.LongMonth, 7);
          if (!startsWithLower(layout.slice(i + 3))) return mk(i, Std.Month, 3);
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return mk(i, Std.LongWeekDay, 6);
          if (!startsWithLower(layout.slice(i + 3))) return mk(i, Std.WeekDay, 3);
        }
        if (at('MST')) return mk(i, Std.TZ, 3);
        break;
      case '0':
        if (i + 1 < layout.length && layout[i + 1] >= '1' && layout[i + 1] <= '6') return mk(i, STD0X[layout.charCodeAt(i + 1) - 49], 2);
        if (at('002')) return mk(i, Std.ZeroYearDay, 3);
        break;
      case '1':
        if (at('15')) return mk(i, Std.Hour, 2);
        return mk(i, Std.NumMonth, 1);
      case '2':
        if (at('2006')) return mk(i, Std.LongYear, 4);
        return mk(i, Std.Day, 1);
      case '_':
        if (at('_2')) {
          if (at('_2006')) return { prefix: layout.slice(0, i + 1), std: Std.LongYear, digits: 0, sep: '', suffix: layout.slice(i + 5) };
          return mk(i, Std.UnderDay, 2);
        }
        if (at('__2')) return mk(i, Std.UnderYearDay, 3);
        break;
      case '3': return mk(i, Std.Hour12, 1);
      case '4': return mk(i, Std.Minute, 1);
      case '5': return mk(i, Std.Second, 1);
      case 'P':
        if (at('PM')) return mk(i, Std.PM, 2);
        break;
      case 'p':
        if (at('pm')) return mk(i, Std.pm, 2);
        break;
      case '-':
        if (at('-070000')) return mk(i, Std.NumSecondsTz, 7);
        if (at('-07:00:00')) return mk(i, Std.NumColonSecondsTZ, 9);
        if (at('-0700')) return mk(i, Std.NumTZ, 5);
        if (at('-07:00')) return mk(i, Std.NumColonTZ, 6);
        if (at('-07')) return mk(i, Std.NumShortTZ, 3);
        break;
      case 'Z':
        if (at('Z070000')) return mk(i, Std.ISO8601SecondsTZ, 7);
        if (at('Z07:00:00')) return mk(i, Std.ISO8601ColonSecondsTZ, 9);
        if (at('Z0700')) return mk(i, Std.ISO8601TZ, 5);
        if (at('Z07:00')) return mk(i, Std.ISO8601ColonTZ, 6);
        if (at('Z07')) return mk(i, Std.ISO8601ShortTZ, 3);
        break;
      case '.': case ',':
        if (i + 1 < layout.length && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
          const ch = layout[i + 1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return mk(i, ch === '0' ? Std.FracSecond0 : Std.FracSecond9, j - i, j - (i + 1), c);
          }
        }
        break;
    }
  }
  return { prefix: layout, std: Std.None, digits: 0, sep: '', suffix: '' };
}

function formatZone(offset: number, colon: boolean, seconds: boolean, short: boolean): string {
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let s = '+';
  if (zone < 0) {
    s = '-';
    zone = -zone;
    abs = -abs;
  }
  s += pad(Math.trunc(zone / 60), 2);
  if (!short) s += (colon ? ':' : '') + pad(zone % 60, 2);
  if (seconds) s += (colon ? ':' : '') + pad(abs % 60, 2);
  return s;
}

/** Time.Format. */
export function formatTime(t: GoTime, layout0: string): string {
  const f = fields(t);
  let out = '';
  let layout = layout0;
  while (layout !== '') {
    const ch = nextStdChunk(layout);
    out += ch.prefix;
    if (ch.std === Std.None) break;
    layout = ch.suffix;
    const hr12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
    switch (ch.std) {
      case Std.Year: out += pad(((f.year % 100) + 100) % 100, 2); break;
      case Std.LongYear: out += pad(f.year, 4); break;
      case Std.Month: out += MONTHS[f.month - 1].slice(0, 3); break;
      case Std.LongMonth: out += MONTHS[f.month - 1]; break;
      case Std.NumMonth: out += String(f.month); break;
      case Std.ZeroMonth: out += pad(f.month, 2); break;
      case Std.WeekDay: out += DAYS[f.wday].slice(0, 3); break;
      case Std.LongWeekDay: out += DAYS[f.wday]; break;
      case Std.Day: out += String(f.day); break;
      case Std.UnderDay: out += (f.day < 10 ? ' ' : '') + String(f.day); break;
      case Std.ZeroDay: out += pad(f.day, 2); break;
      case Std.UnderYearDay: out += String(f.yday).padStart(3, ' '); break;
      case Std.ZeroYearDay: out += pad(f.yday, 3); break;
      case Std.Hour: out += pad(f.hour, 2); break;
      case Std.Hour12: out += String(hr12); break;
      case Std.ZeroHour12: out += pad(hr12, 2); break;
      case Std.Minute: out += String(f.min); break;
      case Std.ZeroMinute: out += pad(f.min, 2); break;
      case Std.Second: out += String(f.sec); break;
      case Std.ZeroSecond: out += pad(f.sec, 2); break;
      case Std.PM: out += f.hour >= 12 ? 'PM' : 'AM'; break;
      case Std.pm: out += f.hour >= 12 ? 'pm' : 'am'; break;
      case Std.ISO8601TZ: case Std.ISO8601ColonTZ: case Std.ISO8601SecondsTZ: case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonSecondsTZ: case Std.NumTZ: case Std.NumColonTZ: case Std.NumSecondsTz:
      case Std.NumShortTZ: case Std.NumColonSecondsTZ: {
        const iso = ch.std >= Std.ISO8601TZ && ch.std <= Std.ISO8601ColonSecondsTZ;
        if (iso && f.offset === 0) {
          out += 'Z';
          break;
        }
        const colon = ch.std === Std.ISO8601ColonTZ || ch.std === Std.ISO8601ColonSecondsTZ || ch.std === Std.NumColonTZ || ch.std === Std.NumColonSecondsTZ;
        const secs = ch.std === Std.ISO8601SecondsTZ || ch.std === Std.ISO8601ColonSecondsTZ || ch.std === Std.NumSecondsTz || ch.std === Std.NumColonSecondsTZ;
        const short = ch.std === Std.ISO8601ShortTZ || ch.std === Std.NumShortTZ;
        out += formatZone(f.offset, colon, secs, short);
        break;
      }
      case Std.TZ:
        if (f.abbrev !== '') out += f.abbrev;
        else out += formatZone(f.offset, false, false, false);
        break;
      case Std.FracSecond0:
        out += ch.sep + String(f.nsec).padStart(9, '0').slice(0, ch.digits);
        break;
      case Std.FracSecond9: {
        const digits = String(f.nsec).padStart(9, '0').slice(0, ch.digits).replace(/0+$/, '');
        if (digits !== '') out += ch.sep + digits;
        break;
      }
    }
  }
  return out;
}

const MONTH_LOOKUP = MONTHS.map((m) => m.toLowerCase());

/** Time.ParseInLocation; undefined where Go returns an error (the callers ignore the text). */
export function parseInLocation(layout0: string, value0: string, loc: GoLocation): GoTime | undefined {
  let layout = layout0;
  let value = value0;
  let year = 1;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let zoneOffset: number | undefined;
  let zoneName = '';
  const parseNumZone = (): boolean => {
    const m = /^([+-])([0-9]{2})(?::?([0-9]{2}))?(?::?([0-9]{2}))?/.exec(value);
    if (!m) return false;
    value = value.slice(m[0].length);
    const off = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
    zoneOffset = m[1] === '-' ? -off : off;
    return true;
  };
  const num = (fixed: boolean, max = 2): number | undefined => {
    const m = (fixed ? new RegExp(`^[0-9]{${max}}`) : new RegExp(`^[0-9]{1,${max}}`)).exec(value);
    if (!m) return undefined;
    value = value.slice(m[0].length);
    return Number(m[0]);
  };
  for (;;) {
    const ch = nextStdChunk(layout);
    const prefix = ch.prefix;
    // Spaces in the layout match any run of spaces... only exact prefix matching here.
    if (!value.startsWith(prefix)) return undefined;
    value = value.slice(prefix.length);
    if (ch.std === Std.None) {
      if (value.length !== 0) return undefined;
      break;
    }
    layout = ch.suffix;
    let v: number | undefined;
    switch (ch.std) {
      case Std.Year: {
        if (!/^[0-9]{2}/.test(value)) return undefined;
        v = Number(value.slice(0, 2));
        value = value.slice(2);
        year = v >= 69 ? v + 1900 : v + 2000;
        break;
      }
      case Std.LongYear:
        if (!/^[0-9]{4}/.test(value)) return undefined;
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case Std.Month: case Std.LongMonth: {
        const names = ch.std === Std.Month ? MONTH_LOOKUP.map((m) => m.slice(0, 3)) : MONTH_LOOKUP;
        const idx = names.findIndex((m) => value.slice(0, m.length).toLowerCase() === m);
        if (idx < 0) return undefined;
        value = value.slice(names[idx].length);
        month = idx + 1;
        break;
      }
      case Std.NumMonth: case Std.ZeroMonth:
        v = num(ch.std === Std.ZeroMonth);
        if (v === undefined || v < 1 || v > 12) return undefined;
        month = v;
        break;
      case Std.WeekDay: case Std.LongWeekDay: {
        const names = DAYS.map((d) => (ch.std === Std.WeekDay ? d.slice(0, 3) : d).toLowerCase());
        const idx = names.findIndex((d) => value.slice(0, d.length).toLowerCase() === d);
        if (idx < 0) return undefined;
        value = value.slice(names[idx].length);
        break;
      }
      case Std.Day: case Std.UnderDay: case Std.ZeroDay:
        if (ch.std === Std.UnderDay && value.startsWith(' ')) value = value.slice(1);
        v = num(ch.std === Std.ZeroDay);
        if (v === undefined) return undefined;
        day = v;
        break;
      case Std.UnderYearDay: case Std.ZeroYearDay:
        if (ch.std === Std.UnderYearDay) value = value.replace(/^ {1,2}/, '');
        v = num(ch.std === Std.ZeroYearDay, 3);
        if (v === undefined || v < 1 || v > 366) return undefined;
        yday = v;
        break;
      case Std.Hour:
        v = num(false);
        if (v === undefined || v > 23) return undefined;
        hour = v;
        break;
      case Std.Hour12: case Std.ZeroHour12:
        v = num(ch.std === Std.ZeroHour12);
        if (v === undefined || v > 12) return undefined;
        hour = v;
        break;
      case Std.Minute: case Std.ZeroMinute:
        v = num(ch.std === Std.ZeroMinute);
        if (v === undefined || v > 59) return undefined;
        min = v;
        break;
      case Std.Second: case Std.ZeroSecond: {
        v = num(ch.std === Std.ZeroSecond);
        if (v === undefined || v > 59) return undefined;
        sec = v;
        // A fractional second in the value without one in the layout is accepted.
        const next = nextStdChunk(layout);
        if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)
          && next.std !== Std.FracSecond0 && next.std !== Std.FracSecond9 && next.prefix === '') {
          const m = /^[.,]([0-9]+)/.exec(value)!;
          nsec = Number(m[1].padEnd(9, '0').slice(0, 9));
          value = value.slice(m[0].length);
        }
        break;
      }
      case Std.PM: case Std.pm: {
        const p = value.slice(0, 2).toUpperCase();
        if (p === 'PM') pmSet = true;
        else if (p === 'AM') amSet = true;
        else return undefined;
        value = value.slice(2);
        break;
      }
      case Std.ISO8601TZ: case Std.ISO8601ColonTZ: case Std.ISO8601SecondsTZ: case Std.ISO8601ShortTZ:
      case Std.ISO8601ColonSecondsTZ:
        if (value.startsWith('Z')) {
          value = value.slice(1);
          zoneOffset = 0;
          zoneName = 'UTC';
          break;
        }
        if (!parseNumZone()) return undefined;
        break;
      case Std.NumTZ: case Std.NumColonTZ: case Std.NumSecondsTz: case Std.NumShortTZ: case Std.NumColonSecondsTZ: {
        if (!parseNumZone()) return undefined;
        break;
      }
      case Std.TZ: {
        if (value.startsWith('UTC')) {
          value = value.slice(3);
          zoneOffset = 0;
          zoneName = 'UTC';
          break;
        }
        const m = /^[A-Z]{3,5}/.exec(value);
        if (!m) return undefined;
        zoneName = m[0];
        value = value.slice(m[0].length);
        break;
      }
      case Std.FracSecond0: {
        const re = new RegExp(`^[.,][0-9]{${ch.digits}}`);
        const m = re.exec(value);
        if (!m) return undefined;
        nsec = Number(m[0].slice(1).padEnd(9, '0').slice(0, 9));
        value = value.slice(m[0].length);
        break;
      }
      case Std.FracSecond9: {
        const m = /^[.,]([0-9]+)/.exec(value);
        if (!m) break;
        nsec = Number(m[1].padEnd(9, '0').slice(0, 9));
        value = value.slice(m[0].length);
        break;
      }
    }
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    const d0 = daysFromCivil(year, 1, 1) + yday - 1;
    const c = civil(d0);
    if (c.y !== year) return undefined;
    month = c.m;
    day = c.d;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  const mdays = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (day < 1 || day > mdays) return undefined;
  const local = daysFromCivil(year, month, day) * DAY + hour * 3600 + min * 60 + sec;
  if (zoneOffset !== undefined) {
    const t = local - zoneOffset;
    if (zoneOffset === 0 && zoneName === 'UTC') return new GoTime(t, nsec, UTC);
    const here = loc.lookup(t);
    if (here.offset === zoneOffset) return new GoTime(t, nsec, loc);
    return new GoTime(t, nsec, new FixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== '') {
    const here = loc.lookup(local);
    if (here.abbrev === zoneName) return new GoTime(local - here.offset, nsec, loc);
    return new GoTime(local, nsec, new FixedZone(zoneName, 0));
  }
  let off = loc.lookup(local).offset;
  let t = local - off;
  const off2 = loc.lookup(t).offset;
  if (off2 !== off) {
    off = off2;
    t = local - off;
  }
  return new GoTime(t, nsec, loc);
}

/** time.FixedZone. */
export class FixedZone extends GoLocation {
  constructor(name: string, private readonly off: number) {
    super(name, undefined);
    this.zname = name;
  }

  private readonly zname: string;

  override lookup(): ZoneInfo {
    return { offset: this.off, abbrev: this.zname };
  }
}
