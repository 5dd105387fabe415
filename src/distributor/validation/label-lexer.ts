/**
 * The Prometheus PromQL lexer (lexStatements / lexInsideBraces), reduced to what can appear
 * in a metric's text: identifiers, keywords, strings, braces, commas and operators. Lexer
 * errors carry Prometheus' wording.
 */
import { goQuote } from '../../model/labels.js';

const EOF = -1;
const RUNE_ERROR = 0xfffd;

export type Kind = 'EOF' | 'ERROR' | 'IDENT' | 'METRIC_IDENT' | 'STRING' | 'NUMBER' | 'LBRACE' | 'RBRACE' | 'COMMA' | 'EQL' | 'OTHER';

export interface Token {
  kind: Kind;
  val: string;
  /** UTF-16 index where the token starts. */
  pos: number;
  /** For OTHER and keywords: how Prometheus describes the token in "unexpected …". */
  desc?: string;
  /** Keywords that may serve as a metric name. */
  nameOk?: boolean;
}

const AGGREGATORS = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio']);
const OPERATOR_WORDS = new Set(['and', 'or', 'unless', 'atan2']);
const KEYWORDS = new Set(['offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);
const NOT_A_NAME = new Set(['atan2', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);

function isAlpha(c: number): boolean {
  return c === 0x5f || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Go's %q of a rune, as in `unexpected character inside braces: '.'`. */
function quoteRune(c: number): string {
  if (c === EOF) return "'\ufffd'";
  const ch = String.fromCodePoint(c);
  if (ch === "'") return `'\\''`;
  if (ch === '"') return `'"'`;
  return "'" + goQuote(ch).slice(1, -1) + "'";
}

export class Lexer {
  pos = 0;
  start = 0;
  braceOpen = false;
  parenDepth = 0;

  constructor(readonly input: string) {}

  private next(): number {
    if (this.pos >= this.input.length) return EOF;
    const c = this.input.codePointAt(this.pos)!;
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  private peek(): number {
    return this.pos >= this.input.length ? EOF : this.input.codePointAt(this.pos)!;
  }

  private backup(c: number): void {
    if (c !== EOF) this.pos -= c > 0xffff ? 2 : 1;
  }

  private emit(kind: Kind, extra?: Partial<Token>): Token {
    const t: Token = { kind, val: this.input.slice(this.start, this.pos), pos: this.start, ...extra };
    this.start = this.pos;
    return t;
  }

  private error(msg: string): Token {
    return { kind: 'ERROR', val: msg, pos: this.start };
  }

  nextToken(): Token {
    for (;;) {
      if (this.braceOpen) {
        const t = this.insideBraces();
        if (t) return t;
      } else {
        const t = this.statements();
        if (t) return t;
      }
    }
  }

  private skipSpaceAndComments(c: number): boolean {
    if (isSpace(c)) {
      while (isSpace(this.peek())) this.next();
      this.start = this.pos;
      return true;
    }
    if (c === 0x23) {
      while (this.peek() !== EOF && this.peek() !== 0x0a) this.next();
      this.start = this.pos;
      return true;
    }
    return false;
  }

  /** Prometheus lexInsideBraces. Returns undefined when only whitespace was consumed. */
  private insideBraces(): Token | undefined {
    const c = this.next();
    if (c === EOF) return this.error('unexpected end of input inside braces');
    if (this.skipSpaceAndComments(c)) return undefined;
    if (isAlpha(c)) {
      while (isAlpha(this.peek()) || isDigit(this.peek())) this.next();
      return this.emit('IDENT');
    }
    switch (c) {
      case 0x2c: return this.emit('COMMA');
      case 0x22: case 0x27: return this.string(c);
      case 0x60: return this.rawString();
      case 0x3d:
        if (this.peek() === 0x7e) { this.next(); return this.emit('OTHER', { desc: '<op:=~>' }); }
        return this.emit('EQL');
      case 0x21: {
        const n = this.next();
        if (n === 0x7e) return this.emit('OTHER', { desc: '<op:!~>' });
        if (n === 0x3d) return this.emit('OTHER', { desc: '<op:!=>' });
        return this.error(`unexpected character after '!' inside braces: ${quoteRune(n)}`);
      }
      case 0x7b: return this.error(`unexpected left brace ${quoteRune(c)}`);
      case 0x7d:
        this.braceOpen = false;
        return this.emit('RBRACE');
      default:
        return this.error(`unexpected character inside braces: ${quoteRune(c)}`);
    }
  }

  /** Prometheus lexStatements, reduced to what can appear around a metric. */
  private statements(): Token | undefined {
    const c = this.next();
    if (c === EOF) {
      if (this.parenDepth !== 0) return this.error('unclosed left parenthesis');
      return this.emit('EOF');
    }
    if (this.skipSpaceAndComments(c)) return undefined;
    if (isAlpha(c) || c === 0x3a) return this.identifier();
    if (isDigit(c) || (c === 0x2e && isDigit(this.peek()))) {
      while (isAlpha(this.peek()) || isDigit(this.peek()) || this.peek() === 0x2e) this.next();
      return this.emit('NUMBER');
    }
    switch (c) {
      case 0x7b:
        this.braceOpen = true;
        return this.emit('LBRACE');
      case 0x2c: return this.emit('COMMA');
      case 0x22: case 0x27: return this.string(c);
      case 0x60: return this.rawString();
      case 0x28:
        this.parenDepth++;
        return this.emit('OTHER', { desc: '"("' });
      case 0x29:
        this.parenDepth--;
        if (this.parenDepth < 0) { this.start = this.pos; return this.error(`unexpected right parenthesis ${quoteRune(c)}`); }
        return this.emit('OTHER', { desc: '")"' });
      case 0x5b: return this.emit('OTHER', { desc: '"["' });
      case 0x5d: return this.error(`unexpected right bracket ${quoteRune(c)}`);
      case 0x3d: {
        const p = this.peek();
        if (p === 0x3d) { this.next(); return this.emit('OTHER', { desc: '<op:==>' }); }
        if (p === 0x7e) return this.error(`unexpected character after '=': ${quoteRune(p)}`);
        return this.emit('EQL');
      }
      case 0x21: {
        const n = this.next();
        if (n === 0x3d) return this.emit('OTHER', { desc: '<op:!=>' });
        return this.error(`unexpected character after '!': ${quoteRune(n)}`);
      }
      case 0x3c: case 0x3e: {
        let op = String.fromCharCode(c);
        if (this.peek() === 0x3d) { this.next(); op += '='; }
        return this.emit('OTHER', { desc: `<op:${op}>` });
      }
      case 0x2a: case 0x2f: case 0x25: case 0x2b: case 0x2d: case 0x5e:
        return this.emit('OTHER', { desc: `<op:${String.fromCharCode(c)}>` });
      case 0x40: return this.emit('OTHER', { desc: '<op:@>' });
      default:
        return this.error(`unexpected character: ${quoteRune(c)}`);
    }
  }

  /** lexKeywordOrIdentifier: [a-zA-Z_:][a-zA-Z0-9_:]*, keywords matched case-insensitively. */
  private identifier(): Token {
    while (isAlpha(this.peek()) || isDigit(this.peek()) || this.peek() === 0x3a) this.next();
    const word = this.input.slice(this.start, this.pos);
    const lower = word.toLowerCase();
    if (lower === 'inf' || lower === 'nan') return this.emit('NUMBER');
    if (AGGREGATORS.has(lower)) return this.emit('OTHER', { desc: `<aggr:${word}>`, nameOk: true });
    if (OPERATOR_WORDS.has(lower)) return this.emit('OTHER', { desc: `<op:${word}>`, nameOk: !NOT_A_NAME.has(lower) });
    if (KEYWORDS.has(lower)) return this.emit('OTHER', { desc: `<${word}>`, nameOk: !NOT_A_NAME.has(lower) });
    return this.emit(word.includes(':') ? 'METRIC_IDENT' : 'IDENT');
  }

  /**
   * lexString. Escape errors found here are overwritten when the string is emitted (a quirk
   * of the Prometheus lexer), so only the characters they consume matter; the value is
   * checked when unquoted.
   */
  private string(quote: number): Token {
    for (;;) {
      const c = this.next();
      if (c === 0x5c) this.escape(quote);
      else if (c === RUNE_ERROR) return this.error('invalid UTF-8 rune');
      else if (c === EOF || c === 0x0a) return this.error('unterminated quoted string');
      else if (c === quote) break;
    }
    return this.emit('STRING');
  }

  private escape(quote: number): void {
    let c = this.next();
    let n: number;
    let base: number;
    switch (c) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c: case quote:
        return;
      case 0x78: c = this.next(); n = 2; base = 16; break;
      case 0x75: c = this.next(); n = 4; base = 16; break;
      case 0x55: c = this.next(); n = 8; base = 16; break;
      default:
        if (c >= 0x30 && c <= 0x37) { n = 3; base = 8; break; }
        return;
    }
    while (n > 0) {
      if (digitVal(c) >= base) return;
      n--;
      if (n > 0) c = this.next();
    }
  }

  private rawString(): Token {
    for (;;) {
      const c = this.next();
      if (c === RUNE_ERROR) return this.error('invalid UTF-8 rune');
      if (c === EOF) return this.error('unterminated raw string');
      if (c === 0x60) break;
    }
    return this.emit('STRING');
  }
}

function digitVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 16;
}
