/** text/template's builtin functions (funcs.go): and, or, not, len, index, slice, comparisons, printing, escapers. */
import { CallError, type FuncDef } from './exec.js';
import { formatValue, sprint, sprintf, sprintln } from './fmt.js';
import { queryEscape } from './urlcodec.js';
import { GoInt, byteLen, isStringMap, isTrue, kindOf, typeName, type GoValue } from './values.js';

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

type BasicKind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: GoValue): BasicKind {
  switch (kindOf(v)) {
    case 'bool': return 'bool';
    case 'int': return 'int';
    case 'uint': return 'uint';
    case 'float': return 'float';
    case 'string': return 'string';
    default: return 'invalid';
  }
}

/** A nil interface compares as an invalid value. */
function iface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

function intOf(v: GoValue): bigint {
  return (v as GoInt).v;
}

function eq(args: GoValue[]): boolean {
  const a1 = iface(args[0]);
  const rest = args.slice(1);
  if (rest.length === 0) throw new CallError(errNoComparison);
  const k1 = basicKind(a1);
  for (const r of rest) {
    const a = iface(r);
    const k2 = basicKind(a);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truth = intOf(a1) >= 0n && intOf(a1) === intOf(a);
      else if (k1 === 'uint' && k2 === 'int') truth = intOf(a) >= 0n && intOf(a1) === intOf(a);
      else if (a1 !== undefined && a !== undefined) throw new CallError(errBadComparison);
    } else {
      switch (k1) {
        case 'bool': case 'float': case 'string': truth = a1 === a; break;
        case 'int': case 'uint': truth = intOf(a1) === intOf(a); break;
        default:
          if (a1 === undefined || a === undefined) truth = a1 === a;
          else throw new CallError(`non-comparable type ${formatValue(a)}: ${typeName(a)}`);
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(a0: GoValue, b0: GoValue): boolean {
  const a = iface(a0);
  const b = iface(b0);
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new CallError(errBadComparisonType);
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new CallError(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return intOf(a) < 0n || intOf(a) < intOf(b);
    if (k1 === 'uint' && k2 === 'int') return intOf(b) >= 0n && intOf(a) < intOf(b);
    throw new CallError(errBadComparison);
  }
  switch (k1) {
    case 'bool': throw new CallError(errBadComparisonType);
    case 'float': return (a as number) < (b as number);
    case 'int': case 'uint': return intOf(a) < intOf(b);
    default: return Buffer.compare(Buffer.from(a as string, 'utf8'), Buffer.from(b as string, 'utf8')) < 0;
  }
}

function le(a: GoValue, b: GoValue): boolean {
  return lt(a, b) || eq([a, b]);
}

/** evalArgs: one string stays as is, anything else goes through fmt.Sprint (invalid → <no value>). */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

function htmlEscape(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\ufffd', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]/u;

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else if (c < 0x80 || PRINTABLE.test(ch)) out += ch;
    else out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

function indexArg(index: GoValue, cap: number): number {
  const i = iface(index);
  if (i === undefined) throw new CallError('cannot index slice/array with nil');
  if (!(i instanceof GoInt)) throw new CallError(`cannot index slice/array with type ${typeName(i)}`);
  if (i.v < 0n || i.v > BigInt(cap)) throw new CallError(`index out of range: ${i.v}`);
  return Number(i.v);
}

function index(args: GoValue[]): GoValue {
  let item: GoValue = iface(args[0]);
  if (item === undefined) throw new CallError('index of untyped nil');
  for (const idx0 of args.slice(1)) {
    const idx = iface(idx0);
    if (item === undefined || item === null) throw new CallError('index of nil pointer');
    if (typeof item === 'string') {
      const bytes: Buffer = Buffer.from(item, 'utf8');
      const x = indexArg(idx, bytes.length);
      if (x >= bytes.length) throw new CallError(`reflect: string index out of range`);
      item = new GoInt('uint8', BigInt(bytes[x]));
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x >= item.length) throw new CallError('reflect: slice index out of range');
      item = item[x];
    } else if (item instanceof Map || isStringMap(item)) {
      const keyType = 'string';
      if (idx === undefined) throw new CallError(`value is nil; should be of type ${keyType}`);
      if (typeof idx !== 'string') throw new CallError(`value has type ${typeName(idx)}; should be ${keyType}`);
      item = item instanceof Map ? (item.has(idx) ? item.get(idx) : null) : (item.get(idx) ?? '');
    } else {
      throw new CallError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(args: GoValue[]): GoValue {
  const item = iface(args[0]);
  const idx = args.slice(1);
  if (item === undefined) throw new CallError('slice of untyped nil');
  if (idx.length > 3) throw new CallError(`too many slice indexes: ${idx.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (idx.length === 3) throw new CallError('cannot 3-index slice a string');
    len = byteLen(item);
  } else if (Array.isArray(item)) {
    len = item.length;
  } else {
    throw new CallError(`can't slice item of type ${typeName(item)}`);
  }
  const ix = [0, len, len];
  for (let i = 0; i < idx.length; i++) ix[i] = indexArg(idx[i], len);
  if (ix[0] > ix[1]) throw new CallError(`invalid slice index: ${ix[0]} > ${ix[1]}`);
  if (idx.length === 3 && ix[1] > ix[2]) throw new CallError(`invalid slice index: ${ix[1]} > ${ix[2]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(ix[0], ix[1]).toString('utf8');
  return (item as GoValue[]).slice(ix[0], ix[1]);
}

function length(v0: GoValue): GoInt {
  const v = v0;
  if (v === undefined) throw new CallError('reflect: call of reflect.Value.Type on zero Value');
  if (v === null) throw new CallError('len of nil pointer');
  if (typeof v === 'string') return GoInt.int(byteLen(v));
  if (Array.isArray(v)) return GoInt.int(v.length);
  if (v instanceof Map) return GoInt.int(v.size);
  if (isStringMap(v)) return GoInt.int(v.keys().length);
  throw new CallError(`len of type ${typeName(v)}`);
}

export const BUILTINS: ReadonlyMap<string, FuncDef> = new Map<string, FuncDef>([
  ['and', { params: ['value'], variadic: 'value', builtin: true, call: () => undefined }],
  ['or', { params: ['value'], variadic: 'value', builtin: true, call: () => undefined }],
  ['not', { params: ['value'], builtin: true, call: (a) => !isTrue(iface(a[0])) }],
  ['call', {
    params: ['value'], variadic: 'value', builtin: true,
    call: (a) => {
      if (iface(a[0]) === undefined) throw new CallError('call of nil');
      throw new CallError(`non-function of type ${typeName(a[0])}`);
    },
  }],
  ['html', { params: [], variadic: 'any', builtin: true, call: (a) => htmlEscape(evalArgs(a)) }],
  ['js', { params: [], variadic: 'any', builtin: true, call: (a) => jsEscape(evalArgs(a)) }],
  ['urlquery', { params: [], variadic: 'any', builtin: true, call: (a) => queryEscape(evalArgs(a)) }],
  ['index', { params: ['value'], variadic: 'value', builtin: true, call: index }],
  ['slice', { params: ['value'], variadic: 'value', builtin: true, call: slice }],
  ['len', { params: ['value'], builtin: true, call: (a) => length(a[0]) }],
  ['print', { params: [], variadic: 'any', builtin: true, call: (a) => sprint(a) }],
  ['printf', { params: ['string'], variadic: 'any', builtin: true, call: (a) => sprintf(a[0] as string, a.slice(1)) }],
  ['println', { params: [], variadic: 'any', builtin: true, call: (a) => sprintln(a) }],
  ['eq', { params: ['value'], variadic: 'value', builtin: true, call: (a) => eq(a) }],
  ['ne', { params: ['value', 'value'], builtin: true, call: (a) => !eq(a) }],
  ['lt', { params: ['value', 'value'], builtin: true, call: (a) => lt(a[0], a[1]) }],
  ['le', { params: ['value', 'value'], builtin: true, call: (a) => le(a[0], a[1]) }],
  ['gt', { params: ['value', 'value'], builtin: true, call: (a) => !le(a[0], a[1]) }],
  ['ge', { params: ['value', 'value'], builtin: true, call: (a) => !lt(a[0], a[1]) }],
]);
