/**
 * `detected_level` discovery (Loki's pkg/distributor/field_detection.go), in this order:
 * a stream label named in log_level_fields (value as is), a structured metadata field of
 * that name (as is), the OTLP severity_number, a field of a JSON or logfmt line (mapped to
 * a level name), and last a substring scan of the line.
 */
import type { Label } from '../../model/labels.js';
import { get, nextToken, stringEnd, unescape, Value } from '../../push/json/jsonparser.js';

export const DETECTED_LEVEL = 'detected_level';
const SEVERITY_NUMBER = 'severity_number';

/** Loki's fields when log_level_fields is empty. */
export const DEFAULT_LEVEL_FIELDS: readonly string[] = ['level', 'LEVEL', 'Level', 'severity', 'SEVERITY', 'Severity', 'lvl', 'LVL', 'Lvl'];

const LEVEL_ALIASES: Record<string, string> = {
  trace: 'trace', trc: 'trace',
  debug: 'debug', dbg: 'debug',
  info: 'info', inf: 'info',
  warn: 'warn', wrn: 'warn', warning: 'warn',
  error: 'error', err: 'error',
  critical: 'critical',
  fatal: 'fatal',
};

/** Per-limits state: the field list and its lookup table, built once. */
export class LevelDetector {
  readonly fields: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly maxFieldLength: number;

  constructor(logLevelFields: readonly string[]) {
    this.fields = logLevelFields.length > 0 ? logLevelFields : DEFAULT_LEVEL_FIELDS;
    this.fields.forEach((f, i) => { if (!this.index.has(f)) this.index.set(f, i); });
    this.maxFieldLength = Math.max(...this.fields.map((f) => Buffer.byteLength(f)));
  }

  /** The level to store, or undefined when Loki would add none (an empty field value). */
  detect(stream: readonly Label[], metadata: readonly Label[], line: Buffer): string | undefined {
    for (const f of this.fields) {
      for (const l of stream) if (l.name === f) return l.value || undefined;
    }
    if (metadata.length > 0) {
      for (const f of this.fields) {
        for (const l of metadata) if (l.name === f) return l.value || undefined;
      }
      for (const l of metadata) if (l.name === SEVERITY_NUMBER && l.value !== '') return otlpSeverity(l.value);
    }
    return this.fromLine(line);
  }

  private fromLine(line: Buffer): string {
    let v: Buffer | undefined;
    if (isJsonLine(line)) v = this.jsonField(line);
    else if (line.indexOf(0x3d) >= 0) v = this.logfmtField(line);
    else return scanLevel(line);
    if (v !== undefined && v.length <= 8) {
      const level = LEVEL_ALIASES[v.toString('latin1').toLowerCase()];
      if (level !== undefined) return level;
    }
    return scanLevel(line);
  }

  private fieldIndex(b: Buffer, s: number, e: number): number {
    if (e - s > this.maxFieldLength) return -1;
    return this.index.get(b.toString('utf8', s, e)) ?? -1;
  }

  /** The first top-level field, by log_level_fields order (jsonparser.Get per field). */
  private jsonField(line: Buffer): Buffer | undefined {
    const end = line.length;
    let i = nextToken(line, 0, end) + 1;
    let best = this.fields.length;
    let bestValue: Buffer | undefined;
    const v = new Value();
    for (;;) {
      i = nextToken(line, i, end);
      if (i < 0 || line[i] !== 0x22) break;
      const se = stringEnd(line, i + 1, end);
      if (se < 0) break;
      let idx: number;
      const bs = line.indexOf(0x5c, i + 1);
      if (bs >= 0 && bs < se - 1) {
        const key = unescape(line, i + 1, se - 1);
        idx = key === undefined ? -1 : this.fieldIndex(key, 0, key.length);
      } else {
        idx = this.fieldIndex(line, i + 1, se - 1);
      }
      const colon = nextToken(line, se, end);
      if (colon < 0 || line[colon] !== 0x3a) break;
      if (get(line, colon + 1, end, v) !== undefined) break;
      if (idx >= 0 && idx < best) {
        best = idx;
        bestValue = line.subarray(v.start, v.end);
        if (idx === 0) break;
      }
      i = nextToken(line, v.next, end);
      if (i < 0 || line[i] !== 0x2c) break;
      i++;
    }
    return bestValue;
  }

  /** The value of the first logfmt key of the line that is a level field. */
  private logfmtField(line: Buffer): Buffer | undefined {
    const d = new LogfmtScanner(line);
    while (d.pos < line.length && d.scan()) {
      if (d.keyStart >= 0 && this.fieldIndex(line, d.keyStart, d.keyEnd) >= 0) return d.value;
    }
    return undefined;
  }
}

/** Loki's isJSON: first non-space character '{', last non-space byte '}'. */
function isJsonLine(line: Buffer): boolean {
  let i = 0;
  while (i < line.length && isSpaceByte(line[i])) i++;
  let j = line.length - 1;
  while (j > i && isSpaceByte(line[j])) j--;
  return i < line.length && line[i] === 0x7b && line[j] === 0x7d;
}

function isSpaceByte(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** OTLP SeverityNumber ranges (1-4 trace, … 21-24 fatal); a non-number means info. */
function otlpSeverity(text: string): string {
  if (!/^[+-]?\d+$/.test(text)) return 'info';
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return 'info';
  if (n === 0) return 'unknown';
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warn';
  if (n <= 20) return 'error';
  if (n <= 24) return 'fatal';
  return 'unknown';
}

const NEEDLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['info', ['info', 'INFO']],
  ['error', ['err:', 'ERR:', 'error', 'ERROR']],
  ['warn', ['warn:', 'WARN:', 'warning', 'WARNING']],
  ['critical', ['CRITICAL:', 'critical:']],
  ['debug', ['debug:', 'DEBUG:']],
];

/** Loki's detectLevelFromLogLine: the first group with a substring in the line. */
export function scanLevel(line: Buffer): string {
  const s = line.toString('latin1');
  for (const [level, needles] of NEEDLES) {
    for (const n of needles) if (s.includes(n)) return level;
  }
  return 'unknown';
}

/** Loki's logfmt decoder (pkg/logql/log/logfmt), reduced to keys and values. */
class LogfmtScanner {
  pos = 0;
  keyStart = -1;
  keyEnd = -1;
  value: Buffer | undefined;

  constructor(private readonly line: Buffer) {}

  /** Next key/value; false at the end of the line or on a syntax error. */
  scan(): boolean {
    const line = this.line;
    const n = line.length;
    this.keyStart = -1;
    this.value = undefined;
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
    if (this.pos > vStart) this.value = line.subarray(vStart, this.pos);
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
          this.value = v;
        } else if (i > start + 1) {
          this.value = line.subarray(start + 1, i);
        }
        return true;
      }
    }
    this.pos = line.length;
    return false;
  }
}
