/**
 * The `pattern` parser's expressions: `<ip> - <_> [<ts>] "<method> <path> <_>"`.
 * `<name>` captures, `<_>` skips, everything else is literal text.
 */

export type PatternPart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'capture'; readonly name: string };

export class PatternError extends Error {}

const CAPTURE = /^<([A-Za-z_][A-Za-z0-9_]*)>/;

/** Parses and validates a pattern the way Loki's pattern.New does. */
export function parsePattern(pattern: string): PatternPart[] {
  if (pattern === '') {
    throw new PatternError('parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or LITERAL');
  }
  const parts = tokenize(pattern);
  validate(parts);
  return parts;
}

/** Literal runs and captures, adjacent literals merged. */
function tokenize(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length;) {
    const m = pattern.charCodeAt(i) === 0x3c ? CAPTURE.exec(pattern.slice(i, i + 512)) : null;
    if (m) {
      if (literal !== '') parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push({ kind: 'capture', name: m[1] });
      i += m[0].length;
    } else {
      const cp = pattern.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      literal += pattern.slice(i, i + w);
      i += w;
    }
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return parts;
}

function consecutiveError(parts: readonly PatternPart[]): string | undefined {
  for (let i = 0; i + 1 < parts.length; i++) {
    const a = parts[i];
    const b = parts[i + 1];
    if (a.kind === 'capture' && b.kind === 'capture') return `found consecutive capture '<${a.name}><${b.name}>': invalid expression`;
  }
  return undefined;
}

function validate(parts: readonly PatternPart[]): void {
  const names = parts.filter((p) => p.kind === 'capture' && p.name !== '_').map((p) => (p as { name: string }).name);
  if (names.length === 0) throw new PatternError('at least one capture is required');
  const consecutive = consecutiveError(parts);
  if (consecutive !== undefined) throw new PatternError(consecutive);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new PatternError(`duplicate capture name (${n}): invalid expression`);
    seen.add(n);
  }
}

/** The error of a `|> "pattern"` line filter: adjacent captures, or a named one (only `<_>` is allowed). */
export function patternLineFilterError(pattern: string): string | undefined {
  if (pattern === '') return undefined;
  const parts = tokenize(pattern);
  const consecutive = consecutiveError(parts);
  if (consecutive !== undefined) return consecutive;
  const named = parts.find((p) => p.kind === 'capture' && p.name !== '_');
  return named === undefined ? undefined : `named captures are not allowed: found '<${(named as { name: string }).name}>'`;
}
