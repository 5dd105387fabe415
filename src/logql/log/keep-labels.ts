/** `| keep a, b="v"`: removes every other label; the error labels always stay. */
import type { LabelSelectorItem } from '../syntax/index.js';
import type { LabelsBuilder } from './labels-builder.js';
import { ERROR_DETAILS_LABEL, ERROR_LABEL, PRESERVE_ERROR_LABEL } from './names.js';
import type { Stage } from './stage.js';

export class KeepLabelsStage implements Stage {
  private readonly toDelete: string[] = [];

  constructor(private readonly items: readonly LabelSelectorItem[]) {}

  private keeps(name: string, value: string): boolean {
    for (const it of this.items) {
      if (it.matcher !== undefined) {
        if (it.matcher.name === name && it.matcher.matches(value)) return true;
      } else if (it.name === name) {
        return true;
      }
    }
    return false;
  }

  process(_ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (this.items.length === 0) return line;
    const del = this.toDelete;
    del.length = 0;
    lbs.forEach((name, value) => {
      if (name === ERROR_LABEL || name === ERROR_DETAILS_LABEL || name === PRESERVE_ERROR_LABEL) return;
      if (!this.keeps(name, value)) del.push(name);
    });
    for (const name of del) lbs.del(name);
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
