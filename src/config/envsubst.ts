/**
 * `-config.expand-env`: shell-style variable references, expanded before YAML parsing,
 * as Loki does (drone/envsubst). Unset variables become empty strings.
 *
 *   ${VAR}  $VAR  ${VAR:-def} ${VAR-def}  ${VAR:=def} ${VAR=def}
 *   ${VAR:+alt} ${VAR+alt}  ${VAR:?msg} ${VAR?msg}  $$ → $
 */
import { ConfigError } from './errors.js';

type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Index of the `}` closing the `${` that starts at `open`, honouring nested `${…}`. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') { depth++; i++; continue; }
    if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text[i] === '\n') line++;
  return line;
}

function substitute(expr: string, env: Env, whole: string, at: number): string {
  const m = NAME.exec(expr);
  if (!m) throw new ConfigError(`bad substitution "\${${expr}}" (line ${lineOf(whole, at)})`, { line: lineOf(whole, at) });
  const name = m[0];
  const rest = expr.slice(name.length);
  const value = env[name];
  if (rest === '') return value ?? '';
  const op = /^(:?[-=+?])/.exec(rest);
  if (!op) throw new ConfigError(`bad substitution "\${${expr}}" (line ${lineOf(whole, at)})`, { line: lineOf(whole, at) });
  const arg = () => expand(rest.slice(op[1].length), env);
  const colon = op[1].startsWith(':');
  const missing = value === undefined || (colon && value === '');
  switch (op[1].slice(-1)) {
    case '-':
    case '=':
      return missing ? arg() : (value ?? '');
    case '+':
      return missing ? '' : arg();
    default: {
      if (!missing) return value ?? '';
      const msg = arg() || 'parameter null or not set';
      throw new ConfigError(`${name}: ${msg} (line ${lineOf(whole, at)})`, { line: lineOf(whole, at) });
    }
  }
}

/** Expands variable references in `text` with values from `env`. */
export function expand(text: string, env: Env): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') { out += c; i++; continue; }
    const next = text[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    if (next === '{') {
      const end = closingBrace(text, i);
      if (end < 0) throw new ConfigError(`unterminated "\${" (line ${lineOf(text, i)})`, { line: lineOf(text, i) });
      out += substitute(text.slice(i + 2, end), env, text, i);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (m) { out += env[m[0]] ?? ''; i += 1 + m[0].length; continue; }
    out += c;
    i++;
  }
  return out;
}
