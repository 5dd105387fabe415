/**
 * Markdown tables for docs/configuration.md, rendered from the schema and the flag
 * definitions; a test checks the document contains them, so the two cannot drift.
 */
import { controlFlags } from '../cli/flags.js';
import { ANY_SCHEMA } from './defaults.js';
import type { AnySchema, LeafSpec } from './spec.js';
import { toYaml, type Value, type ValueType } from './values.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeLabel(type: ValueType): string {
  switch (type.t) {
    case 'enum': return type.values.join(' \\| ');
    case 'strings': return 'list of strings';
    case 'targets': return 'string';
    case 'date': return 'date';
    default: return type.t;
  }
}

function defaultLabel(spec: LeafSpec<Value>, value: Value): string {
  const v = toYaml(spec.type, value);
  if (Array.isArray(v)) return v.length === 0 ? '`[]`' : `\`[${v.join(', ')}]\``;
  if (v === '') return '`""`';
  return `\`${String(v)}\``;
}

function describe(spec: { doc: string; skald?: boolean; skaldDefault?: string }): string {
  let d = spec.doc;
  if (spec.skald) d = `**Skald only.** ${d}`;
  if (spec.skaldDefault) d += ` *Skald default:* ${spec.skaldDefault}`;
  return cell(d);
}

/** `values` replaces the schema defaults (list items show the default list's first item). */
function rows(schema: AnySchema, prefix: string, values?: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (spec.kind === 'leaf') {
      const flag = spec.flag ? `\`-${spec.flag}\`` : '';
      const value = values ? (values[key] as Value) : spec.default;
      out.push(`| \`${path}\` | ${typeLabel(spec.type)} | ${defaultLabel(spec, value)} | ${flag} | ${describe(spec)} |`);
    } else if (spec.kind === 'group') {
      out.push(...rows(spec.fields, path, values?.[key] as Record<string, unknown> | undefined));
    } else if (spec.kind === 'list') {
      out.push(`| \`${path}\` | list | one item, below | | ${describe(spec)} |`);
      out.push(...rows(spec.item, `${path}[]`, spec.default[0] as Record<string, unknown> | undefined));
    }
  }
  return out;
}

/** One row per implemented key: path, type, default, flag, description. */
export function renderConfigTable(): string {
  return [
    '| Key | Type | Default | Flag | Description |',
    '|---|---|---|---|---|',
    ...rows(ANY_SCHEMA, ''),
  ].join('\n') + '\n';
}

/** The flags that are not config keys. */
export function renderControlFlagTable(): string {
  return [
    '| Flag | Description |',
    '|---|---|',
    ...controlFlags().map((f) => `| \`-${f.name}\` | ${cell(f.usage)} |`),
  ].join('\n') + '\n';
}
