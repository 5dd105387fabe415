/** `| regexp "re"`: named groups become labels; no match extracts nothing. */
import { captureGroupNames, compileRegex, type Regex } from '../../util/regex.js';
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { DUPLICATE_SUFFIX } from './names.js';
import { sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

interface GroupDecision {
  readonly id: number;
  readonly ok: boolean;
}

export class RegexpParserStage implements Stage {
  private readonly re: Regex;
  /** Capture group number → name ('' for unnamed groups). */
  private readonly names: readonly string[];

  constructor(private readonly slot: number, pattern: string) {
    this.re = compileRegex(pattern);
    this.names = ['', ...captureGroupNames(pattern)];
  }

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    // Capture extraction is far slower in RE2 than a plain match: test first.
    if (!this.re.test(line)) return line;
    // The typings know only group 0; the result is an array of Buffers (undefined for unset groups).
    const m = this.re.exec(line) as unknown as (Buffer | undefined)[] | null;
    if (m === null) return line;
    const decisions = lbs.stageCache(this.slot, () => new Array<GroupDecision | undefined>(this.names.length));
    for (let i = 1; i < m.length && i < this.names.length; i++) {
      const name = this.names[i];
      if (name === '') continue;
      let d = decisions[i];
      if (d === undefined) {
        let key = sanitizeLabelKey(name, true);
        let ok = key !== '';
        if (ok) {
          if (lbs.baseHas(key)) key += DUPLICATE_SUFFIX;
          ok = lbs.shouldExtract(key);
        }
        d = { id: ok ? lbs.names.id(key) : -1, ok };
        decisions[i] = d;
      }
      if (!d.ok) continue;
      const g = m[i];
      lbs.setId(PARSED, d.id, g === undefined ? '' : g.toString('utf8'));
      if (!lbs.shouldContinueParsingLine(d.id, ts)) return null;
    }
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
