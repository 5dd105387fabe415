/** `| drop a, b="v", c=~"re"`: removes labels by name or by matcher; also clears the error labels. */
import type { LabelSelectorItem } from '../syntax/index.js';
import type { LabelsBuilder } from './labels-builder.js';
import { ERROR_DETAILS_LABEL, ERROR_LABEL } from './names.js';
import type { Stage } from './stage.js';

export class DropLabelsStage implements Stage {
  constructor(private readonly items: readonly LabelSelectorItem[]) {}

  process(_ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    for (const it of this.items) {
      const name = it.name;
      const m = it.matcher;
      if (name === ERROR_LABEL) {
        if (m === undefined || m.matches(lbs.err)) lbs.err = '';
        continue;
      }
      if (name === ERROR_DETAILS_LABEL) {
        if (m === undefined || m.matches(lbs.errDetails)) lbs.errDetails = '';
        continue;
      }
      const v = lbs.get(name);
      if (m === undefined ? v !== undefined : m.matches(v ?? '')) lbs.del(name);
    }
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
