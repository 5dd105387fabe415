import RE2 from 're2';

/**
 * All user-supplied regular expressions go through RE2: Go's syntax (what Loki users write)
 * and linear-time matching, so no pattern can stall the process.
 */
export type Regex = RE2;

/** Compiles a Go/RE2 pattern. Throws the RE2 error (SyntaxError) on invalid syntax. */
export function compileRegex(pattern: string): Regex {
  return compileGo(pattern, 'u');
}

/** Fully anchored regex as Prometheus label matchers use: ^(?s:re)$. */
export function compileAnchoredRegex(pattern: string): Regex {
  return compileGo('^(?s:' + pattern + ')$', 'u');
}

function compileGo(pattern: string, flags: string): Regex {
  try {
    return new RE2(pattern, flags);
  } catch (err) {
    // Go accepts repeated group names, RE2 does not; names do not matter for matching.
    if (err instanceof Error && err.message.startsWith('duplicate capture group name')) {
      return new RE2(stripCaptureNames(pattern), flags);
    }
    throw err;
  }
}

/** Go's regexp error codes for RE2's, and whether Go reports the whole pattern. */
const GO_CODES: ReadonlyArray<[string, string, boolean]> = [
  ['missing )', 'missing closing )', true],
  ['missing (', 'unexpected )', true],
  ['unexpected )', 'unexpected )', true],
  ['missing ]', 'missing closing ]', false],
  ['invalid escape sequence', 'invalid escape sequence', false],
  ['bad repetition operator', 'invalid nested repetition operator', false],
  ['no argument for repetition operator', 'missing argument to repetition operator', false],
  ['invalid repetition size', 'invalid repeat count', false],
  ['bad repetition size', 'invalid repeat count', false],
  ['invalid character class range', 'invalid character class range', false],
  ['invalid character class', 'invalid character class', false],
  ['invalid named capture group', 'invalid named capture', false],
  ['invalid perl operator', 'invalid or unsupported Perl syntax', false],
  ['invalid UTF-8', 'invalid UTF-8', false],
  ['trailing \\', 'trailing backslash at end of expression', false],
  ['pattern too large', 'expression too large', true],
];

const errorCache = new Map<string, string | null>();

/**
 * The error Go's regexp.Compile gives for a pattern, as Loki reports it
 * (`error parsing regexp: missing closing ): \`(unclosed\``), or undefined if it compiles.
 */
export function goRegexError(pattern: string): string | undefined {
  const cached = errorCache.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  const msg = computeGoRegexError(pattern);
  if (errorCache.size >= 2048) errorCache.clear();
  errorCache.set(pattern, msg ?? null);
  return msg;
}

function computeGoRegexError(pattern: string): string | undefined {
  const unsupported = /(?:^|[^\\])(?:\\\\)*\\C/.exec(pattern);
  if (unsupported) return 'error parsing regexp: invalid escape sequence: `\\C`';
  try {
    compileGo(pattern, 'u');
    return undefined;
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    for (const [re2Code, goCode, whole] of GO_CODES) {
      if (text.startsWith(re2Code)) {
        const arg = whole ? pattern : text.slice(re2Code.length).replace(/^: ?/, '');
        return `error parsing regexp: ${goCode}: \`${goCode === 'trailing backslash at end of expression' ? '' : arg}\``;
      }
    }
    return `error parsing regexp: ${text}`;
  }
}

/** The capture groups of a Go pattern in order; unnamed groups are ''. */
export function captureGroupNames(pattern: string): string[] {
  const names: string[] = [];
  scanGroups(pattern, (name) => names.push(name));
  return names;
}

function stripCaptureNames(pattern: string): string {
  let out = '';
  let last = 0;
  scanGroups(pattern, (_name, start, end) => {
    out += pattern.slice(last, start) + '(';
    last = end;
  });
  return out + pattern.slice(last);
}

/** Calls back for every capturing group: its name and the span of its opening syntax. */
function scanGroups(p: string, onGroup: (name: string, start: number, end: number) => void): void {
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      if (p[i + 1] === 'Q') {
        const e = p.indexOf('\\E', i + 2);
        i = e < 0 ? p.length : e + 1;
      } else i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const e = p.indexOf(':]', i + 2);
        if (e >= 0) i = e + 1;
      } else if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (p[i + 1] === '^') i++;
      if (p[i + 1] === ']') i++;
      continue;
    }
    if (c !== '(') continue;
    if (p[i + 1] !== '?') {
      onGroup('', i, i + 1);
      continue;
    }
    const m = /^\(\?P?<([^>]*)>/.exec(p.slice(i, i + 256));
    if (m) onGroup(m[1], i, i + m[0].length);
  }
}
