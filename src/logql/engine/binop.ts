/** Binary operations between a literal and a vector, or two vectors, as Loki's BinOpStepEvaluator. */
import { getLabel, labelsToString, sortLabels, type Label, type Labels } from '../../model/labels.js';
import type { BinaryOp, BinaryOperator, VectorMatching } from '../syntax/ast.js';
import { foldBinary } from '../syntax/fold.js';
import { duplicateSeriesError, groupingNotUniqueError, manyToOneError } from './errors.js';
import { dropNames, keepNames } from './grouping.js';
import { RowTable, type StepVector, type StepVectors } from './vectors.js';

const COMPARISON: ReadonlySet<BinaryOperator> = new Set<BinaryOperator>(['==', '!=', '>', '>=', '<', '<=']);

/**
 * Loki's MergeBinOp for one pair of values: arithmetic as folded literals (x/0 and x%0 are NaN);
 * a comparison filters (undefined when false, `keep` when true) unless `bool` asked for 0/1.
 */
export function mergeValues(op: BinaryOperator, l: number, r: number, filter: boolean, keep: number): number | undefined {
  const v = foldBinary(op, l, r);
  if (!COMPARISON.has(op)) return v;
  if (v === 1) return filter ? keep : 1;
  return filter ? undefined : 0;
}

/** `vector op literal` or `literal op vector`: labels are kept, a passing filter keeps the vector's value. */
export function literalBinop(node: BinaryOp, literal: number, vec: StepVectors, literalLeft: boolean): StepVectors {
  const filter = !node.returnBool;
  const steps = vec.steps.map((s): StepVector => {
    const rows: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < s.rows.length; i++) {
      const v = s.values[i];
      const m = literalLeft ? mergeValues(node.op, literal, v, filter, v) : mergeValues(node.op, v, literal, filter, v);
      if (m === undefined) continue;
      rows.push(s.rows[i]);
      values.push(m);
    }
    return { rows, values };
  });
  return { table: vec.table, steps };
}

/** The key samples are matched on: all labels, only the `on` ones, or all but the `ignoring` ones. */
function signatures(m: VectorMatching, v: StepVectors): (row: number) => string {
  const names = new Set(m.labels);
  const cache: string[] = [];
  return (row) => {
    let sig = cache[row];
    if (sig === undefined) {
      const r = v.table.rows[row];
      if (m.on) sig = labelsToString(keepNames(r.labels, names));
      else sig = names.size === 0 ? r.key : labelsToString(dropNames(r.labels, names));
      cache[row] = sig;
    }
    return sig;
  };
}

/** Loki's resultMetric: one-to-one keeps the matched labels only; group_x copies `include` from the "one" side. */
export function resultLabels(many: Labels, one: Labels, m: VectorMatching): Labels {
  let out: Labels = many;
  if (m.card === 'one-to-one') {
    const names = new Set(m.labels);
    out = m.on ? keepNames(many, names) : dropNames(many, names);
  }
  if (m.include.length === 0) return out;
  const include = new Set(m.include);
  const res: Label[] = out.filter((l) => !include.has(l.name));
  for (const name of m.include) {
    const v = getLabel(one, name);
    if (v !== undefined && v !== '') res.push({ name, value: v });
  }
  return sortLabels(res);
}

export function vectorBinop(node: BinaryOp, lhs: StepVectors, rhs: StepVectors): StepVectors {
  switch (node.op) {
    case 'and': case 'or': case 'unless': return setOp(node, lhs, rhs);
    default: return arithmetic(node, lhs, rhs);
  }
}

/** Arithmetic and comparisons; group_right is group_left with the sides swapped. */
function arithmetic(node: BinaryOp, lhs: StepVectors, rhs: StepVectors): StepVectors {
  const m = node.matching;
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhs, lhs] : [lhs, rhs];
  const manySig = signatures(m, many);
  const oneSig = signatures(m, one);
  const table = new RowTable();
  const pairs = new Map<number, number>();
  const width = one.table.rows.length;
  const outRow = (a: number, b: number): number => {
    const id = a * width + b;
    let row = pairs.get(id);
    if (row === undefined) {
      row = table.intern(resultLabels(many.table.rows[a].labels, one.table.rows[b].labels, m));
      pairs.set(id, row);
    }
    return row;
  };
  const filter = !node.returnBool;
  const steps = many.steps.map((ms, k): StepVector => {
    const os = one.steps[k];
    const bySig = new Map<string, number>();
    for (let j = 0; j < os.rows.length; j++) {
      const sig = oneSig(os.rows[j]);
      if (bySig.has(sig)) throw duplicateSeriesError(swapped ? 'left' : 'right');
      bySig.set(sig, j);
    }
    const matched = new Map<string, Set<number> | null>();
    const rows: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < ms.rows.length; i++) {
      const sig = manySig(ms.rows[i]);
      const j = bySig.get(sig);
      if (j === undefined) continue;
      const row = outRow(ms.rows[i], os.rows[j]);
      if (m.card === 'one-to-one') {
        if (matched.has(sig)) throw manyToOneError();
        matched.set(sig, null);
      } else {
        let seen = matched.get(sig);
        if (!seen) matched.set(sig, (seen = new Set()));
        else if (seen.has(row)) throw groupingNotUniqueError();
        seen.add(row);
      }
      const [l, r] = swapped ? [os.values[j], ms.values[i]] : [ms.values[i], os.values[j]];
      const v = mergeValues(node.op, l, r, filter, l);
      if (v === undefined) continue;
      rows.push(row);
      values.push(v);
    }
    return { rows, values };
  });
  return { table, steps };
}

/** and / or / unless; `or` needs a table holding both sides' rows. */
function setOp(node: BinaryOp, lhs: StepVectors, rhs: StepVectors): StepVectors {
  const lsig = signatures(node.matching, lhs);
  const rsig = signatures(node.matching, rhs);
  if (node.op !== 'or') {
    const keepMatched = node.op === 'and';
    const steps = lhs.steps.map((ls, k): StepVector => {
      const rs = rhs.steps[k];
      if (ls.rows.length === 0 || rs.rows.length === 0) return keepMatched ? { rows: [], values: [] } : ls;
      const sigs = new Set(rs.rows.map(rsig));
      const rows: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < ls.rows.length; i++) {
        if (sigs.has(lsig(ls.rows[i])) !== keepMatched) continue;
        rows.push(ls.rows[i]);
        values.push(ls.values[i]);
      }
      return { rows, values };
    });
    return { table: lhs.table, steps };
  }
  const table = new RowTable();
  const lmap: number[] = [];
  const rmap: number[] = [];
  const lrow = (r: number): number => (lmap[r] ??= table.intern(lhs.table.rows[r].labels, lhs.table.rows[r].key));
  const rrow = (r: number): number => (rmap[r] ??= table.intern(rhs.table.rows[r].labels, rhs.table.rows[r].key));
  const steps = lhs.steps.map((ls, k): StepVector => {
    const rs = rhs.steps[k];
    const rows = ls.rows.map(lrow);
    const values = ls.values.slice();
    const sigs = new Set(ls.rows.map(lsig));
    for (let j = 0; j < rs.rows.length; j++) {
      // An empty left side takes the whole right side, duplicates included.
      if (ls.rows.length > 0 && sigs.has(rsig(rs.rows[j]))) continue;
      rows.push(rrow(rs.rows[j]));
      values.push(rs.values[j]);
    }
    return { rows, values };
  });
  return { table, steps };
}
