import { labelsToString, type Labels } from '../../model/labels.js';

/** A result label set; rows are shared by all steps, so per-series work is done once. */
export interface Row {
  readonly labels: Labels;
  /** labelsToString(labels) */
  readonly key: string;
}

/** Rows interned by label set. */
export class RowTable {
  readonly rows: Row[] = [];
  private readonly index = new Map<string, number>();

  intern(labels: Labels, key = labelsToString(labels)): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.rows.length;
      this.rows.push({ labels, key });
      this.index.set(key, i);
    }
    return i;
  }
}

/**
 * The samples of one evaluation step: parallel arrays of row index and value, in evaluation order
 * (which instant queries with sort/sort_desc show). A row may repeat when two results share labels.
 */
export interface StepVector {
  readonly rows: number[];
  readonly values: number[];
}

/** An evaluated sub-expression: one vector per step. Memory is proportional to the samples. */
export interface StepVectors {
  readonly table: RowTable;
  readonly steps: StepVector[];
}

export function emptySteps(count: number): StepVector[] {
  const out: StepVector[] = new Array(count);
  for (let k = 0; k < count; k++) out[k] = { rows: [], values: [] };
  return out;
}
