/**
 * Loki's regex simplifier (filter.go RegexSimplifier): regexes made of literals, `.*`,
 * `.+` and alternations become substring/equality tests. Its quirks are kept on purpose:
 * concatenations become *contains* tests even for label matchers (`path=~"/api/.*"`
 * matches "/v2/api/x"), `.+` only means "not empty", and `.*` is always true.
 */
import { Unsupported, parseGoRegexTree, type Node } from '../syntax/go-regex-tree.js';
import {
  EXISTS_FILTER, TRUE_FILTER, containsFilter, equalFilter, orFilter, type Filter,
} from './filter.js';

const clear = (n: Node): Node => (n.op === 'capture' ? n.sub : n);

function chainOr(curr: Filter | undefined, next: Filter): Filter {
  return curr === undefined ? next : orFilter(curr, next);
}

function simplify(n: Node, isLabel: boolean): Filter | undefined {
  switch (n.op) {
    case 'alt': return simplifyAlternate(n.subs, isLabel);
    case 'concat': return simplifyConcat(n.subs, undefined);
    case 'capture': return simplify(n.sub, isLabel);
    case 'lit': return isLabel ? equalFilter(n.text, n.fold) : containsFilter(n.text, n.fold);
    case 'star': return n.sub.op === 'anynl' ? TRUE_FILTER : undefined;
    case 'plus': return n.sub.op === 'anynl' ? EXISTS_FILTER : undefined;
    case 'empty': return TRUE_FILTER;
    default: return undefined;
  }
}

function simplifyAlternate(subs: readonly Node[], isLabel: boolean): Filter | undefined {
  let f = simplify(clear(subs[0]), isLabel);
  if (f === undefined) return undefined;
  for (let i = 1; i < subs.length; i++) {
    const f2 = simplify(clear(subs[i]), isLabel);
    if (f2 === undefined) return undefined;
    f = orFilter(f, f2);
  }
  return f;
}

function simplifyConcat(subs0: readonly Node[], base: string | undefined): Filter | undefined {
  const subs = subs0.map(clear).filter((s) => s.op !== 'empty');
  if (subs.length > 3) return undefined;
  let literal = base;
  let curr: Filter | undefined;
  let literals = 0;
  let fold = false;
  for (const sub of subs) {
    if (sub.op === 'lit') {
      if (literals !== 0) return undefined;
      literals++;
      literal = (literal ?? '') + sub.text;
      fold = sub.fold;
      continue;
    }
    if (sub.op === 'alt' && literal !== undefined) {
      curr = simplifyConcatAlternate(sub.subs, literal, curr, fold);
      if (curr === undefined) return undefined;
      continue;
    }
    if (sub.op === 'star' && sub.sub.op === 'anynl') continue;
    return undefined;
  }
  if (curr !== undefined) return curr;
  if (literal !== undefined) return containsFilter(literal, fold);
  return undefined;
}

function simplifyConcatAlternate(
  alts: readonly Node[], literal: string, curr0: Filter | undefined, fold: boolean,
): Filter | undefined {
  let curr = curr0;
  for (const alt of alts) {
    const altFold = alt.op === 'lit' && alt.fold;
    if (!fold && altFold) return undefined;
    switch (alt.op) {
      case 'empty':
        curr = chainOr(curr, containsFilter(literal, fold));
        break;
      case 'lit':
        curr = chainOr(curr, containsFilter(literal + alt.text, fold));
        break;
      case 'concat': {
        const f = simplifyConcat(alt.subs, literal);
        if (f === undefined) return undefined;
        curr = chainOr(curr, f);
        break;
      }
      case 'star':
        if (alt.sub.op !== 'anynl') return undefined;
        curr = chainOr(curr, containsFilter(literal, fold));
        break;
      default:
        return undefined;
    }
  }
  return curr;
}

/** The literal filter Loki would use for this regex, or undefined when it keeps the regex. */
export function simplifyRegex(pattern: string, isLabel: boolean): Filter | undefined {
  let tree: Node;
  try {
    tree = parseGoRegexTree(pattern);
  } catch (err) {
    // Constructs the model does not cover stay regexes.
    if (err instanceof Unsupported || err instanceof RangeError || err instanceof TypeError) return undefined;
    throw err;
  }
  return simplify(tree, isLabel);
}
