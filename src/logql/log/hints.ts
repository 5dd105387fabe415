/**
 * Parser hints of metric queries (Loki's parser_hints.go): which labels parsers need to
 * extract, whether they may skip parsing entirely, and the label filters they may run as
 * soon as the label is set. They change results in observable ways (a line whose error
 * sits after the last needed key is not an error; `sum(count_over_time(... | json))`
 * never sees JSONParserErr), so they are reproduced, not just an optimisation.
 */
import { DUPLICATE_SUFFIX, ERROR_LABEL, type NameTable } from './names.js';
import type { Stage } from './stage.js';

export class ParserHints {
  /** Log queries: no requirement, no early filters. */
  static readonly NONE = new ParserHints(false, [], false, [], []);

  readonly requiredNames: readonly string[];

  private constructor(
    readonly noLabels: boolean,
    required: readonly string[],
    readonly preserveError: boolean,
    /** Names of the label filters that may run early, aligned with `filters`. */
    readonly filterNames: readonly string[],
    readonly filters: readonly Stage[],
  ) {
    this.requiredNames = required;
  }

  /** Loki's NewParserHint. */
  static forMetric(
    requiredLabelNames: readonly string[], groups: readonly string[], without: boolean, noLabels: boolean,
    metricLabelName: string, stages: readonly Stage[],
  ): ParserHints {
    const hints = uniq(appendHints([], [...requiredLabelNames, ...groups, metricLabelName]));
    const filterNames: string[] = [];
    const filters: Stage[] = [];
    for (const s of stages) {
      if (s.hintFilter === undefined) continue;
      filterNames.push(s.hintFilter.name);
      filters.push(s);
    }
    const preserve = hints.includes(ERROR_LABEL);
    if (noLabels) {
      if (hints.length > 0) return new ParserHints(false, hints, preserve, filterNames, filters);
      return new ParserHints(true, [], false, [], []);
    }
    // Without a by() nothing is known about what is needed.
    if (without || groups.length === 0) return new ParserHints(false, [], false, filterNames, filters);
    return new ParserHints(false, hints, preserve, [], []);
  }

  requiredIds(names: NameTable): number[] {
    return this.requiredNames.map((n) => names.id(n));
  }
}

/** Required names with and without the `_extracted` suffix: parsers ask before they rename. */
function appendHints(dst: string[], src: readonly string[]): string[] {
  for (const l of src) {
    dst.push(l);
    if (l.endsWith(DUPLICATE_SUFFIX)) dst.push(l.slice(0, -DUPLICATE_SUFFIX.length));
  }
  return dst;
}

/** Loki's uniqueString: empty names are dropped too. */
function uniq(a: string[]): string[] {
  return [...new Set(a)].filter((s) => s !== '');
}
