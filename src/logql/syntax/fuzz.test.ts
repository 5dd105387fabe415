/**
 * Fuzzing: 100,000+ random and mutated queries (mutations of the conformance corpus)
 * must only ever fail with ParseError, and none may take more than 50 ms.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { goRegexError } from '../../util/regex.js';
import type { Expr } from './ast.js';
import { ParseError } from './errors.js';
import { PathError, parseJsonPath, parseLogfmtKey } from './extraction-path.js';
import { IpPatternError, parseIpPattern } from './ip.js';
import { PatternError, parsePattern } from './pattern.js';
import { labelRegexIsLiteralFilter } from './regex-shape.js';
import { templateError } from './template-check.js';
import { parseExpr, parseQuery } from './parse.js';
import { formatExpr } from './pretty.js';
import { exprToString } from './printer.js';
import { rng } from '../../../test/helpers/mutate.js';

const corpus = (JSON.parse(readFileSync(new URL('../../../test/fixtures/conformance/queries.public.json', import.meta.url), 'utf8')) as { query: string }[])
  .map((q) => q.query);

const VOCAB = [
  '{', '}', '(', ')', '[', ']', ',', '|', '|=', '!=', '|~', '!~', '|>', '!>', '=', '=~', '==', '>', '>=', '<', '<=',
  '+', '-', '*', '/', '%', '^', '"', '`', "'", '\\', '#', '//', '/*', ' ', '\n', '\t', '.', ':', '$', '@', '\0',
  'sum', 'by', 'without', 'rate', 'count_over_time', 'quantile_over_time', 'topk', 'vector', 'label_replace', 'json',
  'logfmt', '--strict', '--keep-empty', 'regexp', 'pattern', 'unpack', 'line_format', 'label_format', 'drop', 'keep',
  'decolorize', 'unwrap', 'bytes', 'duration', 'ip', 'offset', 'bool', 'on', 'ignoring', 'group_left', 'or', 'and',
  'unless', '5m', '[5m]', '1h30m', '-5m', '10KB', '8MiB', '0B', '0x1p4', '1e3', '08', '0.5', '"a"', '`b`', '"\\x"',
  '"(?P<x>a)"', '"<a> <b>"', '{{.a}}', '{app="api"}', 'app', '__error__', 'ü', '😀', '\ud800',
];

function mutate(q: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  let s = q;
  const edits = 1 + Math.floor(r() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (s.length + 1));
    const len = Math.floor(r() * 6);
    switch (Math.floor(r() * 6)) {
      case 0: s = s.slice(0, at) + s.slice(at + len); break;
      case 1: s = s.slice(0, at) + pick(VOCAB) + s.slice(at); break;
      case 2: s = s.slice(0, at) + pick(VOCAB) + s.slice(at + len); break;
      case 3: s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at); break;
      case 4: {
        const other = pick(corpus);
        const from = Math.floor(r() * other.length);
        s = s.slice(0, at) + other.slice(from, from + 1 + Math.floor(r() * 20)) + s.slice(at);
        break;
      }
      default: s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(at + 1);
    }
  }
  return s;
}

function randomTokens(r: () => number): string {
  const n = Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < n; i++) s += VOCAB[Math.floor(r() * VOCAB.length)] + (r() < 0.5 ? ' ' : '');
  return s;
}

interface Stats { runs: number; accepted: number; slowest: number; slowestInput: string }

/** Parses and validates one input, timed; any exception but ParseError fails the test. */
function timedParse(input: string): { took: number; expr: Expr | undefined } {
  const start = performance.now();
  let expr: Expr | undefined;
  try {
    expr = parseQuery(input);
  } catch (err) {
    if (!(err instanceof ParseError)) assert.fail(`${JSON.stringify(input)} threw ${(err as Error).stack ?? String(err)}`);
  }
  return { took: performance.now() - start, expr };
}

function check(input: string, stats: Stats): void {
  const { expr, took: first } = timedParse(input);
  let took = first;
  // A slow run is measured again: a garbage collection pause is not the input's cost.
  for (let i = 0; i < 4 && took > 5; i++) took = Math.min(took, timedParse(input).took);
  if (expr !== undefined) {
    stats.accepted++;
    // What we print must be readable again (or at least rejected cleanly).
    for (const printed of [exprToString(expr), formatExpr(expr)]) {
      try {
        parseExpr(printed);
      } catch (err) {
        if (!(err instanceof ParseError)) throw err;
      }
    }
  }
  if (took > stats.slowest) {
    stats.slowest = took;
    stats.slowestInput = input;
  }
  stats.runs++;
}

test('fuzz: 100,000+ random and mutated queries only raise ParseError, each parsed in under 50 ms', () => {
  const stats: Stats = { runs: 0, accepted: 0, slowest: 0, slowestInput: '' };
  for (const q of corpus) check(q, { ...stats });
  const r = rng(20260101);
  for (let i = 0; i < 70_000; i++) check(mutate(corpus[Math.floor(r() * corpus.length)], r), stats);
  for (let i = 0; i < 20_000; i++) check(randomTokens(r), stats);
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => { check(s, stats); }), { numRuns: 10_000, seed: 7 });
  // Long inputs: the size limit and deep nesting.
  for (const s of ['('.repeat(5000) + '1' + ')'.repeat(5000), 'sum('.repeat(300) + '1' + ')'.repeat(300),
    '{a="b"}' + ' |= "x"'.repeat(2000), 'x'.repeat(131072), '{a="' + 'x'.repeat(131060) + '"}', '1' + ' + 1'.repeat(5000)]) {
    check(s, stats);
  }
  console.log(`fuzz: ${stats.runs} inputs, ${stats.accepted} accepted, slowest ${stats.slowest.toFixed(1)} ms (${JSON.stringify(stats.slowestInput.slice(0, 40))}, ${stats.slowestInput.length} chars)`);
  assert.ok(stats.runs >= 100_000);
  assert.ok(stats.slowest < 50, `slowest input took ${stats.slowest.toFixed(1)} ms: ${JSON.stringify(stats.slowestInput.slice(0, 200))}`);
});

const TEMPLATE_VOCAB = ['{{', '}}', '{{-', '-}}', ' ', '.', '.a', '$', '$x', ':=', '=', '|', '(', ')', '"', '`', "'", '\\', 'if', 'else',
  'end', 'range', 'with', 'define', 'template', 'block', 'break', 'nil', 'true', 'printf', 'len', 'nofunc', '1', '-2', '0x', '1e3',
  '/*', '*/', ',', '\n', 'ü', 'text'];
const REGEX_VOCAB = ['a', 'b', '.', '*', '+', '?', '|', '(', ')', '(?:', '(?i)', '(?P<n>', '[', ']', '^', '-', '\\d', '\\.', '\\x41',
  '\\x{1F600}', '\\Q', '\\E', '{2}', '{1,3}', '{,', '\\pL', '\\p{Greek}', '[:alpha:]', '$', 'ü', '😀'];

test('fuzz: template, regex, path, ip and pattern parsers only fail with their own errors', () => {
  const r = rng(42);
  const pick = (vocab: readonly string[], n: number) => Array.from({ length: Math.floor(r() * n) }, () => vocab[Math.floor(r() * vocab.length)]).join('');
  const expectOnly = (fn: () => unknown, ...errors: (abstract new (...a: never[]) => Error)[]) => {
    try {
      fn();
    } catch (err) {
      if (!errors.some((E) => err instanceof E)) throw err;
    }
  };
  for (let i = 0; i < 10_000; i++) {
    const t = pick(TEMPLATE_VOCAB, 12);
    const res = templateError('line', t);
    assert.ok(res === undefined || res.startsWith('template: line:'), `${JSON.stringify(t)}: ${res}`);
    const re = pick(REGEX_VOCAB, 8);
    if (goRegexError(re) === undefined) labelRegexIsLiteralFilter(re);
    const s = pick([...REGEX_VOCAB, ...VOCAB], 6);
    expectOnly(() => parseJsonPath(s), PathError);
    expectOnly(() => parseLogfmtKey(s), PathError);
    expectOnly(() => parseIpPattern(s), IpPatternError);
    expectOnly(() => parsePattern(s), PatternError);
  }
});
