import RE2 from 're2';

/**
 * All user-supplied regular expressions go through RE2: Go's syntax (what Loki users write)
 * and linear-time matching, so no pattern can stall the process.
 */
export type Regex = RE2;

/** Compiles a Go/RE2 pattern. Throws the RE2 error (SyntaxError) on invalid syntax. */
export function compileRegex(pattern: string): Regex {
  return new RE2(pattern, 'u');
}

/** Fully anchored regex as Prometheus label matchers use: ^(?s:re)$. */
export function compileAnchoredRegex(pattern: string): Regex {
  return new RE2('^(?s:' + pattern + ')$', 'u');
}
