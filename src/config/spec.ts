/**
 * The shape of a config schema: one spec per key of SkaldConfig, checked by the compiler
 * against the config types, so a key cannot be added to one and forgotten in the other.
 */
import type { Value, ValueType } from './values.js';

export interface LeafSpec<V> {
  readonly kind: 'leaf';
  readonly type: ValueType;
  readonly default: V;
  readonly doc: string;
  /** Command-line flag (without the dash) that sets this key. */
  readonly flag?: string;
  /** Not a Loki key: Skald's own setting. */
  readonly skald?: boolean;
  /** Skald's default differs from Loki's; the text says why. */
  readonly skaldDefault?: string;
}

export interface GroupSpec<T> {
  readonly kind: 'group';
  readonly fields: Schema<T>;
  /** The whole block may be absent (`null`) until configured. */
  readonly nullable?: boolean;
}

export interface ListSpec<E> {
  readonly kind: 'list';
  readonly item: Schema<E>;
  readonly default: readonly E[];
  readonly doc: string;
  readonly skaldDefault?: string;
  /** Not a Loki key: Skald's own setting. */
  readonly skald?: boolean;
}

type Scalar = string | number | boolean | string[];

export type Spec<V> = [V] extends [Scalar]
  ? LeafSpec<V>
  : [V] extends [ReadonlyArray<infer E>]
    ? ListSpec<E>
    : null extends V
      ? GroupSpec<NonNullable<V>> & { readonly nullable: true }
      : GroupSpec<V>;

export type Schema<T> = { readonly [K in keyof T]-?: Spec<T[K]> };

/** Any spec, for code that walks the schema without knowing the config type. */
export type AnySpec =
  | LeafSpec<Value>
  | { readonly kind: 'group'; readonly fields: AnySchema; readonly nullable?: boolean }
  | { readonly kind: 'list'; readonly item: AnySchema; readonly default: readonly unknown[]; readonly doc: string; readonly skaldDefault?: string; readonly skald?: boolean }
  | DictSpec;

/** A mapping whose keys are user-defined (runtime `overrides.<tenant>`); each value starts from `base()`. */
export interface DictSpec {
  readonly kind: 'dict';
  readonly item: AnySchema;
  readonly base: () => Record<string, unknown>;
}

export type AnySchema = Readonly<Record<string, AnySpec>>;

export function leaf<V>(type: ValueType, def: V, doc: string, extra: { flag?: string; skald?: boolean; skaldDefault?: string } = {}): LeafSpec<V> {
  return { kind: 'leaf', type, default: def, doc, ...extra };
}

export function group<T>(fields: Schema<T>): GroupSpec<T> {
  return { kind: 'group', fields };
}

export function nullableGroup<T>(fields: Schema<T>): GroupSpec<T> & { readonly nullable: true } {
  return { kind: 'group', fields, nullable: true };
}

export function list<E>(item: Schema<E>, def: readonly E[], doc: string, skaldDefault?: string, extra: { skald?: boolean } = {}): ListSpec<E> {
  return { kind: 'list', item, default: def, doc, skaldDefault, ...extra };
}

/** Views a typed schema as an untyped one; every typed spec is an AnySpec by construction. */
export function untyped<T>(schema: Schema<T>): AnySchema {
  return schema as unknown as AnySchema;
}

/** The default value of every key of a schema. */
export function defaultsOf(schema: AnySchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) out[key] = defaultOf(spec);
  return out;
}

export function defaultOf(spec: AnySpec): unknown {
  switch (spec.kind) {
    case 'leaf': return Array.isArray(spec.default) ? [...spec.default] : spec.default;
    case 'group': return spec.nullable ? null : defaultsOf(spec.fields);
    case 'list': return structuredClone(spec.default);
    case 'dict': return {};
  }
}
