/**
 * The logfmt scanner of Loki's logfmt stage (its fork of go-logfmt, on bytes): key=value,
 * key="quoted \"value\"", bare keys. After a malformed pair it skips to the next space and
 * keeps going; the last error is remembered for `--strict`.
 */

const QUOTE = 0x22;
const EQ = 0x3d;
const BACKSLASH = 0x5c;

export class LogfmtDecoder {
  private line: Buffer = Buffer.alloc(0);
  pos = 0;
  keyStart = -1;
  keyEnd = -1;
  /** Value as a range of the line, or `unquoted` when it had escapes. */
  valueStart = -1;
  valueEnd = -1;
  unquoted: Buffer | undefined;
  err: string | undefined;

  reset(line: Buffer): void {
    this.line = line;
    this.pos = 0;
    this.err = undefined;
  }

  eol(): boolean {
    return this.pos >= this.line.length;
  }

  hasKey(): boolean {
    return this.keyStart >= 0;
  }

  key(): Buffer {
    return this.line.subarray(this.keyStart, this.keyEnd);
  }

  /** The value's bytes (empty when none). */
  value(): Buffer {
    if (this.unquoted !== undefined) return this.unquoted;
    if (this.valueStart < 0) return EMPTY;
    return this.line.subarray(this.valueStart, this.valueEnd);
  }

  valueLength(): number {
    if (this.unquoted !== undefined) return this.unquoted.length;
    return this.valueStart < 0 ? 0 : this.valueEnd - this.valueStart;
  }

  private syntaxError(msg: string): void {
    this.err = `logfmt syntax error at pos ${this.pos + 1} : ${msg}`;
  }

  private unexpected(c: number): void {
    this.err = `logfmt syntax error at pos ${this.pos + 1} : unexpected ${quoteByte(c)}`;
  }

  private skipValue(): boolean {
    const line = this.line;
    for (let p = this.pos; p < line.length; p++) {
      if (line[p] <= 0x20) {
        this.pos = p;
        return false;
      }
    }
    this.pos = line.length;
    return false;
  }

  private badKey(start: number, end: number, multibyte: boolean): boolean {
    return multibyte && this.line.toString('utf8', start, end).includes('\ufffd');
  }

  /** Advances to the next pair; false at the end of the line or on a malformed pair. */
  scanKeyval(): boolean {
    this.keyStart = -1;
    this.valueStart = -1;
    this.unquoted = undefined;
    const line = this.line;
    const n = line.length;
    let p = this.pos;
    while (p < n && line[p] <= 0x20) p++;
    if (p >= n) {
      this.pos = n;
      return false;
    }
    this.pos = p;
    // key
    const start = p;
    let multibyte = false;
    for (; p < n; p++) {
      const c = line[p];
      if (c === EQ) {
        this.pos = p;
        if (p > start) {
          if (this.badKey(start, p, multibyte)) {
            this.syntaxError('invalid key');
            return this.skipValue();
          }
          this.keyStart = start;
          this.keyEnd = p;
        }
        if (this.keyStart < 0) {
          this.unexpected(c);
          return this.skipValue();
        }
        return this.equal();
      }
      if (c === QUOTE) {
        this.pos = p;
        this.unexpected(c);
        return this.skipValue();
      }
      if (c <= 0x20) {
        this.pos = p;
        if (p > start) {
          if (this.badKey(start, p, multibyte)) {
            this.syntaxError('invalid key');
            return false;
          }
          this.keyStart = start;
          this.keyEnd = p;
        }
        return true;
      }
      if (c >= 0x80) multibyte = true;
    }
    this.pos = n;
    if (n > start) {
      if (this.badKey(start, n, multibyte)) {
        this.syntaxError('invalid key');
        return false;
      }
      this.keyStart = start;
      this.keyEnd = n;
    }
    return true;
  }

  private equal(): boolean {
    const line = this.line;
    const n = line.length;
    this.pos++;
    if (this.pos >= n) return true;
    const c0 = line[this.pos];
    if (c0 <= 0x20) return true;
    if (c0 === QUOTE) return this.quoted();
    const start = this.pos;
    for (let p = start; p < n; p++) {
      const c = line[p];
      if (c === EQ || c === QUOTE) {
        this.pos = p;
        this.unexpected(c);
        return this.skipValue();
      }
      if (c <= 0x20) {
        this.pos = p;
        if (p > start) {
          this.valueStart = start;
          this.valueEnd = p;
        }
        return true;
      }
    }
    this.pos = n;
    if (n > start) {
      this.valueStart = start;
      this.valueEnd = n;
    }
    return true;
  }

  private quoted(): boolean {
    const line = this.line;
    const n = line.length;
    let hasEsc = false;
    let esc = false;
    const start = this.pos;
    for (let p = start + 1; p < n; p++) {
      const c = line[p];
      if (esc) {
        esc = false;
      } else if (c === BACKSLASH) {
        hasEsc = true;
        esc = true;
      } else if (c === QUOTE) {
        this.pos = p + 1;
        if (hasEsc) {
          const v = unquoteBytes(line, start, this.pos);
          if (v === undefined) {
            this.syntaxError('invalid quoted value');
            return false;
          }
          this.unquoted = v;
        } else if (this.pos - 1 > start + 1) {
          this.valueStart = start + 1;
          this.valueEnd = this.pos - 1;
        }
        return true;
      }
    }
    this.pos = n;
    this.syntaxError('unterminated quoted value');
    return false;
  }
}

const EMPTY = Buffer.alloc(0);

/** Go's %q of a byte: a quoted rune literal. */
function quoteByte(c: number): string {
  switch (c) {
    case 0x27: return "'\\''";
    case 0x5c: return "'\\\\'";
    case 0x07: return "'\\a'";
    case 0x08: return "'\\b'";
    case 0x0c: return "'\\f'";
    case 0x0a: return "'\\n'";
    case 0x0d: return "'\\r'";
    case 0x09: return "'\\t'";
    case 0x0b: return "'\\v'";
  }
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

function hex4(b: Buffer, i: number, end: number): number {
  if (end - i < 6 || b[i] !== BACKSLASH || b[i + 1] !== 0x75) return -1;
  const s = b.toString('latin1', i + 2, i + 6);
  return /^[0-9a-fA-F]{4}$/.test(s) ? parseInt(s, 16) : -1;
}

/** encoding/json's unquoteBytes on [start, end) including the quotes. */
function unquoteBytes(b: Buffer, start: number, end: number): Buffer | undefined {
  const s = start + 1;
  const e = end - 1;
  const out: number[] = [];
  let r = s;
  while (r < e) {
    const c = b[r];
    if (c === BACKSLASH) {
      r++;
      if (r >= e) return undefined;
      const x = b[r];
      switch (x) {
        case 0x22: case 0x5c: case 0x2f: case 0x27: out.push(x); r++; break;
        case 0x62: out.push(8); r++; break;
        case 0x66: out.push(12); r++; break;
        case 0x6e: out.push(10); r++; break;
        case 0x72: out.push(13); r++; break;
        case 0x74: out.push(9); r++; break;
        case 0x75: {
          r--;
          let rr = hex4(b, r, e);
          if (rr < 0) return undefined;
          r += 6;
          if (rr >= 0xd800 && rr <= 0xdfff) {
            const rr1 = hex4(b, r, e);
            if (rr < 0xdc00 && rr1 >= 0xdc00 && rr1 <= 0xdfff) {
              r += 6;
              pushRune(out, 0x10000 + (rr - 0xd800) * 1024 + (rr1 - 0xdc00));
              break;
            }
            rr = 0xfffd;
          }
          pushRune(out, rr);
          break;
        }
        default:
          return undefined;
      }
      continue;
    }
    if (c === QUOTE) return undefined;
    out.push(c);
    r++;
  }
  // Invalid UTF-8 is coerced to U+FFFD, as encoding/json does.
  return Buffer.from(Buffer.from(out).toString('utf8'), 'utf8');
}

function pushRune(out: number[], r: number): void {
  for (const x of Buffer.from(String.fromCodePoint(r), 'utf8')) out.push(x);
}
