/**
 * A cursor mirroring github.com/json-iterator/go's Iterator, which Loki uses to walk the
 * outer structure of a JSON push. Only what is needed to reproduce its acceptance and its
 * error texts: token reading, strict skipping of a value, and ReportError's message format
 * (which quotes the bytes around the failure from its 512-byte read buffer).
 */
import { Memo } from './jsonparser.js';

/** jsoniter's Decoder reads the body in 512-byte chunks; error contexts are cut to the chunk. */
const CHUNK = 512;
const MAX_DEPTH = 10000;

export class JsonIterError extends Error {}

export class Iterator {
  pos = 0;
  /** First reported error; later reports are ignored, as in jsoniter. */
  error: string | undefined;
  private depth = 0;
  /** Ends of the containers and escaped strings skipped so far, for jsonparser to reuse. */
  readonly memo: Memo;

  constructor(readonly b: Buffer) {
    this.memo = new Memo(b);
  }

  /** Next non-whitespace byte (consumed), or 0 at the end of input. */
  nextToken(): number {
    const b = this.b;
    let i = this.pos;
    for (; i < b.length; i++) {
      const c = b[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) {
        this.pos = i + 1;
        return c;
      }
    }
    this.pos = b.length;
    return 0;
  }

  unread(): void {
    if (this.pos > 0) this.pos--;
  }

  readByte(): number {
    if (this.pos >= this.b.length) return 0;
    return this.b[this.pos++];
  }

  /** jsoniter's ReportError: records `op: msg` with the surrounding bytes, once. */
  report(op: string, msg: string, head = this.pos): void {
    if (this.error !== undefined) return;
    const len = this.b.length;
    const chunkStart = head > 0 ? Math.floor((head - 1) / CHUNK) * CHUNK : 0;
    const tail = Math.min(len, chunkStart + CHUNK);
    const peekStart = Math.max(chunkStart, head - 10);
    const peekEnd = Math.min(tail, head + 10);
    const ctxStart = Math.max(chunkStart, head - 50);
    const ctxEnd = Math.min(tail, head + 50);
    const parsing = this.b.toString('utf8', peekStart, peekEnd);
    const context = this.b.toString('utf8', ctxStart, ctxEnd);
    this.error = `${op}: ${msg}, error found in #${head - peekStart} byte of ...|${parsing}|..., bigger context ...|${context}|...`;
  }

  /** End (exclusive) of the current read chunk, as seen after consuming byte pos-1. */
  private chunkTail(): number {
    const p = this.pos;
    const q = p > 0 ? p - 1 : 0;
    return Math.min(this.b.length, (Math.floor(q / CHUNK) + 1) * CHUNK);
  }

  skipThreeBytes(b1: number, b2: number, b3: number): void {
    if (this.readByte() !== b1 || this.readByte() !== b2 || this.readByte() !== b3) {
      this.report('skipThreeBytes', 'expect ' + String.fromCharCode(b1, b2, b3));
    }
  }

  private skipFourBytes(b1: number, b2: number, b3: number, b4: number): void {
    if (this.readByte() !== b1 || this.readByte() !== b2 || this.readByte() !== b3 || this.readByte() !== b4) {
      this.report('skipFourBytes', 'expect ' + String.fromCharCode(b1, b2, b3, b4));
    }
  }

  /** Skips one value with jsoniter's strict rules; stops at the first error. */
  skip(): void {
    const c = this.nextToken();
    switch (c) {
      case 0x22: this.skipString(); return;
      case 0x6e: this.skipThreeBytes(0x75, 0x6c, 0x6c); return;
      case 0x74: this.skipThreeBytes(0x72, 0x75, 0x65); return;
      case 0x66: this.skipFourBytes(0x61, 0x6c, 0x73, 0x65); return;
      case 0x5b: case 0x7b: this.skipContainer(c); return;
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) { this.unread(); this.skipNumber(); return; }
        this.report('Skip', `do not know how to skip: ${c}`);
    }
  }

  /** Arrays and objects, iteratively so deep nesting cannot overflow the stack. */
  private skipContainer(first: number): void {
    const stack: number[] = [];
    // needValue: the next thing to read is an element (or field) value.
    let needValue = this.open(first, stack);
    while (this.error === undefined) {
      if (needValue) {
        const c = this.nextToken();
        if (c === 0x5b || c === 0x7b) { needValue = this.open(c, stack); continue; }
        this.unread();
        this.skip();
        needValue = false;
        continue;
      }
      if (stack.length === 0) return;
      const topStart = stack[stack.length - 1];
      const top = this.b[topStart];
      const t = this.nextToken();
      if (t === 0x2c) {
        if (top === 0x7b) {
          const q = this.nextToken();
          if (q !== 0x22) { this.report('ReadString', 'expects " or n, but found ' + String.fromCharCode(q)); return; }
          if (!this.objectField()) return;
        }
        needValue = true;
        continue;
      }
      if (top === 0x7b && t !== 0x7d) { this.report('ReadObjectCB', 'object not ended with }'); return; }
      if (top === 0x5b && t !== 0x5d) {
        this.report('ReadArrayCB', 'expect ] in the end, but found ' + String.fromCharCode(t));
        return;
      }
      stack.pop();
      this.depth--;
      this.memo.blocks.set(topStart, this.pos);
    }
  }

  /** Enters a container whose opening bracket was just read; returns whether a value follows. */
  private open(c: number, stack: number[]): boolean {
    if (++this.depth > MAX_DEPTH) { this.report('incrementDepth', 'exceeded max depth'); return false; }
    const start = this.pos - 1;
    stack.push(start);
    const t = this.nextToken();
    if (t === (c === 0x7b ? 0x7d : 0x5d)) {
      stack.pop();
      this.depth--;
      this.memo.blocks.set(start, this.pos);
      return false;
    }
    if (c === 0x5b) {
      this.unread();
      return true;
    }
    if (t !== 0x22) {
      this.report('ReadObjectCB', 'expect " after {, but found ' + String.fromCharCode(t));
      return false;
    }
    return this.objectField();
  }

  /** After an object's opening quote: the field name and its colon. */
  private objectField(): boolean {
    this.readStringBody('ReadString');
    if (this.error !== undefined) return false;
    const t = this.nextToken();
    if (t !== 0x3a) {
      this.report('ReadObjectCB', 'expect : after object field, but found ' + String.fromCharCode(t));
      return false;
    }
    return true;
  }

  /** trySkipString's fast path (control characters rejected) then the escape-checking slow path. */
  private skipString(): void {
    this.readStringBody('trySkipString');
  }

  private readStringBody(op: string): void {
    const b = this.b;
    const n = b.length;
    const tail = this.chunkTail();
    const contentStart = this.pos;
    // Fast path (within the read chunk): stop at a quote, a backslash or a control character.
    let i = contentStart;
    let c = 0;
    for (; i < tail; i++) {
      c = b[i];
      if (c <= 0x5c && (c === 0x22 || c === 0x5c || c < 0x20)) break;
    }
    if (i >= tail) {
      // Past the chunk jsoniter reads the rest slowly, without the control character check.
      for (; i < n; i++) {
        c = b[i];
        if (c === 0x22 || c === 0x5c) break;
      }
      if (i >= n) { this.pos = n; this.report('readStringSlowPath', 'unexpected end of input'); return; }
    } else if (c < 0x20) {
      this.pos = i;
      this.report(op, `invalid control character found: ${c}`);
      return;
    }
    if (c === 0x22) { this.pos = i + 1; return; }
    this.escapedString(contentStart, i);
  }

  /**
   * The rest of a string from its first backslash at `i`: escapes validated, no control
   * character check. Only its end is noted (for jsonparser); the bytes are unescaped once,
   * later, for the strings that need it (lines, mostly), rather than copied here for all.
   */
  private escapedString(contentStart: number, i: number): void {
    const b = this.b;
    const n = b.length;
    let c = 0x5c;
    for (;;) {
      // At a backslash: one escape.
      this.pos = i + 1;
      if (!this.escapedChar()) return;
      i = this.pos;
      for (; i < n; i++) {
        c = b[i];
        if (c === 0x22 || c === 0x5c) break;
      }
      if (i >= n) { this.pos = n; this.report('readStringSlowPath', 'unexpected end of input'); return; }
      if (c === 0x22) break;
    }
    this.pos = i + 1;
    this.memo.strings.set(contentStart, this.pos);
  }

  private escapedChar(): boolean {
    const c = this.readByte();
    switch (c) {
      case 0x22: case 0x5c: case 0x2f: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74:
        return true;
      case 0x75: {
        for (let k = 0; k < 4; k++) {
          const h = this.readByte();
          const ok = (h >= 0x30 && h <= 0x39) || (h >= 0x61 && h <= 0x66) || (h >= 0x41 && h <= 0x46);
          if (!ok) {
            this.report('readU4', 'expects 0~9 or a~f, but found ' + String.fromCharCode(h));
            return false;
          }
        }
        return true;
      }
      default:
        this.report('readEscapedChar', 'invalid escape char after \\');
        return false;
    }
  }

  /** Numbers: digits, one dot followed by a digit, and an exponent; jsoniter's checks. */
  private skipNumber(): void {
    const b = this.b;
    let i = this.pos;
    if (b[i] === 0x2d) i++;
    const digitsStart = i;
    while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) i++;
    if (i === digitsStart) { this.pos = i; this.report('readNumberAsString', 'invalid number'); return; }
    if (b[i] === 0x2e) {
      i++;
      if (!(b[i] >= 0x30 && b[i] <= 0x39)) { this.pos = i; this.report('validateNumber', 'missing digit after dot'); return; }
      while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) i++;
      if (b[i] === 0x2e) { this.pos = i; this.report('validateNumber', 'more than one dot found in number'); return; }
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      const expStart = i;
      while (i < b.length && b[i] >= 0x30 && b[i] <= 0x39) i++;
      if (i === expStart) { this.pos = i; this.report('readNumberAsString', 'invalid number'); return; }
    }
    this.pos = i;
  }

  fail(prefix: string): never {
    throw new JsonIterError(prefix + (this.error ?? 'EOF'));
  }
}
