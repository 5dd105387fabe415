/** sum avg min max count stddev stdvar topk bottomk sort sort_desc, as Loki's VectorAggEvaluator. */
import { labelsToString } from '../../model/labels.js';
import type { VectorAggregation } from '../syntax/ast.js';
import { approxTopkError } from './errors.js';
import { groupLabelsFn } from './grouping.js';
import { RowTable, type StepVector, type StepVectors } from './vectors.js';

/** Maps each input row to its group once; groups become the output rows. */
function groupIndex(node: VectorAggregation, input: StepVectors, groups: RowTable): (row: number) => number {
  const labelsOf = groupLabelsFn(node.grouping);
  const cache: number[] = [];
  return (row) => {
    let g = cache[row];
    if (g === undefined) {
      const labels = labelsOf(input.table.rows[row].labels);
      g = cache[row] = groups.intern(labels, labels === input.table.rows[row].labels ? input.table.rows[row].key : labelsToString(labels));
    }
    return g;
  };
}

export function vectorAggregate(node: VectorAggregation, input: StepVectors): StepVectors {
  switch (node.op) {
    case 'approx_topk': throw approxTopkError();
    case 'topk': case 'bottomk': case 'sort': case 'sort_desc': return select(node, input);
    default: return reduce(node, input);
  }
}

/** The numeric aggregations: one sample per group and step. */
function reduce(node: VectorAggregation, input: StepVectors): StepVectors {
  const table = new RowTable();
  const groupOf = groupIndex(node, input, table);
  const value: number[] = [];
  const mean: number[] = [];
  const count: number[] = [];
  const stamp: number[] = [];
  const op = node.op;
  const steps = input.steps.map((vec, k): StepVector => {
    const touched: number[] = [];
    for (let i = 0; i < vec.rows.length; i++) {
      const g = groupOf(vec.rows[i]);
      const v = vec.values[i];
      if (stamp[g] !== k) {
        stamp[g] = k;
        touched.push(g);
        value[g] = op === 'stddev' || op === 'stdvar' ? 0 : v;
        mean[g] = v;
        count[g] = 1;
        continue;
      }
      switch (op) {
        case 'sum': value[g] += v; break;
        case 'avg': count[g]++; mean[g] += (v - mean[g]) / count[g]; break;
        case 'max': if (value[g] < v || Number.isNaN(value[g])) value[g] = v; break;
        case 'min': if (value[g] > v || Number.isNaN(value[g])) value[g] = v; break;
        case 'count': count[g]++; break;
        case 'stddev': case 'stdvar': {
          count[g]++;
          const delta = v - mean[g];
          mean[g] += delta / count[g];
          value[g] += delta * (v - mean[g]);
          break;
        }
      }
    }
    const values = touched.map((g) => {
      switch (op) {
        case 'avg': return mean[g];
        case 'count': return count[g];
        case 'stddev': return Math.sqrt(value[g] / count[g]);
        case 'stdvar': return value[g] / count[g];
        default: return value[g];
      }
    });
    return { rows: touched, values };
  });
  return { table, steps };
}

/** NaN sorts last both ways, as Prometheus' and Loki's heaps. */
function byValue(desc: boolean): (a: number, b: number) => number {
  return (a, b) => {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    if (a === b) return 0;
    return (a < b) !== desc ? -1 : 1;
  };
}

/** topk/bottomk/sort/sort_desc: samples keep their own labels; per group, ordered by value. */
function select(node: VectorAggregation, input: StepVectors): StepVectors {
  const groupOf = groupIndex(node, input, new RowTable());
  const desc = node.op === 'topk' || node.op === 'sort_desc';
  const cmp = byValue(desc);
  const limit = node.op === 'topk' || node.op === 'bottomk' ? node.param ?? 0 : Infinity;
  const steps = input.steps.map((vec): StepVector => {
    const members = new Map<number, number[]>();
    for (let i = 0; i < vec.rows.length; i++) {
      const g = groupOf(vec.rows[i]);
      const list = members.get(g);
      if (list) list.push(i);
      else members.set(g, [i]);
    }
    const rows: number[] = [];
    const values: number[] = [];
    for (const list of members.values()) {
      list.sort((a, b) => cmp(vec.values[a], vec.values[b]));
      for (let j = 0; j < list.length && j < limit; j++) {
        rows.push(vec.rows[list[j]]);
        values.push(vec.values[list[j]]);
      }
    }
    return { rows, values };
  });
  return { table: input.table, steps };
}
