/**
 * Line filters (`|= != |~ !~ |> !>`, ip(), `or` chains) compiled into byte tests, with the
 * shapes Loki gives them: regexes reduced to literal tests where its simplifier can
 * (pkg/logql/log/filter.go), "always true" filters dropped from `or` chains and `and`s.
 */
import type { LineFilter, LineFilterOp } from '../syntax/index.js';
import { compileRegex } from '../../util/regex.js';
import { andFilter, byteFilter, containsFilter, notFilter, orFilter, TRUE_FILTER, type Filter } from './filter.js';
import { IpMatcher } from './ip-filter.js';
import { patternParts, patternTest } from './pattern-matcher.js';
import { simplifyRegex } from './regex-simplify.js';

/** A regex as a filter: simplified to literal tests when Loki does, else RE2 on the bytes. */
export function regexFilter(pattern: string, isLabel: boolean): Filter {
  const simple = simplifyRegex(pattern, isLabel);
  if (simple !== undefined) return simple;
  const re = compileRegex(isLabel ? '^(?:' + pattern + ')$' : pattern);
  return byteFilter((l) => re.test(l), (s) => re.test(s));
}

function patternFilter(pattern: string): Filter {
  const parts = patternParts(pattern);
  return byteFilter((l) => patternTest(parts, l));
}

/** Loki's NewFilter for one term. */
export function termFilter(op: LineFilterOp, value: string): Filter {
  switch (op) {
    case '|=': return containsFilter(value, false);
    case '!=': return notFilter(containsFilter(value, false));
    case '|~': return regexFilter(value, false);
    case '!~': return notFilter(regexFilter(value, false));
    case '|>': return patternFilter(value);
    case '!>': return notFilter(patternFilter(value));
  }
}

/** One `LineFilter` of the AST; inside `or` chains ip("…") is a plain string. */
export function lineFilter(f: LineFilter): Filter {
  if (f.or.length > 0) {
    let acc = termFilter(f.op, f.value);
    for (const t of f.or) acc = orFilter(acc, termFilter(f.op, t.value));
    return acc;
  }
  if (f.ip) {
    const m = new IpMatcher(f.value);
    if (f.op === '|=') return byteFilter((l) => m.test(l));
    if (f.op === '!=') return byteFilter((l) => !m.test(l));
    throw new Error('ip: invalid operation');
  }
  return termFilter(f.op, f.value);
}

/** Consecutive line filters, all of which must match. */
export function chainFilter(filters: readonly LineFilter[]): Filter {
  let acc: Filter = TRUE_FILTER;
  // Cheap literal tests first, regexes last, as Loki orders them.
  const compiled = filters.map(lineFilter);
  const order = filters.map((f, i) => ({ i, cost: f.op === '|~' || f.op === '!~' ? 1 : 0 }));
  order.sort((a, b) => a.cost - b.cost || a.i - b.i);
  for (const { i } of order) acc = andFilter(acc, compiled[i]);
  return acc;
}
