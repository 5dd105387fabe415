/**
 * The pattern language of `| pattern` and `|> "…"` on raw bytes (Loki's pattern.Matcher):
 * literal runs and `<name>` / `<_>` captures.
 */

export type Part =
  | { readonly literal: Buffer; readonly name?: undefined }
  | { readonly literal?: undefined; readonly name: string };

const CAPTURE = /^<([A-Za-z_][A-Za-z0-9_]*)>/;

/** Literal runs and captures, adjacent literals merged; no validation. */
export function patternParts(pattern: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length;) {
    const m = pattern.charCodeAt(i) === 0x3c ? CAPTURE.exec(pattern.slice(i, i + 512)) : null;
    if (m) {
      if (literal !== '') parts.push({ literal: Buffer.from(literal, 'utf8') });
      literal = '';
      parts.push({ name: m[1] });
      i += m[0].length;
    } else {
      const w = (pattern.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
      literal += pattern.slice(i, i + w);
      i += w;
    }
  }
  if (literal !== '') parts.push({ literal: Buffer.from(literal, 'utf8') });
  return parts;
}

/**
 * Captured [start, end) byte ranges of the named captures, in order (Loki's Matches).
 * A leading literal must start the line; a literal not found makes the current capture
 * take the rest of the line and stops.
 */
export function patternMatches(parts: readonly Part[], line: Buffer, out: number[]): number {
  let n = 0;
  if (line.length === 0 || parts.length === 0) return 0;
  let pos = 0;
  let i = 0;
  const first = parts[0];
  if (first.literal !== undefined) {
    if (line.indexOf(first.literal) !== 0) return 0;
    pos = first.literal.length;
    i = 1;
  }
  if (i >= parts.length) return 0;
  while (i < parts.length) {
    const capt = parts[i];
    if (i + 1 === parts.length) {
      if (capt.name !== '_') {
        out[n++] = pos;
        out[n++] = line.length;
      }
      return n;
    }
    const lit = parts[i + 1].literal as Buffer;
    i += 2;
    const at = line.indexOf(lit, pos);
    if (at === -1) {
      if (capt.name !== '_') {
        out[n++] = pos;
        out[n++] = line.length;
      }
      return n;
    }
    if (capt.name !== '_') {
      out[n++] = pos;
      out[n++] = at;
    }
    pos = at + lit.length;
  }
  return n;
}

/**
 * The `|>` test: literals in order, a capture between literals non-empty, a trailing
 * literal ends the line and a trailing capture needs a non-empty rest. The first literal
 * is not anchored.
 */
export function patternTest(parts: readonly Part[], line: Buffer): boolean {
  if (line.length === 0 || parts.length === 0) return line.length === 0 && parts.length === 0;
  let off = 0;
  for (let i = 0; i < parts.length; i++) {
    const lit = parts[i].literal;
    if (lit === undefined) continue;
    const j = line.indexOf(lit, off);
    if (j === -1) return false;
    if (i !== 0 && j === off) return false;
    off = j + lit.length;
  }
  const endsOnCapture = parts[parts.length - 1].name !== undefined;
  return endsOnCapture === (off !== line.length);
}
