/** Addressing config keys by dotted path (`ingester.wal.dir`) through the schema. */
import { defaultsOf, type AnySchema, type AnySpec, type LeafSpec } from './spec.js';
import type { Value } from './values.js';

export interface LeafEntry {
  readonly path: string;
  readonly spec: LeafSpec<Value>;
}

/** Every leaf of the schema in declaration order; list items are not descended into. */
export function leaves(schema: AnySchema, prefix = ''): LeafEntry[] {
  const out: LeafEntry[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (spec.kind === 'leaf') out.push({ path, spec });
    else if (spec.kind === 'group') out.push(...leaves(spec.fields, path));
  }
  return out;
}

export function specAt(schema: AnySchema, path: string): AnySpec | undefined {
  const parts = path.split('.');
  let current: AnySchema | undefined = schema;
  let spec: AnySpec | undefined;
  for (const part of parts) {
    if (!current || !Object.hasOwn(current, part)) return undefined;
    spec = current[part];
    current = spec.kind === 'group' ? spec.fields : undefined;
  }
  return spec;
}

/** Sets the value at `path`, creating optional blocks on the way. */
export function setAt(target: Record<string, unknown>, schema: AnySchema, path: string, value: unknown): void {
  const parts = path.split('.');
  let obj = target;
  let fields = schema;
  for (const part of parts.slice(0, -1)) {
    const spec = fields[part];
    if (spec?.kind !== 'group') throw new Error(`BUG: ${path} is not a config leaf`);
    let next = obj[part] as Record<string, unknown> | null | undefined;
    if (next === null || next === undefined) { next = defaultsOf(spec.fields); obj[part] = next; }
    obj = next;
    fields = spec.fields;
  }
  obj[parts[parts.length - 1]] = value;
}
