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
  validate(parts);
  return parts;
}

function validate(parts: readonly PatternPart[]): void {
  const names = parts.filter((p) => p.kind === 'capture' && p.name !== '_').map((p) => (p as { name: string }).name);
  if (names.length === 0) throw new PatternError('at least one capture is required');
  for (let i = 0; i + 1 < parts.length; i++) {
    const a = parts[i];
    const b = parts[i + 1];
    if (a.kind === 'capture' && b.kind === 'capture') {
      throw new PatternError(`found consecutive capture '<${a.name}><${b.name}>': invalid expression`);
    }
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new PatternError(`duplicate capture name (${n}): invalid expression`);
    seen.add(n);
  }
}

/** The error of a `|> "pattern"` line filter: only adjacent captures are rejected. */
export function patternLineFilterError(pattern: string): string | undefined {
  const m = /<([A-Za-z_][A-Za-z0-9_]*)><([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern);
  return m ? `found consecutive capture '<${m[1]}><${m[2]}>': invalid expression` : undefined;
}
