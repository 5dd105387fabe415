/**
 * Stream label text parsed like Loki's syntax.ParseLabels, i.e. Prometheus' ParseMetric:
 * `{a="b", c='d'}`, an optional metric name before the braces, Go string escapes in values.
 * Error texts follow the Prometheus lexer/parser (`1:9: parse error: unexpected character
 * inside braces: '.'`); after the first syntax error parsing stops, where Prometheus' yacc
 * recovery may occasionally append further errors.
 */
import { goQuote, type Label } from '../../model/labels.js';
import { unquote } from './go-unquote.js';
import { Lexer, type Token } from './label-lexer.js';

export class LabelParseError extends Error {}

function describe(t: Token): string {
  switch (t.kind) {
    case 'EOF': return 'end of input';
    case 'IDENT': return `identifier ${goQuote(t.val)}`;
    case 'METRIC_IDENT': return `metric identifier ${goQuote(t.val)}`;
    case 'STRING': return `string ${quoteTruncated(t.val)}`;
    case 'NUMBER': return `number ${quoteTruncated(t.val)}`;
    case 'LBRACE': return '"{"';
    case 'RBRACE': return '"}"';
    case 'COMMA': return '","';
    case 'EQL': return '"="';
    default: return t.desc ?? goQuote(t.val);
  }
}

/** Go's fmt %.10q...: long values are cut to 10 characters. */
function quoteTruncated(s: string): string {
  const chars = Array.from(s);
  return chars.length > 10 ? goQuote(chars.slice(0, 10).join('')) + '...' : goQuote(s);
}

/** `line:col:` of a UTF-16 index, counted in bytes as Prometheus does. */
function position(input: string, idx: number): string {
  const prefix = input.slice(0, idx);
  const line = 1 + (prefix.match(/\n/g)?.length ?? 0);
  const nl = prefix.lastIndexOf('\n');
  const col = nl < 0 ? Buffer.byteLength(prefix) + 1 : Buffer.byteLength(prefix) - Buffer.byteLength(prefix.slice(0, nl));
  return `${line}:${col}:`;
}

/**
 * Parses a stream label string. Returns the labels sorted by name (stable), with every name
 * that has an empty value removed, duplicates kept (validation reports them). Throws
 * LabelParseError with Prometheus' text.
 */
export function parseLabels(input: string): Label[] {
  const lx = new Lexer(input);
  const errors: string[] = [];
  const fail = (t: Token, msg: string): never => {
    errors.push(`${position(input, t.pos)} parse error: ${msg}`);
    throw new LabelParseError(errors.join('\n'));
  };
  const next = (): Token => {
    const t = lx.nextToken();
    if (t.kind === 'ERROR') fail(t, t.val);
    return t;
  };
  const unexpected = (t: Token, context: string, expected: string): never =>
    fail(t, `unexpected ${describe(t)}${context ? ' in ' + context : ''}${expected ? ', expected ' + expected : ''}`);

  let t = next();
  let metricName: string | undefined;
  if (t.kind === 'IDENT' || t.kind === 'METRIC_IDENT' || t.nameOk === true) {
    metricName = t.val;
    t = next();
  }
  const labels: Label[] = [];
  if (t.kind === 'LBRACE') {
    t = next();
    while (t.kind !== 'RBRACE') {
      if (t.kind !== 'IDENT') unexpected(t, 'label set', 'identifier or "}"');
      const name = t.val;
      t = next();
      if (t.kind !== 'EQL') unexpected(t, 'label set', '"="');
      t = next();
      if (t.kind !== 'STRING') unexpected(t, 'label set', 'string');
      const value = unquote(t.val);
      if (value === undefined) errors.push(`${position(input, t.pos)} parse error: error unquoting string ${goQuote(t.val)}: invalid syntax`);
      labels.push({ name, value: value ?? '' });
      t = next();
      if (t.kind === 'COMMA') t = next();
      else if (t.kind !== 'RBRACE') unexpected(t, 'label set', '"," or "}"');
    }
    t = next();
  }
  if (t.kind !== 'EOF') unexpected(t, '', '');
  if (errors.length > 0) throw new LabelParseError(errors.join('\n'));
  if (metricName !== undefined) {
    for (let i = labels.length - 1; i >= 0; i--) if (labels[i].name === '__name__') labels.splice(i, 1);
    labels.push({ name: '__name__', value: metricName });
  }
  return normalize(labels);
}

/** Sorted by name (stable), names with any empty value dropped (Prometheus labels.Builder). */
function normalize(labels: Label[]): Label[] {
  let out = labels;
  if (labels.some((l) => l.value === '')) {
    const drop = new Set(labels.filter((l) => l.value === '').map((l) => l.name));
    out = labels.filter((l) => !drop.has(l.name));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
