/**
 * Loki's LogQL lexer (pkg/logql/syntax/lex.go) over the Go scanner: durations and
 * byte sizes glued to numbers, `[range]`, parser flags, keywords matched
 * case-insensitively, function names recognised only before `(`.
 */
import { parseBytes } from './bytes.js';
import { parseDuration, parsePromDuration } from './duration.js';
import { ParseError } from './errors.js';
import { CHAR, EOF, FLOAT, GoScanner, INT, RAW_STRING, STRING, isNumber, isSpace, isLetter } from './go-scanner.js';
import { unquote } from './go-strconv.js';
import { FUNCTION_WORDS, KEYWORDS, Tok } from './tokens.js';

export interface Token {
  readonly type: Tok;
  /** IDENTIFIER and NUMBER text, STRING value, PARSER_FLAG text. */
  readonly text: string;
  /** DURATION and RANGE in nanoseconds, BYTES in bytes. */
  readonly value: bigint;
  /** Position Loki reports for an error at this token (line 0 when its scanner lost it). */
  readonly line: number;
  readonly col: number;
}

const PARSER_FLAGS = new Set(['--strict', '--keep-empty']);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isDurationRune(c: number): boolean {
  // n u µ m s h d w y
  return c === 0x6e || c === 0x75 || c === 0xb5 || c === 0x6d || c === 0x73 || c === 0x68 || c === 0x64 || c === 0x77 || c === 0x79;
}

function isBytesRune(c: number): boolean {
  // B i k K M G T P
  return c === 0x42 || c === 0x69 || c === 0x6b || c === 0x4b || c === 0x4d || c === 0x47 || c === 0x54 || c === 0x50;
}

export class Lexer {
  private readonly sc: GoScanner;
  /** Errors in Loki's order; the first one is what the parse reports. */
  readonly errors: ParseError[] = [];

  constructor(input: string) {
    this.sc = new GoScanner(input, (msg) => this.error(msg));
  }

  private error(msg: string): void {
    this.errors.push(new ParseError(msg, this.sc.tokLine, this.sc.tokColumn));
  }

  private tok(type: Tok, text = '', value = 0n): Token {
    return { type, text, value, line: this.sc.tokLine, col: this.sc.tokColumn };
  }

  /** A lexing failure: Loki records the error and hands the parser end-of-input. */
  private fail(msg: string): Token {
    this.error(msg);
    return this.tok(Tok.EOF);
  }

  next(): Token {
    const sc = this.sc;
    const r = sc.scan();
    switch (r) {
      case 0x23: { // # comment to end of line
        for (let c = sc.peek(); !(c === 0x0a || c === EOF); c = sc.next()) { /* skip */ }
        return this.next();
      }
      case EOF:
        return this.tok(Tok.EOF);
      case INT:
      case FLOAT: {
        const text = sc.tokenText();
        const d = this.tryDuration(text);
        if (d !== undefined) return this.tok(Tok.DURATION, text, d);
        const b = this.tryBytes(text);
        if (b !== undefined) return this.tok(Tok.BYTES, text, b);
        return this.tok(Tok.NUMBER, text);
      }
      case 0x2d: { // -
        if (sc.peek() === 0x2d) {
          const flag = this.tryFlag();
          if (flag !== undefined) return this.tok(Tok.PARSER_FLAG, flag);
        }
        const d = this.tryDuration('-');
        if (d !== undefined) return this.tok(Tok.DURATION, '-', d);
        break;
      }
      case STRING:
      case RAW_STRING: {
        const text = sc.tokenText();
        if (LONE_SURROGATE.test(text)) return this.fail('invalid UTF-8 rune');
        try {
          return this.tok(Tok.STRING, unquote(text));
        } catch (err) {
          return this.fail((err as Error).message);
        }
      }
      case 0x5b: // [
        return this.range();
      case CHAR:
        break;
    }
    return this.word(sc.tokenText());
  }

  private range(): Token {
    const sc = this.sc;
    let text = '';
    for (let c = sc.next(); c !== EOF; c = sc.next()) {
      if (c === 0x5d) {
        try {
          return this.tok(Tok.RANGE, text, parsePromDuration(text));
        } catch (err) {
          return this.fail((err as Error).message);
        }
      }
      text += String.fromCodePoint(c);
    }
    return this.fail("missing closing ']' in duration");
  }

  private word(text: string): Token {
    const sc = this.sc;
    const lower = text.toLowerCase();
    const peek = sc.peek();
    // Go appends string(Peek()) even at EOF (U+FFFD), which never matches.
    const nextLower = lower + (peek === EOF ? '\ufffd' : String.fromCodePoint(peek).toLowerCase());
    const fnNext = FUNCTION_WORDS.get(nextLower);
    if (fnNext !== undefined) {
      const saved = sc.save();
      sc.next();
      const isFn = this.isFunction();
      sc.restore(saved);
      if (isFn) {
        sc.next();
        return this.tok(fnNext);
      }
    }
    const fn = FUNCTION_WORDS.get(lower);
    if (fn !== undefined) return this.isFunction() ? this.tok(fn) : this.tok(Tok.IDENTIFIER, text);
    const kwNext = KEYWORDS.get(nextLower);
    if (kwNext !== undefined) {
      sc.next();
      return this.tok(kwNext);
    }
    const kw = KEYWORDS.get(lower);
    if (kw !== undefined) return this.tok(kw);
    return this.tok(Tok.IDENTIFIER, text);
  }

  /** Whether `(`, or `by (` / `without (`, follows (on a copy of the scanner). */
  private isFunction(): boolean {
    const sc = this.sc;
    const saved = sc.save();
    try {
      this.skipSpace();
      let word = '';
      for (let c = sc.next(); c !== EOF; c = sc.next()) {
        word += String.fromCodePoint(c);
        const w = word.toLowerCase();
        if (w === '(') return true;
        if (w === 'by' || w === 'without') {
          this.skipSpace();
          return sc.next() === 0x28;
        }
        if (word.length >= 7) return false;
      }
      return false;
    } finally {
      sc.restore(saved);
    }
  }

  private skipSpace(): void {
    const sc = this.sc;
    for (let c = sc.peek(); c !== EOF && isSpace(c); c = sc.peek()) sc.next();
  }

  /** Appends following number/unit characters and keeps them if they make a duration. */
  private tryDuration(prefix: string): bigint | undefined {
    return this.tryGlued(prefix, (c) => isNumber(c) || isDurationRune(c) || c === 0x2e, parseDuration);
  }

  private tryBytes(prefix: string): bigint | undefined {
    return this.tryGlued(prefix, (c) => isNumber(c) || isBytesRune(c) || c === 0x2e, parseBytes);
  }

  private tryGlued(prefix: string, accept: (c: number) => boolean, parse: (s: string) => bigint): bigint | undefined {
    const sc = this.sc;
    const first = sc.peek();
    if (first === EOF || !accept(first)) return undefined;
    const saved = sc.save();
    let text = prefix;
    let consumed = 0;
    for (let c = sc.peek(); c !== EOF && !isSpace(c); c = sc.peek()) {
      if (!accept(c)) break;
      text += String.fromCodePoint(c);
      sc.next();
      consumed++;
    }
    if (consumed > 0) {
      try {
        return parse(text);
      } catch {
        // not glued: fall through
      }
    }
    sc.restore(saved);
    return undefined;
  }

  private tryFlag(): string | undefined {
    const sc = this.sc;
    const saved = sc.save();
    let flag = '-';
    for (let c = sc.peek(); isLetter(c) || c === 0x2d; c = sc.peek()) {
      flag += String.fromCodePoint(c);
      sc.next();
    }
    if (PARSER_FLAGS.has(flag)) return flag;
    sc.restore(saved);
    return undefined;
  }
}
