import { unescape } from '../../push/json/jsonparser.js';

/** Loki's logfmt decoder (pkg/logql/log/logfmt), reduced to keys and values. */
export class LogfmtScanner {
  pos = 0;
  keyStart = -1;
  keyEnd = -1;
  /** The value is line[valueStart, valueEnd), or `escaped` when it had to be unquoted. */
  valueStart = 0;
  valueEnd = 0;
  escaped: Buffer | undefined;
  private line: Buffer = Buffer.alloc(0);

  reset(line: Buffer): void {
    this.line = line;
    this.pos = 0;
  }

  /** Next key/value; false at the end of the line or on a syntax error. */
  scan(): boolean {
    const line = this.line;
    const n = line.length;
    this.keyStart = -1;
    this.valueStart = this.valueEnd = 0;
    this.escaped = undefined;
    while (this.pos < n && line[this.pos] <= 0x20) this.pos++;
    if (this.pos >= n) return false;
    const start = this.pos;
    for (; this.pos < n; this.pos++) {
      const c = line[this.pos];
      if (c === 0x3d) break;
      if (c === 0x22) return this.skipValue();
      if (c <= 0x20) {
        this.keyStart = start;
        this.keyEnd = this.pos;
        return true;
      }
    }
    if (this.pos > start) { this.keyStart = start; this.keyEnd = this.pos; }
    if (this.pos >= n) return true;
    if (this.keyStart < 0) return this.skipValue();
    // At '='.
    this.pos++;
    if (this.pos >= n || line[this.pos] <= 0x20) return true;
    if (line[this.pos] === 0x22) return this.quotedValue();
    const vStart = this.pos;
    for (; this.pos < n; this.pos++) {
      const c = line[this.pos];
      if (c === 0x3d || c === 0x22) return this.skipValue();
      if (c <= 0x20) break;
    }
    this.valueStart = vStart;
    this.valueEnd = this.pos;
    return true;
  }

  private skipValue(): false {
    while (this.pos < this.line.length && this.line[this.pos] > 0x20) this.pos++;
    return false;
  }

  private quotedValue(): boolean {
    const line = this.line;
    const start = this.pos;
    let esc = false;
    let hasEsc = false;
    for (let i = start + 1; i < line.length; i++) {
      const c = line[i];
      if (esc) { esc = false; continue; }
      if (c === 0x5c) { hasEsc = true; esc = true; continue; }
      if (c === 0x22) {
        this.pos = i + 1;
        if (hasEsc) {
          const v = unescape(line, start + 1, i);
          if (v === undefined) return false;
          this.escaped = v;
        } else {
          this.valueStart = start + 1;
          this.valueEnd = i;
        }
        return true;
      }
    }
    this.pos = line.length;
    return false;
  }
}
