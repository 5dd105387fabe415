import { labelsFromRecord } from '../../model/labels.js';
import type { Nanos } from '../../model/time.js';
import { goJsonString, labelsJson } from '../../querier/response.js';
import { UsageError } from './errors.js';
import type { Sink } from './io.js';
import { commonLabels, labelSetString, pickLabels, subtractLabels, type LabelSet } from './labels-util.js';
import { formatTime, type TimeZone } from './time.js';

export type OutputMode = 'default' | 'raw' | 'jsonl';

export function parseOutputMode(v: string): OutputMode {
  if (v === 'default' || v === 'raw' || v === 'jsonl') return v;
  throw new UsageError(`unknown output mode '${v}': use default, raw or jsonl`);
}

/** One log entry with its stream's labels. */
export interface LogEntry {
  readonly ts: Nanos;
  readonly line: string;
  readonly labels: LabelSet;
}

export interface OutputOptions {
  readonly mode: OutputMode;
  readonly tz: TimeZone;
  /** ANSI colours: only when stdout is a terminal. */
  readonly color: boolean;
  /** One colour per label set (logcli's --colored-output) instead of red. */
  readonly colorPerStream: boolean;
  readonly noLabels: boolean;
  readonly includeLabels: readonly string[];
  readonly excludeLabels: readonly string[];
  /** Minimum width of the label column. */
  readonly labelsLength: number;
  readonly quiet: boolean;
}

const RESET = '\x1b[0m';
const BLUE = '\x1b[34m';
const RED = '\x1b[31m';
// logcli's palette for --colored-output; blue is left out because timestamps use it.
const PALETTE = ['\x1b[96m', '\x1b[36m', '\x1b[92m', '\x1b[32m', '\x1b[95m', '\x1b[35m', '\x1b[93m', '\x1b[33m', '\x1b[91m', '\x1b[31m'];

/** FNV-1 32-bit, as logcli picks a stream's colour. */
function fnv1(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) h = (Math.imul(h, 0x01000193) ^ b) >>> 0;
  return h;
}

/** Prints log entries in logcli's formats: default (time, labels, line), raw (line), jsonl. */
export class LogPrinter {
  private lastCommon = '';

  constructor(private readonly out: Sink, private readonly info: Sink, readonly opts: OutputOptions) {}

  private paint(code: string, s: string): string {
    return this.opts.color ? code + s + RESET : s;
  }

  /** The labels shown for a stream: include/exclude applied, and `common` removed. */
  private shown(ls: LabelSet, common: LabelSet): Record<string, string> {
    let out = subtractLabels(ls, common);
    if (this.opts.includeLabels.length > 0) out = pickLabels(out, this.opts.includeLabels, true);
    if (this.opts.excludeLabels.length > 0) out = pickLabels(out, this.opts.excludeLabels, false);
    return out;
  }

  /**
   * Prints entries in the given order. With `stripCommon` (query results) labels shared by every
   * stream are announced once on stderr and left out of each line, and label columns are padded
   * to one width, as logcli does; live tail output does neither.
   */
  print(entries: readonly LogEntry[], stripCommon: boolean): void {
    let common: Record<string, string> = {};
    if (stripCommon && this.opts.mode === 'default' && !this.opts.noLabels) {
      const uniq = new Map(entries.map((e) => [labelSetString(e.labels), e.labels]));
      common = commonLabels([...uniq.values()]);
      // Labels asked for with --include-label stay on each line.
      if (this.opts.includeLabels.length > 0) common = pickLabels(common, this.opts.includeLabels, false);
      const text = labelSetString(common);
      if (Object.keys(common).length > 0 && !this.opts.quiet && text !== this.lastCommon) {
        this.info.write(`Common labels: ${this.paint(RED, text)}\n`);
        this.lastCommon = text;
      }
    }
    const shownText = new Map<LabelSet, string>();
    let width = this.opts.labelsLength;
    for (const e of entries) {
      if (shownText.has(e.labels)) continue;
      const t = labelSetString(this.shown(e.labels, common));
      shownText.set(e.labels, t);
      if (stripCommon) width = Math.max(width, t.length);
    }
    let buf = '';
    for (const e of entries) {
      buf += this.format(e, shownText.get(e.labels) ?? '{}', width);
      if (buf.length > 1 << 16) { this.out.write(buf); buf = ''; }
    }
    if (buf) this.out.write(buf);
  }

  private format(e: LogEntry, labels: string, width: number): string {
    switch (this.opts.mode) {
      case 'raw':
        return e.line + '\n';
      case 'jsonl': {
        const ls = this.shown(e.labels, {});
        const labelsPart = this.opts.noLabels ? '' : '"labels":' + labelsJson(labelsFromRecord(ls)) + ',';
        return '{' + labelsPart + '"line":' + goJsonString(e.line) + ',"timestamp":"' + formatTime(e.ts, this.opts.tz, true) + '"}\n';
      }
      default: {
        const ts = this.paint(BLUE, formatTime(e.ts, this.opts.tz, false));
        const line = e.line.trim();
        if (this.opts.noLabels) return `${ts} ${line}\n`;
        const code = this.opts.colorPerStream ? PALETTE[fnv1(labels) % PALETTE.length] : RED;
        return `${ts} ${this.paint(code, labels.padEnd(width))} ${line}\n`;
      }
    }
  }
}

/** Metric results (matrix, vector, scalar) as indented JSON, like logcli. */
export function printJson(out: Sink, value: unknown): void {
  out.write(JSON.stringify(value, null, 2) + '\n');
}
