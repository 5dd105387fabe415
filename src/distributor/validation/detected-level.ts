/**
 * `detected_level` discovery (Loki's pkg/distributor/field_detection.go), in this order:
 * a stream label named in log_level_fields (value as is), a structured metadata field of
 * that name (as is), the OTLP severity_number, a field of a JSON or logfmt line (mapped to
 * a level name), and last a substring scan of the line.
 */
import type { Label } from '../../model/labels.js';
import { get, nextToken, stringEnd, unescape, Value } from '../../push/json/jsonparser.js';
import { LogfmtScanner } from './logfmt-scanner.js';

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

/**
 * Letters a-z (either case) of a word of up to 8 letters packed into a number, so values can
 * be matched case-insensitively (bytes.EqualFold) without making strings; -1 for anything else.
 */
function packWord(b: Buffer, s: number, e: number): number {
  if (e - s > 8 || e <= s) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i] | 0x20;
    if (c < 0x61 || c > 0x7a) return -1;
    v = v * 32 + (c - 0x60);
  }
  return v;
}

const ALIAS_BY_WORD = new Map<number, string>();
for (const [word, level] of Object.entries(LEVEL_ALIASES)) ALIAS_BY_WORD.set(packWord(Buffer.from(word), 0, word.length), level);

function levelOfWord(b: Buffer, s: number, e: number): string | undefined {
  const w = packWord(b, s, e);
  return w < 0 ? undefined : ALIAS_BY_WORD.get(w);
}

/** Per-limits state: the field list and its lookup table, built once. */
export class LevelDetector {
  readonly fields: readonly string[];
  /** Field names as bytes, grouped by length, with their position in `fields`. */
  private readonly byLength: { bytes: Buffer; index: number }[][] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly scanner = new LogfmtScanner();
  private readonly value = new Value();

  constructor(logLevelFields: readonly string[]) {
    this.fields = logLevelFields.length > 0 ? logLevelFields : DEFAULT_LEVEL_FIELDS;
    this.fields.forEach((f, index) => {
      if (!this.nameIndex.has(f)) this.nameIndex.set(f, index);
      const bytes = Buffer.from(f);
      const group = (this.byLength[bytes.length] ??= []);
      if (!group.some((g) => g.bytes.equals(bytes))) group.push({ bytes, index });
    });
  }

  /** The level to store, or undefined when Loki would add none (an empty field value). */
  detect(stream: readonly Label[], metadata: readonly Label[], line: Buffer): string | undefined {
    const fromStream = this.fromLabels(stream);
    if (fromStream !== undefined) return fromStream || undefined;
    return this.detectEntry(metadata, line);
  }

  /**
   * The value of the first level field among `labels` ('' when empty), or undefined when
   * there is none. For stream labels this is the same for all entries of a stream.
   */
  fromLabels(labels: readonly Label[]): string | undefined {
    let best = this.fields.length;
    let value: string | undefined;
    for (let i = 0; i < labels.length; i++) {
      const idx = this.nameIndex.get(labels[i].name);
      if (idx !== undefined && idx < best) {
        best = idx;
        value = labels[i].value;
      }
    }
    return value;
  }

  /** detect() past the stream labels: structured metadata, then the line. */
  detectEntry(metadata: readonly Label[], line: Buffer): string | undefined {
    if (metadata.length > 0) {
      const fromMetadata = this.fromLabels(metadata);
      if (fromMetadata !== undefined) return fromMetadata || undefined;
      for (const l of metadata) if (l.name === SEVERITY_NUMBER && l.value !== '') return otlpSeverity(l.value);
    }
    return this.fromLine(line);
  }

  private fromLine(line: Buffer): string {
    let level: string | undefined;
    if (isJsonLine(line)) level = this.jsonField(line);
    else if (line.indexOf(0x3d) >= 0) level = this.logfmtField(line);
    return level ?? scanLevel(line);
  }

  /** Position in `fields` of the name in b[s, e), or -1; compares bytes to avoid making strings. */
  private fieldIndex(b: Buffer, s: number, e: number): number {
    const group = this.byLength[e - s];
    if (group === undefined) return -1;
    for (const { bytes, index } of group) {
      let k = 0;
      while (k < bytes.length && bytes[k] === b[s + k]) k++;
      if (k === bytes.length) return index;
    }
    return -1;
  }

  /**
   * The level named by the first top-level field, by log_level_fields order (jsonparser.Get
   * per field); undefined when there is none or its value is not a level word.
   */
  private jsonField(line: Buffer): string | undefined {
    const end = line.length;
    let i = nextToken(line, 0, end) + 1;
    let best = this.fields.length;
    let bestStart = 0;
    let bestEnd = 0;
    const v = this.value;
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
        bestStart = v.start;
        bestEnd = v.end;
        if (idx === 0) break;
      }
      i = nextToken(line, v.next, end);
      if (i < 0 || line[i] !== 0x2c) break;
      i++;
    }
    return best < this.fields.length ? levelOfWord(line, bestStart, bestEnd) : undefined;
  }

  /** The level named by the first logfmt key of the line that is a level field. */
  private logfmtField(line: Buffer): string | undefined {
    const d = this.scanner;
    d.reset(line);
    while (d.pos < line.length && d.scan()) {
      if (d.keyStart >= 0 && this.fieldIndex(line, d.keyStart, d.keyEnd) >= 0) {
        if (d.escaped !== undefined) return levelOfWord(d.escaped, 0, d.escaped.length);
        return levelOfWord(line, d.valueStart, d.valueEnd);
      }
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

const ANY_NEEDLE = new RegExp(NEEDLES.flatMap(([, n]) => n).join('|'));
const GROUP_OF = new Map(NEEDLES.flatMap(([, n], group) => n.map((needle) => [needle, group] as const)));

/** Loki's detectLevelFromLogLine: the first group with a substring in the line. */
export function scanLevel(line: Buffer): string {
  const s = line.toString('latin1');
  // One native scan finds the leftmost needle; only groups ranked above it need a look.
  const m = ANY_NEEDLE.exec(s);
  if (m === null) return 'unknown';
  const found = GROUP_OF.get(m[0])!;
  for (let g = 0; g < found; g++) {
    for (const n of NEEDLES[g][1]) if (s.includes(n)) return NEEDLES[g][0];
  }
  return NEEDLES[found][0];
}
