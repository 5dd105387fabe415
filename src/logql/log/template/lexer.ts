/**
 * The lexer of Go's text/template/parse: text, delimiters with trim markers, comments
 * and the tokens inside actions. Items carry their position for execution errors.
 */
import { goQuote as quote } from '../../syntax/index.js';

export enum It {
  Error, Bool, Char, CharConstant, Comment, Complex, Assign, Declare, EOF, Field, Identifier, LeftDelim,
  LeftParen, Number, Pipe, RawString, RightDelim, RightParen, Space, String, Text, Variable,
  Keyword, Block, Break, Continue, Dot, Define, Else, End, If, Nil, Range, Template, With,
}

const KEYWORDS: ReadonlyMap<string, It> = new Map([
  ['.', It.Dot], ['block', It.Block], ['break', It.Break], ['continue', It.Continue], ['define', It.Define],
  ['else', It.Else], ['end', It.End], ['if', It.If], ['range', It.Range], ['nil', It.Nil],
  ['template', It.Template], ['with', It.With],
]);

export interface Item {
  readonly typ: It;
  readonly val: string;
  readonly line: number;
  /** Index in the template text (UTF-16); converted to bytes for error positions. */
  readonly pos: number;
}

const LETTER = /[\p{L}\p{Nd}_]/u;

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string): boolean {
  if (c === '') return false;
  const k = c.charCodeAt(0);
  if (k < 0x80) return c === '_' || (k >= 0x30 && k <= 0x39) || (k >= 0x41 && k <= 0x5a) || (k >= 0x61 && k <= 0x7a);
  return LETTER.test(c);
}

export function quoteGo(s: string): string {
  return quote(s);
}

/** Go's %#U of a rune: U+002D '-'. */
function runeU(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0') + (cp >= 0x20 && cp !== 0x7f ? ` '${c}'` : '');
}

/** text/template/parse's lexer, run to completion into a list of items. */
export function lexTemplate(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;
  let done = false;

  const emit = (typ: It) => {
    items.push({ typ, val: input.slice(start, pos), line: startLine, pos: start });
    start = pos;
    startLine = line;
  };
  const ignore = () => {
    line += count(input.slice(start, pos), '\n');
    start = pos;
    startLine = line;
  };
  const error = (msg: string) => {
    items.push({ typ: It.Error, val: msg, line: startLine, pos: start });
    done = true;
  };
  const next = (): string => {
    if (pos >= input.length) return '';
    const cp = input.codePointAt(pos)!;
    const c = String.fromCodePoint(cp);
    pos += c.length;
    if (c === '\n') line++;
    return c;
  };
  const backup = (c: string) => {
    pos -= c.length;
    if (c === '\n') line--;
  };
  const peek = (): string => {
    const c = next();
    backup(c);
    return c;
  };
  const accept = (valid: string): boolean => {
    const c = next();
    if (c !== '' && valid.includes(c)) return true;
    backup(c);
    return false;
  };
  const acceptRun = (valid: string) => {
    for (;;) {
      const c = next();
      if (c === '' || !valid.includes(c)) { backup(c); return; }
    }
  };
  const atRightDelim = (): [boolean, boolean] => {
    if (isSpace(input[pos] ?? '') && input[pos + 1] === '-' && input.startsWith('}}', pos + 2)) return [true, true];
    return [input.startsWith('}}', pos), false];
  };
  const atTerminator = (): boolean => {
    const c = peek();
    if (c === '' || isSpace(c) || '.,|:)('.includes(c)) return true;
    return input.startsWith('}}', pos);
  };
  const leftTrim = (s: string) => s.length - s.replace(/^[ \t\r\n]+/, '').length;
  const rightTrim = (s: string) => s.length - s.replace(/[ \t\r\n]+$/, '').length;
  const hasLeftTrim = (at: number) => input[at] === '-' && isSpace(input[at + 1] ?? '');

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) { accept('+-'); acceptRun('0123456789_'); }
    if (digits.length === 23 && accept('pP')) { accept('+-'); acceptRun('0123456789_'); }
    accept('i');
    if (isAlphaNumeric(peek())) { next(); return false; }
    return true;
  };

  const fieldOrVariable = (typ: It) => {
    if (atTerminator()) { emit(typ === It.Variable ? It.Variable : It.Dot); return; }
    let c: string;
    for (;;) {
      c = next();
      if (!isAlphaNumeric(c)) { backup(c); break; }
    }
    if (!atTerminator()) { error(`bad character ${runeU(c)}`); return; }
    emit(typ);
  };

  const quoted = (close: string, what: string, escapes: boolean) => {
    for (;;) {
      const c = next();
      if (escapes && c === '\\') {
        const r = next();
        if (r !== '' && r !== '\n') continue;
        error(`unterminated ${what}`);
        return;
      }
      if (c === '' || (escapes && c === '\n')) { error(`unterminated ${what}`); return; }
      if (c === close) break;
    }
    emit(close === '"' ? It.String : close === '`' ? It.RawString : It.CharConstant);
  };

  const insideAction = () => {
    while (!done) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth !== 0) { error('unclosed left paren'); return; }
        if (trim) { pos += 2; ignore(); }
        pos += 2;
        emit(It.RightDelim);
        if (trim) { pos += leftTrim(input.slice(pos)); ignore(); }
        return;
      }
      const c = next();
      if (c === '') { error('unclosed action'); return; }
      if (isSpace(c)) {
        backup(c);
        let n = 0;
        while (isSpace(peek())) { next(); n++; }
        if (isSpace(input[pos - 1]) && input[pos] === '-' && input.startsWith('}}', pos + 1)) {
          pos -= 1;
          if (n === 1) continue;
        }
        emit(It.Space);
        continue;
      }
      switch (c) {
        case '=': emit(It.Assign); continue;
        case ':':
          if (next() !== '=') { error('expected :='); return; }
          emit(It.Declare);
          continue;
        case '|': emit(It.Pipe); continue;
        case '"': quoted('"', 'quoted string', true); continue;
        case '`': quoted('`', 'raw quoted string', false); continue;
        case "'": quoted("'", 'character constant', true); continue;
        case '$': fieldOrVariable(It.Variable); continue;
        case '(': emit(It.LeftParen); parenDepth++; continue;
        case ')':
          emit(It.RightParen);
          parenDepth--;
          if (parenDepth < 0) { error('unexpected right paren'); return; }
          continue;
      }
      if (c === '.') {
        const d = input[pos];
        if (d !== undefined && (d < '0' || d > '9')) { fieldOrVariable(It.Field); continue; }
      }
      if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        backup(c);
        if (!scanNumber()) { error(`bad number syntax: ${quoteGo(input.slice(start, pos))}`); return; }
        const sign = peek();
        if (sign === '+' || sign === '-') {
          if (!scanNumber() || input[pos - 1] !== 'i') { error(`bad number syntax: ${quoteGo(input.slice(start, pos))}`); return; }
          emit(It.Complex);
        } else emit(It.Number);
        continue;
      }
      if (isAlphaNumeric(c)) {
        let r: string;
        for (;;) {
          r = next();
          if (!isAlphaNumeric(r)) { backup(r); break; }
        }
        const word = input.slice(start, pos);
        if (!atTerminator()) { error(`bad character ${runeU(r)}`); return; }
        const kw = KEYWORDS.get(word);
        if (kw !== undefined) emit(kw);
        else if (word === 'true' || word === 'false') emit(It.Bool);
        else emit(It.Identifier);
        continue;
      }
      const cp = c.codePointAt(0)!;
      if (cp < 0x7f && cp >= 0x20) { emit(It.Char); continue; }
      error(`unrecognized character in action: ${runeU(c)}`);
      return;
    }
  };

  while (!done) {
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) {
        line += count(input.slice(start, pos), '\n');
        emit(It.Text);
      }
      emit(It.EOF);
      break;
    }
    if (x > pos) {
      pos = x;
      const trimLen = hasLeftTrim(x + 2) ? rightTrim(input.slice(start, pos)) : 0;
      pos -= trimLen;
      line += count(input.slice(start, pos), '\n');
      const text = input.slice(start, pos);
      if (text.length > 0) items.push({ typ: It.Text, val: text, line: startLine, pos: start });
      start = pos;
      startLine = line;
      pos += trimLen;
      ignore();
    }
    pos += 2;
    const trim = hasLeftTrim(pos);
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      pos += 2;
      const e = input.indexOf('*/', pos);
      if (e < 0) { error('unclosed comment'); break; }
      pos = e + 2;
      const [delim, t2] = atRightDelim();
      if (!delim) { error('comment ends before closing delimiter'); break; }
      if (t2) pos += 2;
      pos += 2;
      if (t2) pos += leftTrim(input.slice(pos));
      ignore();
      continue;
    }
    emit(It.LeftDelim);
    pos += after;
    ignore();
    parenDepth = 0;
    insideAction();
  }
  return items;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

