/**
 * Loki prints a label filter `name=~"re"` with the regex in backticks unless its
 * regex simplifier turns it into literal filters (pkg/logql/log/filter.go simplify).
 */
import { Unsupported, parseGoRegexTree, type Node } from './go-regex-tree.js';

const clear = (n: Node): Node => (n.op === 'capture' ? n.sub : n);

function isDotStar(n: Node): boolean {
  return n.op === 'star' && n.sub.op === 'anynl';
}

/** Loki's simplify(reg, isLabel=true): whether literal filters can replace the regex. */
function simplifiable(n: Node): boolean {
  switch (n.op) {
    case 'alt': return n.subs.map(clear).every(simplifiable);
    case 'concat': return concatOk(n.subs, false);
    case 'capture': return simplifiable(clear(n));
    case 'lit': case 'empty': return true;
    case 'star': return n.sub.op === 'anynl';
    case 'plus': return n.sub.op === 'anynl';
    default: return false;
  }
}

function concatOk(subs0: Node[], hasBase: boolean): boolean {
  const subs = subs0.map(clear).filter((s) => s.op !== 'empty');
  if (subs.length > 3) return false;
  let literals = 0;
  let base = hasBase;
  let baseFold = false;
  let fromAlt = false;
  for (const s of subs) {
    if (s.op === 'lit') {
      if (literals !== 0) return false;
      literals++;
      base = true;
      baseFold = s.fold;
      continue;
    }
    if (s.op === 'alt' && base) {
      for (const a of s.subs) {
        const fold = (a.op === 'lit' && a.fold) || false;
        if (!baseFold && fold) return false;
        if (a.op === 'empty' || a.op === 'lit') continue;
        if (a.op === 'concat' && concatOk(a.subs, true)) continue;
        if (isDotStar(a)) continue;
        return false;
      }
      fromAlt = true;
      continue;
    }
    if (isDotStar(s)) continue;
    return false;
  }
  return fromAlt || base;
}

/** Whether Loki reduces the label regex to literal filters (and so prints it quoted). */
export function labelRegexIsLiteralFilter(pattern: string): boolean {
  try {
    return simplifiable(parseGoRegexTree(pattern));
  } catch (err) {
    // Anything the model does not cover prints as a regex; printing must not fail.
    if (err instanceof Unsupported || err instanceof RangeError || err instanceof TypeError) return false;
    throw err;
  }
}
