/**
 * The expressions of `json a="x.y[0]"` and `logfmt a="key"` parameters, parsed like
 * Loki's jsonexpr and logfmt expression grammars (with their error texts).
 */

export class PathError extends Error {}

type PathToken = 'DOT' | 'LSB' | 'RSB' | 'STRING' | 'FIELD' | 'INDEX' | 'KEY' | '$end';

interface Lexed {
  readonly tok: PathToken;
  readonly value: string | number;
}

const START = /[A-Za-z_]/;
const IDENT = /[A-Za-z0-9_]/;

/** The rune reader shared by Loki's two expression lexers: EOF reads as NUL. */
class Reader {
  private pos = 0;
  private lastOk = false;
  private readonly runes: string[];
  /** The last lexer error; the grammar's own error replaces it, as in Loki. */
  err: string | undefined;

  constructor(s: string) {
    this.runes = [...s];
  }

  read(): string {
    if (this.pos >= this.runes.length) {
      this.lastOk = false;
      return '\0';
    }
    this.lastOk = true;
    return this.runes[this.pos++];
  }

  unread(): void {
    if (this.lastOk) {
      this.pos--;
      this.lastOk = false;
    }
  }

  field(): string {
    let s = '';
    for (;;) {
      const r = this.read();
      if (r === '\0' || !IDENT.test(r)) {
        this.unread();
        return s;
      }
      s += r;
    }
  }

  str(): string {
    this.read();
    let s = '';
    for (;;) {
      const r = this.read();
      if (r === '\0' || r === '"' || r === ']') return s;
      s += r;
    }
  }

  /** A lexer failure ends the input, like Loki's lexers returning 0. */
  fail(msg: string): Lexed {
    this.err = msg;
    return { tok: '$end', value: '' };
  }
}

function isSpace(r: string): boolean {
  return r === ' ' || r === '\t' || r === '\n';
}

function jsonToken(r: Reader): Lexed {
  for (;;) {
    const c = r.read();
    if (c === '\0') return { tok: '$end', value: '' };
    if (isSpace(c)) continue;
    if (c >= '0' && c <= '9') {
      r.unread();
      let digits = '';
      for (;;) {
        const d = r.read();
        if (d === '.' && digits.length > 0) return r.fail('cannot use float as array index');
        if (isSpace(d) || d === '.' || d === ']') {
          r.unread();
          break;
        }
        if (d < '0' || d > '9') return r.fail(`non-integer value: ${d}`);
        digits += d;
      }
      return { tok: 'INDEX', value: Number(digits) };
    }
    if (c === '[') return { tok: 'LSB', value: '' };
    if (c === ']') return { tok: 'RSB', value: '' };
    if (c === '.') return { tok: 'DOT', value: '' };
    if (START.test(c)) {
      r.unread();
      return { tok: 'FIELD', value: r.field() };
    }
    if (c === '"') {
      r.unread();
      return { tok: 'STRING', value: r.str() };
    }
    return r.fail(`unexpected char ${c}`);
  }
}

function syntaxError(tok: PathToken, expecting: string): PathError {
  return new PathError(expecting === '' ? `syntax error: unexpected ${tok}` : `syntax error: unexpected ${tok}, expecting ${expecting}`);
}

/** `a.b`, `a["b"]`, `a[0].c`, `[0]` → the keys and indexes to follow into a JSON value. */
export function parseJsonPath(expr: string): (string | number)[] {
  const r = new Reader(expr);
  const path: (string | number)[] = [];
  let state: 'start' | 'bracket' | 'close' | 'dot' | 'done' = 'start';
  for (;;) {
    const t = jsonToken(r);
    switch (state) {
      case 'start':
      case 'dot':
        if (t.tok === 'FIELD') {
          path.push(t.value);
          state = 'done';
        } else if (state === 'start' && t.tok === 'LSB') {
          state = 'bracket';
        } else {
          throw syntaxError(t.tok, state === 'start' ? 'LSB or FIELD' : 'FIELD');
        }
        break;
      case 'bracket':
        if (t.tok !== 'STRING' && t.tok !== 'INDEX') throw syntaxError(t.tok, 'STRING or INDEX');
        path.push(t.value);
        state = 'close';
        break;
      case 'close':
        if (t.tok !== 'RSB') throw syntaxError(t.tok, 'RSB');
        state = 'done';
        break;
      case 'done':
        if (t.tok === '$end') {
          if (r.err !== undefined) throw new PathError(r.err);
          return path;
        }
        if (t.tok === 'DOT') state = 'dot';
        else if (t.tok === 'LSB') state = 'bracket';
        else throw syntaxError(t.tok, '');
    }
  }
}

function logfmtToken(r: Reader): Lexed {
  for (;;) {
    const c = r.read();
    if (c === '\0') return { tok: '$end', value: '' };
    if (isSpace(c)) continue;
    if (START.test(c)) {
      r.unread();
      return { tok: 'KEY', value: r.field() };
    }
    if (c === '"') {
      r.unread();
      return { tok: 'STRING', value: r.str() };
    }
    return r.fail(`unexpected char ${c}`);
  }
}

/** The key a `logfmt a="key"` parameter extracts. */
export function parseLogfmtKey(expr: string): string {
  const r = new Reader(expr);
  let key: string | undefined;
  for (;;) {
    const t = logfmtToken(r);
    if (t.tok === '$end') {
      if (key === undefined) throw syntaxError('$end', 'STRING or KEY');
      if (r.err !== undefined) throw new PathError(r.err);
      return key;
    }
    if (t.tok === 'KEY' && key !== undefined) throw syntaxError('KEY', '');
    key = key === undefined ? String(t.value) : key + String(t.value);
  }
}
