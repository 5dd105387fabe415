/**
 * The effective configuration as YAML, for `GET /config` and `-print-config-stderr`.
 * Durations and sizes print as Loki prints them (Go durations `1h0m0s`, Prometheus
 * durations in limits `30d1h`, sizes `256KB`).
 */
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { ANY_SCHEMA, defaultConfig } from './defaults.js';
import type { AnySchema } from './spec.js';
import type { SkaldConfig } from './types.js';
import { toYaml, type Value } from './values.js';

/** `/config?mode=`: everything, only the defaults, or only what differs from them. */
export type ConfigMode = 'all' | 'defaults' | 'diffs';

type Plain = Record<string, unknown>;

function render(schema: AnySchema, obj: Plain, base: Plain | null | undefined): Plain | undefined {
  const out: Plain = {};
  for (const [key, spec] of Object.entries(schema)) {
    const v = obj[key];
    const b = base === undefined ? undefined : (base?.[key] as unknown);
    if (base !== undefined && isDeepStrictEqual(v, b)) continue;
    if (spec.kind === 'leaf') out[key] = toYaml(spec.type, v as Value);
    else if (spec.kind === 'group') {
      if (v === null) { out[key] = null; continue; }
      const sub = render(spec.fields, v as Plain, base === undefined ? undefined : ((b as Plain | null) ?? null));
      if (sub !== undefined) out[key] = sub;
    } else if (spec.kind === 'list') {
      out[key] = (v as Plain[]).map((item) => render(spec.item, item, undefined));
    }
  }
  return Object.keys(out).length === 0 && base !== undefined ? undefined : out;
}

export function configToYaml(config: SkaldConfig, opts: { mode?: ConfigMode } = {}): string {
  const mode = opts.mode ?? 'all';
  const defaults = defaultConfig() as unknown as Plain;
  const source = mode === 'defaults' ? defaults : (config as unknown as Plain);
  const tree = render(ANY_SCHEMA, source, mode === 'diffs' ? defaults : undefined) ?? {};
  return stringify(tree, { lineWidth: 0, indentSeq: false });
}

/** `-log-config-reverse-order`: the YAML lines last first, so they read top-down in Grafana's log view. */
export function reversedConfigLines(yamlText: string): string[] {
  return yamlText.split('\n').filter((l) => l !== '').reverse();
}
