/**
 * The syntax tree Go's regexp/syntax builds for a pattern, for the constructs that
 * decide how Loki treats a regex: literal merging, alternation factoring (common
 * prefixes, single characters folded into classes) and Simplify's repeat expansion.
 */

export type Node =
  | { op: 'lit'; text: string; fold: boolean }
  | { op: 'class' | 'any' | 'anynl' | 'assert' | 'empty' }
  | { op: 'capture'; sub: Node }
  | { op: 'star' | 'plus' | 'quest'; sub: Node }
  | { op: 'repeat'; sub: Node; min: number; max: number }
  | { op: 'concat' | 'alt'; subs: Node[] };

/** A construct the tree does not model; callers treat the pattern as a plain regex. */
export class Unsupported extends Error {}

const PERL_CLASSES = 'dDsSwW';

function hasCase(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}

/** Parses a (valid) Go regex into the tree Go's parser would build. */
class RegexParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Node {
    const n = this.alternation({ fold: false, dotNL: false });
    if (this.i < this.s.length) throw new Unsupported();
    return n;
  }

  private alternation(flags: { fold: boolean; dotNL: boolean }): Node {
    const alts: Node[] = [this.concat(flags)];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.concat(flags));
    }
    return collapseAlt(alts);
  }

  private concat(flags: { fold: boolean; dotNL: boolean }): Node {
    const items: Node[] = [];
    const s = this.s;
    while (this.i < s.length && s[this.i] !== '|' && s[this.i] !== ')') {
      const c = s[this.i];
      if (c === '*' || c === '+' || c === '?') {
        this.i++;
        if (s[this.i] === '?') this.i++;
        const sub = items.pop();
        if (!sub) throw new Unsupported();
        items.push({ op: c === '*' ? 'star' : c === '+' ? 'plus' : 'quest', sub });
        continue;
      }
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i));
        if (m) {
          this.i += m[0].length;
          if (s[this.i] === '?') this.i++;
          const sub = items.pop();
          if (!sub) throw new Unsupported();
          const min = Number(m[1]);
          const max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
          items.push({ op: 'repeat', sub, min, max });
          continue;
        }
        this.i++;
        items.push(lit('{', flags));
        continue;
      }
      if (c === '(') {
        items.push(...this.group(flags));
        continue;
      }
      const ch = String.fromCodePoint(s.codePointAt(this.i)!);
      this.i += ch.length;
      if (c === '.') items.push({ op: flags.dotNL ? 'any' : 'anynl' });
      else if (c === '^' || c === '$') items.push({ op: 'assert' });
      else if (c === '[') items.push(this.charClass(flags));
      else if (c === '\\') items.push(...this.escape(flags));
      else items.push(lit(ch, flags));
    }
    return collapseConcat(items);
  }

  /** `(…)`, `(?:…)`, `(?P<n>…)`, `(?i)`; a flag-only group changes flags in place. */
  private group(flags: { fold: boolean; dotNL: boolean }): Node[] {
    const s = this.s;
    this.i++;
    let capture = true;
    let inner = flags;
    if (s[this.i] === '?') {
      const named = /^\?P?<[^>]*>/.exec(s.slice(this.i));
      if (named) {
        this.i += named[0].length;
      } else {
        const m = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(s.slice(this.i));
        if (!m) throw new Unsupported();
        this.i += m[0].length;
        const next = { ...flags };
        for (const f of m[1]) apply(next, f, true);
        for (const f of m[2] ?? '') apply(next, f, false);
        if (m[3] === ')') {
          flags.fold = next.fold;
          flags.dotNL = next.dotNL;
          return [];
        }
        capture = false;
        inner = next;
      }
    }
    const sub = this.alternation({ ...inner });
    if (s[this.i] !== ')') throw new Unsupported();
    this.i++;
    return [capture ? { op: 'capture', sub } : sub];
  }

  private escape(flags: { fold: boolean; dotNL: boolean }): Node[] {
    const s = this.s;
    const c = s[this.i++];
    if (c === undefined) throw new Unsupported();
    if (PERL_CLASSES.includes(c)) return [{ op: 'class' }];
    if (c === 'p' || c === 'P') {
      if (s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
      else this.i++;
      return [{ op: 'class' }];
    }
    if ('bBAz'.includes(c)) return [{ op: 'assert' }];
    if (c === 'Q') {
      const e = s.indexOf('\\E', this.i);
      const text = e < 0 ? s.slice(this.i) : s.slice(this.i, e);
      this.i = e < 0 ? s.length : e + 2;
      return [...text].map((ch) => lit(ch, flags));
    }
    const ch = this.escapedChar(c);
    return [lit(ch, flags)];
  }

  private escapedChar(c: string): string {
    const s = this.s;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07' };
    if (simple[c] !== undefined) return simple[c];
    if (c === 'x') {
      if (s[this.i] === '{') {
        const e = s.indexOf('}', this.i);
        const cp = parseInt(s.slice(this.i + 1, e), 16);
        this.i = e + 1;
        return String.fromCodePoint(cp);
      }
      const cp = parseInt(s.slice(this.i, this.i + 2), 16);
      this.i += 2;
      return String.fromCodePoint(cp);
    }
    if (c >= '0' && c <= '7') {
      const m = /^[0-7]{0,2}/.exec(s.slice(this.i))![0];
      this.i += m.length;
      return String.fromCodePoint(parseInt(c + m, 8));
    }
    return c;
  }

  /** `[…]`: a single rune or a case pair is a literal in Go's tree, anything else a class. */
  private charClass(flags: { fold: boolean; dotNL: boolean }): Node {
    const s = this.s;
    let negated = false;
    if (s[this.i] === '^') { negated = true; this.i++; }
    const runes: string[] = [];
    let complex = negated;
    let first = true;
    while (this.i < s.length && (s[this.i] !== ']' || first)) {
      first = false;
      if (s.startsWith('[:', this.i)) {
        this.i = s.indexOf(':]', this.i) + 2;
        complex = true;
        continue;
      }
      let ch: string;
      if (s[this.i] === '\\') {
        const e = s[this.i + 1];
        this.i += 2;
        if (PERL_CLASSES.includes(e) || e === 'p' || e === 'P') {
          if ((e === 'p' || e === 'P') && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
          else if (e === 'p' || e === 'P') this.i++;
          complex = true;
          continue;
        }
        ch = this.escapedChar(e);
      } else {
        ch = String.fromCodePoint(s.codePointAt(this.i)!);
        this.i += ch.length;
      }
      if (s[this.i] === '-' && s[this.i + 1] !== ']') {
        complex = true;
        this.i++;
        if (s[this.i] === '\\') this.i += 2;
        else this.i += String.fromCodePoint(s.codePointAt(this.i)!).length;
        continue;
      }
      runes.push(ch);
    }
    this.i++;
    const set = [...new Set(runes)];
    if (!complex && set.length === 1) {
      if (flags.fold && hasCase(set[0])) return { op: 'lit', text: set[0], fold: true };
      return { op: 'lit', text: set[0], fold: false };
    }
    if (!complex && set.length === 2 && set[0] !== set[1] && set[0].toLowerCase() === set[1].toLowerCase()) {
      return { op: 'lit', text: set[0], fold: true };
    }
    return { op: 'class' };
  }
}

function apply(flags: { fold: boolean; dotNL: boolean }, f: string, on: boolean): void {
  if (f === 'i') flags.fold = on;
  else if (f === 's') flags.dotNL = on;
}

function lit(text: string, flags: { fold: boolean }): Node {
  return { op: 'lit', text, fold: flags.fold };
}

function collapseConcat(items: Node[]): Node {
  const out: Node[] = [];
  for (const n of items) {
    const prev = out[out.length - 1];
    if (n.op === 'concat') { out.push(...n.subs); continue; }
    if (prev && prev.op === 'lit' && n.op === 'lit' && prev.fold === n.fold) {
      out[out.length - 1] = { op: 'lit', text: prev.text + n.text, fold: n.fold };
      continue;
    }
    out.push(n);
  }
  if (out.length === 0) return { op: 'empty' };
  if (out.length === 1) return out[0];
  return { op: 'concat', subs: out };
}

function isCharClass(n: Node): boolean {
  return (n.op === 'lit' && [...n.text].length === 1) || n.op === 'class' || n.op === 'any' || n.op === 'anynl';
}

function leadingString(n: Node): { text: string; fold: boolean } | undefined {
  const first = n.op === 'concat' ? n.subs[0] : n;
  return first.op === 'lit' ? { text: first.text, fold: first.fold } : undefined;
}

function removeLeadingString(n: Node, count: number): Node {
  if (n.op === 'lit') {
    const rest = [...n.text].slice(count).join('');
    return rest === '' ? { op: 'empty' } : { op: 'lit', text: rest, fold: n.fold };
  }
  if (n.op === 'concat') {
    const subs = [...n.subs];
    const head = removeLeadingString(subs[0], count);
    if (head.op === 'empty') subs.shift();
    else subs[0] = head;
    if (subs.length === 0) return { op: 'empty' };
    return subs.length === 1 ? subs[0] : { op: 'concat', subs };
  }
  return n;
}

function leadingRegexp(n: Node): Node | undefined {
  if (n.op === 'empty') return undefined;
  if (n.op === 'concat') return n.subs[0].op === 'empty' ? undefined : n.subs[0];
  return n;
}

function removeLeadingRegexp(n: Node): Node {
  if (n.op === 'concat') {
    const subs = n.subs.slice(1);
    if (subs.length === 0) return { op: 'empty' };
    return subs.length === 1 ? subs[0] : { op: 'concat', subs };
  }
  return { op: 'empty' };
}

function sameNode(a: Node, b: Node): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function commonPrefix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Go's collapse(subs, OpAlternate) with its four factoring rounds. */
function collapseAlt(alts0: Node[]): Node {
  const alts: Node[] = [];
  for (const a of alts0) if (a.op === 'alt') alts.push(...a.subs); else alts.push(a);
  if (alts.length === 1) return alts[0];
  let subs = alts;

  // Round 1: common literal prefixes.
  let out: Node[] = [];
  let start = 0;
  let str: string[] = [];
  let strFold = false;
  for (let i = 0; i <= subs.length; i++) {
    let istr: string[] = [];
    let ifold = false;
    if (i < subs.length) {
      const ls = leadingString(subs[i]);
      if (ls) { istr = [...ls.text]; ifold = ls.fold; }
      if (ifold === strFold) {
        const same = commonPrefix(str, istr);
        if (same > 0) { str = str.slice(0, same); continue; }
      }
    }
    if (i === start + 1) out.push(subs[start]);
    else if (i > start + 1) {
      const prefix: Node = { op: 'lit', text: str.join(''), fold: strFold };
      const rest = subs.slice(start, i).map((s) => removeLeadingString(s, str.length));
      out.push({ op: 'concat', subs: [prefix, collapseAlt(rest)] });
    }
    start = i;
    str = istr;
    strFold = ifold;
  }
  subs = out;

  // Round 2: common leading single-character pieces.
  out = [];
  start = 0;
  let first: Node | undefined;
  for (let i = 0; i <= subs.length; i++) {
    let ifirst: Node | undefined;
    if (i < subs.length) {
      ifirst = leadingRegexp(subs[i]);
      if (first && ifirst && sameNode(first, ifirst)
        && (isCharClass(first) || (first.op === 'repeat' && first.min === first.max && isCharClass(first.sub)))) continue;
    }
    if (i === start + 1) out.push(subs[start]);
    else if (i > start + 1 && first) {
      const rest = subs.slice(start, i).map(removeLeadingRegexp);
      out.push({ op: 'concat', subs: [first, collapseAlt(rest)] });
    }
    start = i;
    first = ifirst;
  }
  subs = out;

  // Round 3: runs of single characters and classes become one class.
  out = [];
  start = 0;
  for (let i = 0; i <= subs.length; i++) {
    if (i < subs.length && isCharClass(subs[i])) continue;
    if (i === start + 1) out.push(subs[start]);
    else if (i > start + 1) out.push({ op: 'class' });
    if (i < subs.length) out.push(subs[i]);
    start = i + 1;
  }
  subs = out;

  // Round 4: runs of empty matches become one.
  subs = subs.filter((s, i) => !(s.op === 'empty' && subs[i + 1]?.op === 'empty'));
  return subs.length === 1 ? subs[0] : { op: 'alt', subs };
}

/** Go's Regexp.Simplify for what matters here: repeats become stars and copies. */
function simplifyTree(n: Node): Node {
  switch (n.op) {
    case 'capture': return { op: 'capture', sub: simplifyTree(n.sub) };
    case 'star': case 'plus': case 'quest': {
      const sub = simplifyTree(n.sub);
      return sub.op === 'empty' ? sub : { op: n.op, sub };
    }
    case 'repeat': {
      const sub = simplifyTree(n.sub);
      if (n.max === -1) {
        if (n.min === 0) return { op: 'star', sub };
        if (n.min === 1) return { op: 'plus', sub };
        return { op: 'concat', subs: [...new Array<Node>(n.min - 1).fill(sub), { op: 'plus', sub }] };
      }
      if (n.min === 0 && n.max === 0) return { op: 'empty' };
      if (n.min === 1 && n.max === 1) return sub;
      const copies: Node[] = new Array<Node>(n.min).fill(sub);
      if (n.max > n.min) copies.push({ op: 'quest', sub });
      return copies.length === 1 ? copies[0] : { op: 'concat', subs: copies };
    }
    case 'concat': case 'alt': return { op: n.op, subs: n.subs.map(simplifyTree) };
    default: return n;
  }
}


/** Go's syntax.Parse(pattern, syntax.Perl).Simplify() for a valid pattern; throws Unsupported. */
export function parseGoRegexTree(pattern: string): Node {
  return simplifyTree(new RegexParser(pattern).parse());
}
