/**
 * Go values as the template engine sees them. Strings, bools and float64 are plain JS
 * values; integers keep their Go type (int, int64, uint8, …) because comparisons and
 * argument checks depend on it; nil inside an interface is null and an invalid
 * reflect.Value is undefined.
 */
import type { GoTime } from './gotime.js';

export type IntType = 'int' | 'int64' | 'int32' | 'uint8' | 'uint64' | 'uint';

export class GoInt {
  constructor(readonly type: IntType, readonly v: bigint) {}

  static int(n: number | bigint): GoInt {
    return new GoInt('int', wrap64(BigInt(n)));
  }

  static int64(n: number | bigint): GoInt {
    return new GoInt('int64', wrap64(BigInt(n)));
  }

  get unsigned(): boolean {
    return this.type === 'uint8' || this.type === 'uint64' || this.type === 'uint';
  }
}

/** Two's complement wrap to int64, as Go arithmetic overflows. */
export function wrap64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** The data of a template: Loki passes the entry's labels as map[string]string. */
export interface StringMap {
  readonly kind: 'smap';
  get(key: string): string | undefined;
  /** Keys in any order. */
  keys(): string[];
}

/** map[string]interface{} (fromJson). */
export type ObjMap = Map<string, GoValue>;

export type GoValue =
  | undefined
  | null
  | string
  | boolean
  | number
  | GoInt
  | GoTime
  | StringMap
  | ObjMap
  | GoValue[];

export function isStringMap(v: GoValue): v is StringMap {
  return typeof v === 'object' && v !== null && !(v instanceof Map) && !Array.isArray(v) && (v as StringMap).kind === 'smap';
}

export function isTime(v: GoValue): v is GoTime {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'time';
}

export type Kind = 'invalid' | 'interface' | 'string' | 'bool' | 'float' | 'int' | 'uint' | 'struct' | 'map' | 'slice';

export function kindOf(v: GoValue): Kind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'interface';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'float';
  }
  if (v instanceof GoInt) return v.unsigned ? 'uint' : 'int';
  if (v instanceof Map) return 'map';
  if (Array.isArray(v)) return 'slice';
  if (isTime(v)) return 'struct';
  return 'map';
}

/** reflect.Type.String() of a value. */
export function typeName(v: GoValue): string {
  if (v === undefined) return '<nil>';
  if (v === null) return 'interface {}';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'float64';
  }
  if (v instanceof GoInt) return v.type;
  if (v instanceof Map) return 'map[string]interface {}';
  if (Array.isArray(v)) return '[]interface {}';
  if (isTime(v)) return 'time.Time';
  return 'map[string]string';
}

/** Go's truth for if/with/and/or/not: not the zero value. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'string': return v.length > 0;
    case 'boolean': return v;
    case 'number': return v !== 0;
  }
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof Map) return v.size > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isTime(v)) return true;
  return (v as StringMap).keys().length > 0;
}

/** Go's len() of a string: its UTF-8 byte count. */
export function byteLen(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
