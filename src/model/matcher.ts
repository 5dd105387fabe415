import { compileAnchoredRegex, type Regex } from '../util/regex.js';
import type { Labels } from './labels.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** A label matcher of a stream selector, as in {app=~"api|web"}. */
export class LabelMatcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  private readonly re: Regex | undefined;

  constructor(name: string, type: MatchType, value: string) {
    this.name = name;
    this.type = type;
    this.value = value;
    this.re = type === '=~' || type === '!~' ? compileAnchoredRegex(value) : undefined;
  }

  /** Whether a label value matches; a missing label is the empty string. */
  matches(value: string): boolean {
    switch (this.type) {
      case '=': return value === this.value;
      case '!=': return value !== this.value;
      case '=~': return this.re!.test(value);
      case '!~': return !this.re!.test(value);
    }
  }

  matchesEmpty(): boolean {
    return this.matches('');
  }

  matchesLabels(labels: Labels): boolean {
    let v = '';
    for (const l of labels) if (l.name === this.name) { v = l.value; break; }
    return this.matches(v);
  }
}

export function matchesAll(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matchesLabels(labels)) return false;
  return true;
}
