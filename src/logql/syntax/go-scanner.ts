/**
 * A port of Go's text/scanner in GoTokens mode, the scanner Loki's lexer is built on.
 * Loki's error positions (line, column in characters) and its odd token boundaries
 * (`//` comments, octal literals, char literals) all come from it, so it is reproduced
 * closely rather than rewritten.
 */

export const EOF = -1;
export const IDENT = -2;
export const INT = -3;
export const FLOAT = -4;
export const CHAR = -5;
export const STRING = -6;
export const RAW_STRING = -7;

const BOM = 0xfeff;

/** The mutable part of the scanner: copying it is how Loki peeks ahead. */
export interface ScanState {
  pos: number; // UTF-16 offset of the next unread character
  line: number;
  column: number;
  lastLineLen: number;
  lastCharLen: number;
  ch: number; // one character look-ahead; -2 before the first read
  tokLine: number;
  tokPos: number;
  tokEnd: number;
}

export type ErrorHandler = (msg: string) => void;

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const NUMBER = /\p{N}/u;
const SPACE = /\s/u;

export function isLetter(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  return c >= 0 && LETTER.test(String.fromCodePoint(c));
}

export function isDigit(c: number): boolean {
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return DIGIT.test(String.fromCodePoint(c));
}

/** unicode.IsNumber: any N* category. */
export function isNumber(c: number): boolean {
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return NUMBER.test(String.fromCodePoint(c));
}

/** unicode.IsSpace. */
export function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c === 0x85 || c === 0xa0) return true;
  return c >= 0 && SPACE.test(String.fromCodePoint(c)) && c !== 0xfeff;
}

function isDecimal(c: number): boolean { return c >= 0x30 && c <= 0x39; }
function lower(c: number): number { return c | 0x20; }
function isHex(c: number): boolean { return isDecimal(c) || (lower(c) >= 0x61 && lower(c) <= 0x66); }

export class GoScanner implements ScanState {
  readonly src: string;
  pos = 0;
  line = 1;
  column = 0;
  lastLineLen = 0;
  lastCharLen = 0;
  ch = -2;
  /** Start of the most recently scanned token; line 0 once Next() has been called. */
  tokLine = 0;
  tokColumn = 0;
  tokPos = -1;
  tokEnd = 0;
  onError: ErrorHandler;

  constructor(src: string, onError: ErrorHandler) {
    this.src = src;
    this.onError = onError;
  }

  /** A copy of the state, as Loki copies its scanner to look ahead. */
  save(): ScanState {
    return {
      pos: this.pos, line: this.line, column: this.column, lastLineLen: this.lastLineLen,
      lastCharLen: this.lastCharLen, ch: this.ch, tokLine: this.tokLine, tokPos: this.tokPos, tokEnd: this.tokEnd,
    };
  }

  restore(s: ScanState): void {
    this.pos = s.pos; this.line = s.line; this.column = s.column;
    this.lastLineLen = s.lastLineLen; this.lastCharLen = s.lastCharLen; this.ch = s.ch;
    this.tokLine = s.tokLine; this.tokPos = s.tokPos; this.tokEnd = s.tokEnd;
  }

  private error(msg: string): void {
    this.tokEnd = this.pos - this.lastCharLen;
    this.onError(msg);
  }

  /** Reads the next character, tracking line and column like Go's scanner. */
  private read(): number {
    const src = this.src;
    if (this.pos >= src.length) {
      if (this.lastCharLen > 0) this.column++;
      this.lastCharLen = 0;
      return EOF;
    }
    let c = src.charCodeAt(this.pos);
    let width = 1;
    if (c >= 0xd800 && c <= 0xdfff) {
      const c2 = src.charCodeAt(this.pos + 1);
      if (c <= 0xdbff && c2 >= 0xdc00 && c2 <= 0xdfff) {
        c = (c - 0xd800) * 0x400 + (c2 - 0xdc00) + 0x10000;
        width = 2;
      } else {
        // A lone surrogate stands for bytes that are not UTF-8.
        this.pos += 1;
        this.lastCharLen = 1;
        this.column++;
        this.error('invalid UTF-8 encoding');
        return 0xfffd;
      }
    }
    this.pos += width;
    this.lastCharLen = width;
    this.column++;
    if (c === 0) this.error('invalid character NUL');
    else if (c === 0x0a) {
      this.line++;
      this.lastLineLen = this.column;
      this.column = 0;
    }
    return c;
  }

  peek(): number {
    if (this.ch === -2) {
      this.ch = this.read();
      if (this.ch === BOM) this.ch = this.read();
    }
    return this.ch;
  }

  /** Go's Scanner.Next: consumes one character and invalidates the token line. */
  next(): number {
    this.tokPos = -1;
    this.tokLine = 0;
    const ch = this.peek();
    if (ch !== EOF) this.ch = this.read();
    return ch;
  }

  tokenText(): string {
    if (this.tokPos < 0) return '';
    if (this.tokEnd < this.tokPos) this.tokEnd = this.tokPos;
    return this.src.slice(this.tokPos, this.tokEnd);
  }

  scan(): number {
    let ch = this.peek();
    this.tokPos = -1;
    this.tokLine = 0;
    for (;;) {
      while (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) ch = this.read();
      this.tokPos = this.pos - this.lastCharLen;
      if (this.column > 0) {
        this.tokLine = this.line;
        this.tokColumn = this.column;
      } else {
        this.tokLine = this.line - 1;
        this.tokColumn = this.lastLineLen;
      }
      let tok = ch;
      if (ch === 0x5f || isLetter(ch)) {
        tok = IDENT;
        ch = this.read();
        while (ch === 0x5f || isLetter(ch) || isDigit(ch)) ch = this.read();
      } else if (isDecimal(ch)) {
        [tok, ch] = this.scanNumber(ch, false);
      } else {
        switch (ch) {
          case EOF:
            break;
          case 0x22: // "
            this.scanString(0x22);
            tok = STRING;
            ch = this.read();
            break;
          case 0x27: // '
            if (this.scanString(0x27) !== 1) this.error('invalid char literal');
            tok = CHAR;
            ch = this.read();
            break;
          case 0x2e: // .
            ch = this.read();
            if (isDecimal(ch)) [tok, ch] = this.scanNumber(ch, true);
            break;
          case 0x2f: // /
            ch = this.read();
            if (ch === 0x2f || ch === 0x2a) {
              this.tokPos = -1;
              ch = this.scanComment(ch);
              continue;
            }
            break;
          case 0x60: // `
            this.scanRawString();
            tok = RAW_STRING;
            ch = this.read();
            break;
          default:
            ch = this.read();
        }
      }
      this.tokEnd = this.pos - this.lastCharLen;
      this.ch = ch;
      return tok;
    }
  }

  private digits(ch0: number, base: number, invalid: { c: number } | undefined): [number, number] {
    let ch = ch0;
    let digsep = 0;
    if (base <= 10) {
      const max = 0x30 + base;
      while (isDecimal(ch) || ch === 0x5f) {
        let ds = 1;
        if (ch === 0x5f) ds = 2;
        else if (ch >= max && invalid && invalid.c === 0) invalid.c = ch;
        digsep |= ds;
        ch = this.read();
      }
    } else {
      while (isHex(ch) || ch === 0x5f) {
        digsep |= ch === 0x5f ? 2 : 1;
        ch = this.read();
      }
    }
    return [ch, digsep];
  }

  private scanNumber(ch0: number, seenDotIn: boolean): [number, number] {
    let ch = ch0;
    let seenDot = seenDotIn;
    let base = 10;
    let prefix = 0;
    let digsep = 0;
    const invalid = { c: 0 };
    let tok = INT;
    let ds: number;
    if (!seenDot) {
      if (ch === 0x30) {
        ch = this.read();
        switch (lower(ch)) {
          case 0x78: ch = this.read(); base = 16; prefix = 0x78; break;
          case 0x6f: ch = this.read(); base = 8; prefix = 0x6f; break;
          // Loki's copy checks Peek() here, which still holds the token's first character.
          case 0x62: ch = this.read(); base = 2; prefix = 0x62; break;
          default: base = 8; prefix = 0x30; digsep = 1;
        }
      }
      [ch, ds] = this.digits(ch, base, invalid);
      digsep |= ds;
      if (ch === 0x2e) {
        ch = this.read();
        seenDot = true;
      }
    }
    if (seenDot) {
      tok = FLOAT;
      if (prefix === 0x6f || prefix === 0x62) this.error('invalid radix point in ' + litname(prefix));
      [ch, ds] = this.digits(ch, base, invalid);
      digsep |= ds;
    }
    if ((digsep & 1) === 0) this.error(litname(prefix) + ' has no digits');
    const e = lower(ch);
    if (e === 0x65 || e === 0x70) {
      if (e === 0x65 && prefix !== 0 && prefix !== 0x30) this.error(`${goQuoteRune(ch)} exponent requires decimal mantissa`);
      else if (e === 0x70 && prefix !== 0x78) this.error(`${goQuoteRune(ch)} exponent requires hexadecimal mantissa`);
      ch = this.read();
      tok = FLOAT;
      if (ch === 0x2b || ch === 0x2d) ch = this.read();
      [ch, ds] = this.digits(ch, 10, undefined);
      digsep |= ds;
      if ((ds & 1) === 0) this.error('exponent has no digits');
    } else if (prefix === 0x78 && tok === FLOAT) {
      this.error("hexadecimal mantissa requires a 'p' exponent");
    }
    if (tok === INT && invalid.c !== 0) this.error(`invalid digit ${goQuoteRune(invalid.c)} in ${litname(prefix)}`);
    if (digsep & 2) {
      this.tokEnd = this.pos - this.lastCharLen;
      if (invalidSep(this.tokenText()) >= 0) this.error("'_' must separate successive digits");
    }
    return [tok, ch];
  }

  private scanDigits(ch0: number, base: number, n0: number): number {
    let ch = ch0;
    let n = n0;
    while (n > 0 && digitVal(ch) < base) {
      ch = this.read();
      n--;
    }
    if (n > 0) this.error('invalid char escape');
    return ch;
  }

  private scanEscape(quote: number): number {
    let ch = this.read();
    switch (ch) {
      case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: case 0x5c: case quote:
        ch = this.read();
        break;
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
        ch = this.scanDigits(ch, 8, 3);
        break;
      case 0x78: ch = this.scanDigits(this.read(), 16, 2); break;
      case 0x75: ch = this.scanDigits(this.read(), 16, 4); break;
      case 0x55: ch = this.scanDigits(this.read(), 16, 8); break;
      default:
        this.error('invalid char escape');
    }
    return ch;
  }

  private scanString(quote: number): number {
    let ch = this.read();
    let n = 0;
    while (ch !== quote) {
      if (ch === 0x0a || ch < 0) {
        this.error('literal not terminated');
        return n;
      }
      ch = ch === 0x5c ? this.scanEscape(quote) : this.read();
      n++;
    }
    return n;
  }

  private scanRawString(): void {
    let ch = this.read();
    while (ch !== 0x60) {
      if (ch < 0) {
        this.error('literal not terminated');
        return;
      }
      ch = this.read();
    }
  }

  private scanComment(ch0: number): number {
    let ch = ch0;
    if (ch === 0x2f) {
      ch = this.read();
      while (ch !== 0x0a && ch >= 0) ch = this.read();
      return ch;
    }
    ch = this.read();
    for (;;) {
      if (ch < 0) {
        this.error('comment not terminated');
        break;
      }
      const ch0b = ch;
      ch = this.read();
      if (ch0b === 0x2a && ch === 0x2f) {
        ch = this.read();
        break;
      }
    }
    return ch;
  }
}

function digitVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = lower(c);
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return 16;
}

function litname(prefix: number): string {
  switch (prefix) {
    case 0x78: return 'hexadecimal literal';
    case 0x6f: case 0x30: return 'octal literal';
    case 0x62: return 'binary literal';
    default: return 'decimal literal';
  }
}

function invalidSep(x: string): number {
  let x1 = 0x20;
  let d = 0x2e;
  let i = 0;
  if (x.length >= 2 && x.charCodeAt(0) === 0x30) {
    x1 = lower(x.charCodeAt(1));
    if (x1 === 0x78 || x1 === 0x6f || x1 === 0x62) {
      d = 0x30;
      i = 2;
    }
  }
  for (; i < x.length; i++) {
    const p = d;
    d = x.charCodeAt(i);
    if (d === 0x5f) {
      if (p !== 0x30) return i;
    } else if (isDecimal(d) || (x1 === 0x78 && isHex(d))) {
      d = 0x30;
    } else {
      if (p === 0x5f) return i - 1;
      d = 0x2e;
    }
  }
  if (d === 0x5f) return x.length - 1;
  return -1;
}

/** Go's %q for a rune: 'x', '\n', '\x00'. */
export function goQuoteRune(c: number): string {
  switch (c) {
    case 0x07: return "'\\a'";
    case 0x08: return "'\\b'";
    case 0x0c: return "'\\f'";
    case 0x0a: return "'\\n'";
    case 0x0d: return "'\\r'";
    case 0x09: return "'\\t'";
    case 0x0b: return "'\\v'";
    case 0x5c: return "'\\\\'";
    case 0x27: return "'\\''";
  }
  if (c < 0x20 || c === 0x7f) return "'\\x" + c.toString(16).padStart(2, '0') + "'";
  return "'" + String.fromCodePoint(c) + "'";
}
