/** Checks Loki runs on `regexp` and `pattern` parser arguments while parsing. */
import { captureGroupNames, goRegexError } from '../../util/regex.js';
import { PatternError, parsePattern } from './pattern.js';

/** log.NewRegexpParser's error, or undefined. */
export function regexpParserError(regex: string): string | undefined {
  const err = goRegexError(regex);
  if (err !== undefined) return err;
  const missing = 'at least one named capture must be supplied';
  const groups = captureGroupNames(regex);
  if (groups.length === 0) return missing;
  const seen = new Set<string>();
  for (const name of groups) {
    if (name === '') continue;
    if (seen.has(name)) return `duplicate extracted label name '${name}'`;
    seen.add(name);
  }
  return seen.size === 0 ? missing : undefined;
}

/** log.NewPatternParser's error, or undefined. */
export function patternError(pattern: string): string | undefined {
  try {
    parsePattern(pattern);
    return undefined;
  } catch (err) {
    if (err instanceof PatternError) return err.message;
    throw err;
  }
}
