/** Stream selectors and label matchers: `{app="api", env=~"prod|dev"}`. */
import { LabelMatcher, type MatchType } from '../../model/matcher.js';
import { errorMessage } from '../../util/errors.js';
import { goRegexError } from '../../util/regex.js';
import { ParseError } from './errors.js';
import type { Parser } from './parser-core.js';
import { Tok } from './tokens.js';

const MATCH_OPS: ReadonlyMap<Tok, MatchType> = new Map([
  [Tok.EQ, '='], [Tok.NEQ, '!='], [Tok.RE, '=~'], [Tok.NRE, '!~'],
]);

/** A matcher; an invalid regex aborts the parse at once, as Loki's parser panics there. */
export function newMatcher(type: MatchType, name: string, value: string): LabelMatcher {
  if (type === '=~' || type === '!~') {
    const err = goRegexError(value);
    if (err !== undefined) throw new ParseError(err);
  }
  try {
    return new LabelMatcher(name, type, value);
  } catch (err) {
    throw new ParseError(errorMessage(err));
  }
}

export function matchTypeOf(t: Tok): MatchType | undefined {
  return MATCH_OPS.get(t);
}

/** `name op "value"` after the name has been read. */
export function parseMatcherRest(p: Parser, name: string): LabelMatcher {
  const type = matchTypeOf(p.peek().type);
  if (type === undefined) p.fail([Tok.EQ, Tok.NEQ, Tok.RE, Tok.NRE]);
  p.next();
  const value = p.expect(Tok.STRING).text;
  return newMatcher(type, name, value);
}

export function parseSelector(p: Parser): LabelMatcher[] {
  p.expect(Tok.OPEN_BRACE);
  const matchers: LabelMatcher[] = [];
  if (p.at(Tok.CLOSE_BRACE)) {
    p.next();
    return matchers;
  }
  for (;;) {
    const name = p.expect(Tok.IDENTIFIER, [Tok.IDENTIFIER, ...(matchers.length === 0 ? [Tok.CLOSE_BRACE] : [])]).text;
    matchers.push(parseMatcherRest(p, name));
    if (p.at(Tok.COMMA)) {
      p.next();
      continue;
    }
    p.expect(Tok.CLOSE_BRACE, [Tok.CLOSE_BRACE, Tok.COMMA]);
    return matchers;
  }
}

/** Loki's rule: at least one matcher must not match the empty string. */
export function selectorError(matchers: readonly LabelMatcher[]): ParseError | undefined {
  for (const m of matchers) if (!m.matchesEmpty()) return undefined;
  return new ParseError(
    'queries require at least one regexp or equality matcher that does not have an empty-compatible value. ' +
    'For instance, app=~".*" does not meet this requirement, but app=~".+" will',
  );
}
