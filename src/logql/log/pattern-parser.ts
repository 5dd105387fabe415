/** `| pattern "<ip> - <_> …"`: named captures become labels. */
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { DUPLICATE_SUFFIX } from './names.js';
import { patternMatches, patternParts, type Part } from './pattern-matcher.js';
import type { Stage } from './stage.js';

export class PatternParserStage implements Stage {
  private readonly parts: readonly Part[];
  private readonly names: readonly string[];
  private readonly ranges: number[] = [];

  constructor(pattern: string) {
    this.parts = patternParts(pattern);
    this.names = this.parts.filter((p) => p.name !== undefined && p.name !== '_').map((p) => p.name as string);
  }

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    const n = patternMatches(this.parts, line, this.ranges);
    for (let i = 0; i < n; i += 2) {
      let name = this.names[i >> 1];
      if (lbs.baseHas(name)) name += DUPLICATE_SUFFIX;
      if (!lbs.shouldExtract(name)) continue;
      const id = lbs.names.id(name);
      lbs.setId(PARSED, id, line.toString('utf8', this.ranges[i], this.ranges[i + 1]));
      if (!lbs.shouldContinueParsingLine(id, ts)) return null;
    }
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
