/**
 * The functions Loki registers for line_format / label_format (pkg/logql/log/fmt.go): its own,
 * Go's strings package under their Go names, and the sprig subset, with their Go signatures
 * and error texts.
 */
import { BytesError, DurationError, goQuote, parseBytes, parseGoDuration } from '../../syntax/index.js';
import { goRegexError } from '../../../util/regex.js';
import { toFloat64, toInt64 } from './cast.js';
import * as dec from './decimal.js';
import { CallError, type ExecContext, type FuncDef, type ParamType } from './exec.js';
import { GoRegexp } from './goregexp.js';
import { GoTime, LOCAL, UTC, loadLocation, parseInLocation } from './gotime.js';
import { parseInt64 } from './strconv.js';
import { queryEscape, queryUnescape } from './urlcodec.js';
import { GoInt, isTime, type GoValue } from './values.js';

const s = (v: GoValue): string => v as string;
const n = (v: GoValue): number => Number((v as GoInt).v);

function fn(params: ParamType[], call: (a: GoValue[], ctx: ExecContext) => GoValue, variadic?: ParamType): FuncDef {
  return variadic === undefined ? { params, call } : { params, variadic, call };
}

/** Go's unicode.IsSpace. */
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'gu');

function trimSpace(x: string): string {
  return x.replace(TRIM_SPACE, '');
}

function trimLeftSet(x: string, cutset: string): string {
  const set = new Set(cutset);
  const r = [...x];
  let i = 0;
  while (i < r.length && set.has(r[i])) i++;
  return r.slice(i).join('');
}

function trimRightSet(x: string, cutset: string): string {
  const set = new Set(cutset);
  const r = [...x];
  let j = r.length;
  while (j > 0 && set.has(r[j - 1])) j--;
  return r.slice(0, j).join('');
}

/** Per-rune case mapping: Go keeps runes whose mapping is not a single rune. */
function mapCase(x: string, upper: boolean): string {
  let out = '';
  for (const ch of x) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

/** strings.Replace. */
function replace(x: string, old: string, nw: string, count: number): string {
  if (old === nw || count === 0) return x;
  if (old === '') {
    const runes = [...x];
    let out = '';
    let done = 0;
    for (let i = 0; i <= runes.length; i++) {
      if (count < 0 || done < count) {
        out += nw;
        done++;
      }
      if (i < runes.length) out += runes[i];
    }
    return out;
  }
  if (count < 0) return x.split(old).join(nw);
  let out = '';
  let rest = x;
  for (let k = 0; k < count; k++) {
    const i = rest.indexOf(old);
    if (i < 0) break;
    out += rest.slice(0, i) + nw;
    rest = rest.slice(i + old.length);
  }
  return out + rest;
}

function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return new RegExp(`^[${SPACE}]$`, 'u').test(ch);
}

/** strings.Title. */
function title(x: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of x) {
    out += isSeparator(prev) ? mapCase(ch, true) : ch;
    prev = ch;
  }
  return out;
}

function indent(spaces: number, v: string): string {
  if (spaces < 0) throw new CallError('strings: negative Repeat count');
  const p = ' '.repeat(spaces);
  return p + v.split('\n').join('\n' + p);
}

function regexp(pattern: string): GoRegexp {
  const err = goRegexError(pattern);
  if (err !== undefined) throw new CallError(err);
  return new GoRegexp(pattern);
}

const b64Alphabet = /^[A-Za-z0-9+/]$/;

/** base64.StdEncoding.DecodeString; sprig returns the error text instead of failing. */
function b64dec(x: string): string {
  const len = x.length;
  for (let i = 0; i < len; i++) {
    const c = x[i];
    if (b64Alphabet.test(c)) continue;
    if (c === '=' && i >= len - 2 && len % 4 === 0 && (i === len - 1 || x[len - 1] === '=') && i >= 2) continue;
    return `illegal base64 data at input byte ${i}`;
  }
  if (len % 4 !== 0) return `illegal base64 data at input byte ${len - (len % 4) + (len % 4 === 1 ? 0 : len % 4)}`;
  return Buffer.from(x, 'base64').toString('utf8');
}

function runes(x: string): string[] {
  return [...x];
}

/** Loki's trunc: by runes, negative counts from the end. */
function trunc(c: number, x: string): string {
  const r = runes(x);
  const l = r.length;
  if (c < 0 && l + c > 0) return r.slice(l + c).join('');
  if (c >= 0 && l > c) return r.slice(0, c).join('');
  return x;
}

/** Loki's substr: by runes, clamped. */
function substr(start0: number, end0: number, x: string): string {
  const r = runes(x);
  const l = r.length;
  let start = start0;
  let end = end0;
  if (end > l) end = l;
  if (start > l) start = l;
  if (start < 0) return end < 0 ? '' : r.slice(0, end).join('');
  if (end < 0) return r.slice(start).join('');
  if (start > end) return '';
  return r.slice(start, end).join('');
}

function align(count: number, src: string, left: boolean): string {
  const r = runes(src);
  const l = r.length;
  if (count < 0 || count === l) return src;
  const pad = count - l;
  if (pad > 0) return left ? src + ' '.repeat(pad) : ' '.repeat(pad) + src;
  return left ? r.slice(0, count).join('') : r.slice(l - count).join('');
}

function jsonToGo(v: unknown): GoValue {
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(jsonToGo);
  switch (typeof v) {
    case 'string': case 'number': case 'boolean': return v;
    case 'object': {
      const m = new Map<string, GoValue>();
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, jsonToGo(x));
      return m;
    }
  }
  return null;
}

/** sprig's empty(). */
function empty(v: GoValue): boolean {
  if (v === undefined || v === null) return true;
  switch (typeof v) {
    case 'string': return v.length === 0;
    case 'boolean': return !v;
    case 'number': return v === 0;
  }
  if (v instanceof GoInt) return v.v === 0n;
  if (v instanceof Map) return v.size === 0;
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

function decimalOp(first: GoValue, rest: GoValue[], op: (a: dec.Decimal, b: dec.Decimal) => dec.Decimal): number {
  let acc = dec.fromFloat(toFloat64(first));
  for (const x of rest) acc = op(acc, dec.fromFloat(toFloat64(x)));
  return dec.toFloat(acc);
}

/** Go's integer division panics on zero. */
function intDiv(a: bigint, b: bigint, mod: boolean): bigint {
  if (b === 0n) throw new CallError('runtime error: integer divide by zero');
  return BigInt.asIntN(64, mod ? a % b : a / b);
}

/** time.Duration.Seconds. */
function durationSeconds(d: bigint): number {
  return Number(d / 1_000_000_000n) + Number(d % 1_000_000_000n) / 1e9;
}

function unixToTime(epoch: string): GoTime {
  const i = parseInt64(epoch, 10);
  if (i === undefined) {
    const why = /^[+-]?[0-9]+$/.test(epoch) ? 'value out of range' : 'invalid syntax';
    throw new CallError(`unable to parse time '${epoch}': strconv.ParseInt: parsing ${goQuote(epoch)}: ${why}`);
  }
  switch (epoch.length) {
    case 5: return GoTime.fromUnixNano(i * 86400n * 1_000_000_000n);
    case 10: return GoTime.fromUnixNano(i * 1_000_000_000n);
    case 13: return GoTime.fromUnixNano(i * 1_000_000n);
    case 16: return GoTime.fromUnixNano(i * 1000n);
    case 19: return GoTime.fromUnixNano(i);
    default: throw new CallError(`unable to parse time '${epoch}': %!w(<nil>)`);
  }
}

function nowTime(): GoTime {
  return GoTime.fromUnixNano(BigInt(Date.now()) * 1_000_000n, LOCAL);
}

export const LOKI_FUNCS: ReadonlyMap<string, FuncDef> = new Map<string, FuncDef>([
  // Go's strings package under Loki's old names.
  ['ToLower', fn(['string'], (a) => mapCase(s(a[0]), false))],
  ['ToUpper', fn(['string'], (a) => mapCase(s(a[0]), true))],
  ['Replace', fn(['string', 'string', 'string', 'int'], (a) => replace(s(a[0]), s(a[1]), s(a[2]), n(a[3])))],
  ['Trim', fn(['string', 'string'], (a) => trimRightSet(trimLeftSet(s(a[0]), s(a[1])), s(a[1])))],
  ['TrimLeft', fn(['string', 'string'], (a) => trimLeftSet(s(a[0]), s(a[1])))],
  ['TrimRight', fn(['string', 'string'], (a) => trimRightSet(s(a[0]), s(a[1])))],
  ['TrimPrefix', fn(['string', 'string'], (a) => (s(a[0]).startsWith(s(a[1])) ? s(a[0]).slice(s(a[1]).length) : s(a[0])))],
  ['TrimSuffix', fn(['string', 'string'], (a) => (s(a[1]) !== '' && s(a[0]).endsWith(s(a[1])) ? s(a[0]).slice(0, -s(a[1]).length) : s(a[0])))],
  ['TrimSpace', fn(['string'], (a) => trimSpace(s(a[0])))],
  // Loki's own.
  ['regexReplaceAll', fn(['string', 'string', 'string'], (a) => regexp(s(a[0])).replaceAll(s(a[1]), s(a[2]), false))],
  ['regexReplaceAllLiteral', fn(['string', 'string', 'string'], (a) => regexp(s(a[0])).replaceAll(s(a[1]), s(a[2]), true))],
  ['count', fn(['string', 'string'], (a) => GoInt.int(regexp(s(a[0])).count(s(a[1]))))],
  ['urldecode', fn(['string'], (a) => queryUnescape(s(a[0])))],
  ['urlencode', fn(['string'], (a) => queryEscape(s(a[0])))],
  ['bytes', fn(['string'], (a) => {
    try {
      return Number(parseBytes(s(a[0])));
    } catch (e) {
      if (e instanceof BytesError) throw new CallError(e.message);
      throw e;
    }
  })],
  ...(['duration', 'duration_seconds'] as const).map((name): [string, FuncDef] => [name, fn(['string'], (a) => {
    try {
      return durationSeconds(parseGoDuration(s(a[0])));
    } catch (e) {
      if (e instanceof DurationError) throw new CallError(e.message);
      throw e;
    }
  })]),
  ['unixEpochMillis', fn(['time'], (a) => (a[0] as GoTime).unixMilli().toString())],
  ['unixEpochNanos', fn(['time'], (a) => (a[0] as GoTime).unixNano().toString())],
  ['toDateInZone', fn(['string', 'string', 'string'], (a) => {
    let loc;
    try {
      loc = loadLocation(s(a[1]));
    } catch {
      loc = UTC;
    }
    return parseInLocation(s(a[0]), s(a[2]), loc) ?? GoTime.zero();
  })],
  ['unixToTime', fn(['string'], (a) => unixToTime(s(a[0])))],
  ['alignLeft', fn(['int', 'string'], (a) => align(n(a[0]), s(a[1]), true))],
  ['alignRight', fn(['int', 'string'], (a) => align(n(a[0]), s(a[1]), false))],
  // Sprig.
  ['b64enc', fn(['string'], (a) => Buffer.from(s(a[0]), 'utf8').toString('base64'))],
  ['b64dec', fn(['string'], (a) => b64dec(s(a[0])))],
  ['lower', fn(['string'], (a) => mapCase(s(a[0]), false))],
  ['upper', fn(['string'], (a) => mapCase(s(a[0]), true))],
  ['title', fn(['string'], (a) => title(s(a[0])))],
  ['trunc', fn(['int', 'string'], (a) => trunc(n(a[0]), s(a[1])))],
  ['substr', fn(['int', 'int', 'string'], (a) => substr(n(a[0]), n(a[1]), s(a[2])))],
  ['contains', fn(['string', 'string'], (a) => s(a[1]).includes(s(a[0])))],
  ['hasPrefix', fn(['string', 'string'], (a) => s(a[1]).startsWith(s(a[0])))],
  ['hasSuffix', fn(['string', 'string'], (a) => s(a[1]).endsWith(s(a[0])))],
  ['indent', fn(['int', 'string'], (a) => indent(n(a[0]), s(a[1])))],
  ['nindent', fn(['int', 'string'], (a) => '\n' + indent(n(a[0]), s(a[1])))],
  ['replace', fn(['string', 'string', 'string'], (a) => replace(s(a[2]), s(a[0]), s(a[1]), -1))],
  ['repeat', fn(['int', 'string'], (a) => {
    if (n(a[0]) < 0) throw new CallError('strings: negative Repeat count');
    return s(a[1]).repeat(n(a[0]));
  })],
  ['trim', fn(['string'], (a) => trimSpace(s(a[0])))],
  ['trimAll', fn(['string', 'string'], (a) => trimRightSet(trimLeftSet(s(a[1]), s(a[0])), s(a[0])))],
  ['trimSuffix', fn(['string', 'string'], (a) => (s(a[0]) !== '' && s(a[1]).endsWith(s(a[0])) ? s(a[1]).slice(0, -s(a[0]).length) : s(a[1])))],
  ['trimPrefix', fn(['string', 'string'], (a) => (s(a[1]).startsWith(s(a[0])) ? s(a[1]).slice(s(a[0]).length) : s(a[1])))],
  ['int', fn(['any'], (a) => new GoInt('int', toInt64(a[0])))],
  ['float64', fn(['any'], (a) => toFloat64(a[0]))],
  ['add', fn([], (a) => GoInt.int64(a.reduce<bigint>((acc, x) => acc + toInt64(x), 0n)), 'any')],
  ['sub', fn(['any', 'any'], (a) => GoInt.int64(toInt64(a[0]) - toInt64(a[1])))],
  ['mul', fn(['any'], (a) => GoInt.int64(a.slice(1).reduce<bigint>((acc, x) => BigInt.asIntN(64, acc * toInt64(x)), toInt64(a[0]))), 'any')],
  ['div', fn(['any', 'any'], (a) => GoInt.int64(intDiv(toInt64(a[0]), toInt64(a[1]), false)))],
  ['mod', fn(['any', 'any'], (a) => GoInt.int64(intDiv(toInt64(a[0]), toInt64(a[1]), true)))],
  ['addf', fn([], (a) => decimalOp(0, a, dec.add), 'any')],
  ['subf', fn(['any'], (a) => decimalOp(a[0], a.slice(1), dec.sub), 'any')],
  ['mulf', fn(['any'], (a) => decimalOp(a[0], a.slice(1), dec.mul), 'any')],
  ['divf', fn(['any'], (a) => decimalOp(a[0], a.slice(1), dec.div), 'any')],
  ['max', fn(['any'], (a) => GoInt.int64(a.slice(1).reduce<bigint>((acc, x) => { const v = toInt64(x); return v > acc ? v : acc; }, toInt64(a[0]))), 'any')],
  ['min', fn(['any'], (a) => GoInt.int64(a.slice(1).reduce<bigint>((acc, x) => { const v = toInt64(x); return v < acc ? v : acc; }, toInt64(a[0]))), 'any')],
  ['maxf', fn(['any'], (a) => a.slice(1).reduce<number>((acc, x) => goMax(acc, toFloat64(x)), toFloat64(a[0])), 'any')],
  ['minf', fn(['any'], (a) => a.slice(1).reduce<number>((acc, x) => goMin(acc, toFloat64(x)), toFloat64(a[0])), 'any')],
  ['ceil', fn(['any'], (a) => Math.ceil(toFloat64(a[0])))],
  ['floor', fn(['any'], (a) => Math.floor(toFloat64(a[0])))],
  ['round', fn(['any', 'int'], (a) => {
    const roundOn = a.length > 2 ? (a[2] as number) : 0.5;
    const val = toFloat64(a[0]);
    const pow = Math.pow(10, n(a[1]));
    const digit = pow * val;
    const frac = digit - Math.trunc(digit);
    const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
    return r / pow;
  }, 'float64')],
  ['fromJson', fn(['string'], (a) => {
    try {
      return jsonToGo(JSON.parse(s(a[0])));
    } catch {
      return null;
    }
  })],
  ['date', fn(['string', 'any'], (a) => {
    const d = a[1];
    let t: GoTime;
    if (isTime(d)) t = d;
    else if (d instanceof GoInt && (d.type === 'int' || d.type === 'int64' || d.type === 'int32')) t = GoTime.fromUnixNano(d.v * 1_000_000_000n);
    else t = nowTime();
    return t.in(LOCAL).format(s(a[0]));
  })],
  ['toDate', fn(['string', 'string'], (a) => parseInLocation(s(a[0]), s(a[1]), LOCAL) ?? GoTime.zero())],
  ['now', fn([], () => nowTime())],
  ['unixEpoch', fn(['time'], (a) => (a[0] as GoTime).unix().toString())],
  ['default', fn(['any'], (a) => (a.length < 2 || empty(a[1]) ? a[0] : a[1]), 'any')],
  ['__line__', fn([], (_a, ctx) => ctx.line())],
  ['__timestamp__', fn([], (_a, ctx) => GoTime.fromUnixNano(ctx.ts, LOCAL))],
]);

/** math.Max / math.Min with Go's NaN and signed-zero rules. */
function goMax(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return x > y ? x : y;
}

function goMin(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return x < y ? x : y;
}
