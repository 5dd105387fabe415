/** label_replace(v, dst, replacement, src, regex) with Prometheus/Go semantics. */
import { getLabel, sortLabels, type Label, type Labels } from '../../model/labels.js';
import { compileRegex } from '../../util/regex.js';
import type { LabelReplace } from '../syntax/ast.js';
import { RowTable, type StepVectors } from './vectors.js';

interface Match {
  /** Captured text per group number; undefined for groups that did not take part. */
  readonly groups: readonly (string | undefined)[];
  readonly named: Readonly<Record<string, string | undefined>>;
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown or unmatched groups expand to nothing. */
export function expandTemplate(template: string, m: Match): string {
  let out = '';
  let rest = template;
  for (;;) {
    const i = rest.indexOf('$');
    if (i < 0) break;
    out += rest.slice(0, i);
    rest = rest.slice(i + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (ref === null) {
      // Malformed reference: the $ stays as text.
      out += '$';
      continue;
    }
    rest = rest.slice(ref[0].length);
    const name = ref[1] ?? ref[2];
    if (/^\d+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 8) {
      out += m.groups[Number(name)] ?? '';
    } else {
      out += m.named[name] ?? '';
    }
  }
  return out + rest;
}

/** The new labels of one series, or the same object when the regex does not match. */
export function replaceLabels(labels: Labels, node: LabelReplace, re: ReturnType<typeof compileRegex>): Labels {
  const src = getLabel(labels, node.src) ?? '';
  re.lastIndex = 0;
  const found = re.exec(src);
  if (found === null) return labels;
  const res = expandTemplate(node.replacement, { groups: found, named: found.groups ?? {} });
  const out: Label[] = labels.filter((l) => l.name !== node.dst);
  if (res !== '') out.push({ name: node.dst, value: res });
  return sortLabels(out);
}

export function labelReplace(node: LabelReplace, input: StepVectors): StepVectors {
  const re = compileRegex('^(?:' + node.regex + ')$');
  const table = new RowTable();
  const map: number[] = [];
  const rowOf = (r: number): number => {
    let out = map[r];
    if (out === undefined) {
      const row = input.table.rows[r];
      const labels = replaceLabels(row.labels, node, re);
      out = map[r] = labels === row.labels ? table.intern(labels, row.key) : table.intern(labels);
    }
    return out;
  };
  const steps = input.steps.map((s) => ({ rows: s.rows.map(rowOf), values: s.values }));
  return { table, steps };
}
