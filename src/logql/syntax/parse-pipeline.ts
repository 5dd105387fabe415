/** Log pipeline stages: line filters, parsers, label filters, formatters, drop/keep. */
import type { ExtractionParam, LabelFormatItem, LabelSelectorItem, LineFilter, LineFilterOp, LineFilterTerm, Stage } from './ast.js';
import { ParseError } from './errors.js';
import { parseLabelFilter } from './parse-label-filter.js';
import { matchTypeOf, newMatcher } from './parse-selector.js';
import type { Parser } from './parser-core.js';
import { patternError, regexpParserError } from './stage-checks.js';
import { Tok } from './tokens.js';

const LINE_FILTER_OPS: ReadonlyMap<Tok, LineFilterOp> = new Map<Tok, LineFilterOp>([
  [Tok.PIPE_EXACT, '|='], [Tok.NEQ, '!='], [Tok.PIPE_MATCH, '|~'],
  [Tok.NRE, '!~'], [Tok.PIPE_PATTERN, '|>'], [Tok.NPA, '!>'],
]);

function isNegative(op: LineFilterOp): boolean {
  return op === '!=' || op === '!~' || op === '!>';
}

/**
 * Stages for as long as the next token starts one. In a range aggregation
 * (`stopAtUnwrap`), `| unwrap` ends the pipeline.
 */
export function parsePipeline(p: Parser, stopAtUnwrap: boolean): Stage[] {
  const stages: Stage[] = [];
  for (;;) {
    const t = p.peek().type;
    const op = LINE_FILTER_OPS.get(t);
    if (op !== undefined) {
      p.next();
      for (const f of parseLineFilter(p, op)) stages.push(f);
      continue;
    }
    if (t !== Tok.PIPE) return stages;
    if (stopAtUnwrap && p.peek(1).type === Tok.UNWRAP) return stages;
    p.next();
    stages.push(parseStage(p));
  }
}

function parseTerm(p: Parser): LineFilterTerm {
  if (p.at(Tok.IP)) {
    p.next();
    p.expect(Tok.OPEN_PARENTHESIS);
    const value = p.expect(Tok.STRING).text;
    p.expect(Tok.CLOSE_PARENTHESIS);
    return { value, ip: true };
  }
  return { value: p.expect(Tok.STRING, [Tok.STRING, Tok.IP]).text, ip: false };
}

/** `or` alternatives: strings chain on, an ip() term ends the chain. */
function parseOrChain(p: Parser): LineFilterTerm[] {
  const terms = [parseTerm(p)];
  while (!terms[terms.length - 1].ip && p.at(Tok.OR)) {
    p.next();
    terms.push(parseTerm(p));
  }
  return terms;
}

/**
 * One filter after its operator, with Loki's `or` handling: positive filters keep
 * alternatives; `!= "a" or "b"` becomes two filters. A second `or` chain after one
 * ending in ip() replaces the first (as Loki's parser does).
 */
function parseLineFilter(p: Parser, op: LineFilterOp): LineFilter[] {
  const first = parseTerm(p);
  let chain: LineFilterTerm[] = [];
  const extra: LineFilterTerm[] = [];
  if (!first.ip && p.at(Tok.OR)) {
    p.next();
    chain = parseOrChain(p);
    extra.push(...chain);
  }
  if (p.at(Tok.OR)) {
    p.next();
    chain = parseOrChain(p);
    extra.push(...chain);
  }
  if (isNegative(op)) {
    return [first, ...extra].map((t) => ({ kind: 'LineFilter', op, value: t.value, ip: t.ip, or: [] }));
  }
  return [{ kind: 'LineFilter', op, value: first.value, ip: first.ip, or: chain }];
}

function parseStage(p: Parser): Stage {
  const t = p.peek();
  switch (t.type) {
    case Tok.LOGFMT: {
      p.next();
      let strict = false;
      let keepEmpty = false;
      while (p.at(Tok.PARSER_FLAG)) {
        const flag = p.next().text;
        if (flag === '--strict') strict = true;
        else keepEmpty = true;
      }
      return { kind: 'LogfmtParser', strict, keepEmpty, params: p.at(Tok.IDENTIFIER) ? parseParams(p) : [] };
    }
    case Tok.JSON:
      p.next();
      return { kind: 'JsonParser', params: p.at(Tok.IDENTIFIER) ? parseParams(p) : [] };
    case Tok.REGEXP: {
      p.next();
      const regex = p.expect(Tok.STRING).text;
      // Loki checks the parser argument while parsing and aborts at once.
      const err = regexpParserError(regex);
      if (err !== undefined) throw new ParseError(`invalid regexp parser: ${err}`);
      return { kind: 'RegexpParser', regex };
    }
    case Tok.PATTERN: {
      p.next();
      const pattern = p.expect(Tok.STRING).text;
      const err = patternError(pattern);
      if (err !== undefined) throw new ParseError(`invalid pattern parser: ${err}`);
      return { kind: 'PatternParser', pattern };
    }
    case Tok.UNPACK:
      p.next();
      return { kind: 'UnpackParser' };
    case Tok.LINE_FMT:
      p.next();
      return { kind: 'LineFormat', template: p.expect(Tok.STRING).text };
    case Tok.DECOLORIZE:
      p.next();
      return { kind: 'Decolorize' };
    case Tok.LABEL_FMT:
      p.next();
      return { kind: 'LabelFormat', formats: parseLabelFormats(p) };
    case Tok.DROP:
      p.next();
      return { kind: 'Drop', labels: parseLabelItems(p) };
    case Tok.KEEP:
      p.next();
      return { kind: 'Keep', labels: parseLabelItems(p) };
    case Tok.IDENTIFIER:
    case Tok.OPEN_PARENTHESIS:
      return { kind: 'LabelFilter', filter: parseLabelFilter(p) };
    default:
      p.fail();
  }
}

/** `a="x.y", b` for json and logfmt. */
function parseParams(p: Parser): ExtractionParam[] {
  const params: ExtractionParam[] = [];
  for (;;) {
    const label = p.expect(Tok.IDENTIFIER).text;
    if (p.at(Tok.EQ)) {
      p.next();
      params.push({ label, expression: p.expect(Tok.STRING).text });
    } else {
      params.push({ label, expression: label });
    }
    if (!p.at(Tok.COMMA)) return params;
    p.next();
  }
}

function parseLabelFormats(p: Parser): LabelFormatItem[] {
  const formats: LabelFormatItem[] = [];
  for (;;) {
    const name = p.expect(Tok.IDENTIFIER).text;
    p.expect(Tok.EQ);
    const v = p.peek();
    if (v.type === Tok.IDENTIFIER) formats.push({ name, value: v.text, rename: true });
    else if (v.type === Tok.STRING) formats.push({ name, value: v.text, rename: false });
    else p.fail([Tok.IDENTIFIER, Tok.STRING]);
    p.next();
    if (!p.at(Tok.COMMA)) return formats;
    p.next();
  }
}

/** `drop a, b="x", c=~"re"` and the same for keep. */
function parseLabelItems(p: Parser): LabelSelectorItem[] {
  const items: LabelSelectorItem[] = [];
  for (;;) {
    const name = p.expect(Tok.IDENTIFIER).text;
    const type = matchTypeOf(p.peek().type);
    if (type !== undefined) {
      p.next();
      items.push({ name, matcher: newMatcher(type, name, p.expect(Tok.STRING).text) });
    } else {
      items.push({ name, matcher: undefined });
    }
    if (!p.at(Tok.COMMA)) return items;
    p.next();
  }
}
