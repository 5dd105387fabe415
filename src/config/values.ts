/**
 * Value types of config keys: how a YAML value or a flag string becomes a typed value,
 * and how a value is printed back the way Loki prints it.
 */
import { formatByteSize, parseByteSize } from './bytesize.js';
import { formatDuration, parseDuration, type DurationStyle } from './duration.js';
import { ValueError } from './errors.js';
import { parseTargets } from './targets.js';

export type ValueType =
  | { readonly t: 'string' }
  | { readonly t: 'bool' }
  | { readonly t: 'int'; readonly min?: number; readonly max?: number }
  | { readonly t: 'float'; readonly min?: number }
  | { readonly t: 'duration'; readonly style: DurationStyle; readonly allowNegative?: boolean }
  | { readonly t: 'bytes' }
  | { readonly t: 'enum'; readonly values: readonly string[]; readonly aliases?: Readonly<Record<string, string>> }
  | { readonly t: 'strings' }
  | { readonly t: 'targets' }
  | { readonly t: 'date' };

export type Value = string | number | boolean | string[];

export const T = {
  string: { t: 'string' } as const,
  bool: { t: 'bool' } as const,
  int: (opts: { min?: number; max?: number } = {}): ValueType => ({ t: 'int', ...opts }),
  float: (opts: { min?: number } = {}): ValueType => ({ t: 'float', ...opts }),
  duration: (style: DurationStyle, opts: { allowNegative?: boolean } = {}): ValueType => ({ t: 'duration', style, ...opts }),
  bytes: { t: 'bytes' } as const,
  enumOf: (values: readonly string[], aliases?: Record<string, string>): ValueType => ({ t: 'enum', values, aliases }),
  strings: { t: 'strings' } as const,
  targets: { t: 'targets' } as const,
  date: { t: 'date' } as const,
} satisfies Record<string, ValueType | ((...a: never[]) => ValueType)>;

/** Go's yaml.v2 reads YAML 1.1 booleans; the `yaml` package parses 1.2, so accept the 1.1 words. */
const YAML11_TRUE = new Set(['y', 'yes', 'on', 'true']);
const YAML11_FALSE = new Set(['n', 'no', 'off', 'false']);
/** Go's strconv.ParseBool, used for flag values. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function describe(raw: unknown): string {
  if (raw === null || raw === undefined) return 'null';
  if (Array.isArray(raw)) return 'a list';
  if (typeof raw === 'object') return 'a mapping';
  return JSON.stringify(raw);
}

function checkRange(n: number, type: { min?: number; max?: number }): number {
  if (type.min !== undefined && n < type.min) throw new ValueError(`${n} is below the minimum ${type.min}`);
  if (type.max !== undefined && n > type.max) throw new ValueError(`${n} is above the maximum ${type.max}`);
  return n;
}

function checkDuration(ms: number, type: { allowNegative?: boolean }, raw: string): number {
  if (ms < 0 && !type.allowNegative) throw new ValueError(`negative duration "${raw}" is not allowed`);
  return ms;
}

function enumValue(s: string, type: { values: readonly string[]; aliases?: Readonly<Record<string, string>> }): string {
  if (type.values.includes(s)) return s;
  const alias = type.aliases?.[s];
  if (alias !== undefined) return alias;
  const all = [...type.values, ...Object.keys(type.aliases ?? {})];
  throw new ValueError(`invalid value "${s}", expected one of: ${all.join(', ')}`);
}

function dateValue(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(`${s}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
    throw new ValueError(`invalid date "${s}", expected YYYY-MM-DD`);
  }
  return s;
}

/** The value a YAML `null` gives, like Go's yaml.v2 zeroing the field. */
export function zeroValue(type: ValueType): Value {
  switch (type.t) {
    case 'bool': return false;
    case 'int': case 'float': case 'duration': case 'bytes': return 0;
    case 'strings': return [];
    default: return '';
  }
}

/** Converts a value decoded from YAML. Throws ValueError with a message naming the problem. */
export function fromYaml(type: ValueType, raw: unknown): Value {
  if (raw === null || raw === undefined) {
    const zero = zeroValue(type);
    if (type.t === 'enum' || type.t === 'targets' || type.t === 'date') return fromString(type, String(zero));
    return zero;
  }
  switch (type.t) {
    case 'string':
      if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      break;
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && YAML11_TRUE.has(raw.toLowerCase())) return true;
      if (typeof raw === 'string' && YAML11_FALSE.has(raw.toLowerCase())) return false;
      break;
    case 'int':
      if (typeof raw === 'number' && Number.isInteger(raw)) return checkRange(raw, type);
      break;
    case 'float':
      if (typeof raw === 'number') return checkRange(raw, type);
      break;
    case 'duration':
      if (raw === 0) return 0;
      if (typeof raw === 'number') throw new ValueError(`duration ${raw} needs a unit (ms, s, m, h, d, w)`);
      if (typeof raw === 'string') return checkDuration(parseDuration(raw), type, raw);
      break;
    case 'bytes':
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
      if (typeof raw === 'string') return parseByteSize(raw);
      break;
    case 'strings':
      if (Array.isArray(raw) && raw.every((x) => typeof x === 'string' || typeof x === 'number')) return raw.map(String);
      if (typeof raw === 'string') return splitList(raw);
      break;
    case 'enum':
    case 'targets':
    case 'date':
      if (typeof raw === 'string') return fromString(type, raw);
      break;
  }
  throw new ValueError(`expected ${typeName(type)}, got ${describe(raw)}`);
}

function splitList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

/** Converts a command-line flag value (Go flag package semantics for booleans). */
export function fromString(type: ValueType, s: string): Value {
  switch (type.t) {
    case 'string': return s;
    case 'bool':
      if (GO_TRUE.has(s)) return true;
      if (GO_FALSE.has(s)) return false;
      throw new ValueError('parse error');
    case 'int': {
      if (!/^[-+]?\d+$/.test(s.trim())) throw new ValueError('parse error');
      return checkRange(Number(s), type);
    }
    case 'float': {
      const n = Number(s);
      if (s.trim() === '' || Number.isNaN(n)) throw new ValueError('parse error');
      return checkRange(n, type);
    }
    case 'duration': return checkDuration(parseDuration(s), type, s);
    case 'bytes': return parseByteSize(s);
    case 'strings': return splitList(s);
    case 'enum': return enumValue(s, type);
    case 'targets': return parseTargets(s).join(',');
    case 'date': return dateValue(s);
  }
}

/** The value as Loki prints it in `/config` (durations and sizes as strings). */
export function toYaml(type: ValueType, v: Value): Value {
  if (type.t === 'duration' && typeof v === 'number') return formatDuration(v, type.style);
  if (type.t === 'bytes' && typeof v === 'number') return formatByteSize(v);
  return v;
}

export function typeName(type: ValueType): string {
  switch (type.t) {
    case 'string': return 'a string';
    case 'bool': return 'a boolean';
    case 'int': return 'an integer';
    case 'float': return 'a number';
    case 'duration': return 'a duration';
    case 'bytes': return 'a byte size';
    case 'strings': return 'a list of strings';
    case 'enum': return `one of ${type.values.join(', ')}`;
    case 'targets': return 'a comma-separated list of targets';
    case 'date': return 'a date (YYYY-MM-DD)';
  }
}
