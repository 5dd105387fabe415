import type { ResultLabels } from '../../logql/log/types.js';
import type { Labels } from '../../model/labels.js';
import { detectFieldType, type DetectedFieldType } from './value-types.js';

export type FieldParser = 'json' | 'logfmt';

/** Labels a query adds on failure; never reported as fields. */
export const ERROR_LABELS: ReadonlySet<string> = new Set(['__error__', '__error_details__', '__preserve_error__']);

export interface ParsedLine {
  /** The parser that understood the line; undefined when neither did. */
  readonly parser: FieldParser | undefined;
  /** Extracted labels (names clashing with stream labels get `_extracted`). */
  readonly labels: Labels;
}

/** Finds fields in a log line (json, else logfmt). */
export interface LineParser {
  parse(streamKey: string, stream: Labels, line: Buffer): ParsedLine;
}

/** One sampled log line: the line after the query's pipeline and its categorized labels. */
export interface SampledEntry {
  readonly line: Buffer;
  readonly labels: ResultLabels;
  /** labelsToString(labels.stream) */
  readonly streamKey: string;
}

export interface DetectedField {
  readonly label: string;
  readonly type: DetectedFieldType;
  readonly cardinality: number;
  /** null for structured metadata. */
  readonly parsers: FieldParser[] | null;
}

interface FieldState {
  type: DetectedFieldType;
  readonly parsers: FieldParser[];
  readonly values: Set<string>;
}

/** Name → distinct values of one entry's parsed fields: the query's own parsed labels plus json/logfmt of the line. */
function parsedFields(e: SampledEntry, parsers: LineParser): { fields: Map<string, string[]>; parser: FieldParser | undefined } {
  const sets = new Map<string, Set<string>>();
  const add = (labels: Labels) => {
    for (const l of labels) {
      if (ERROR_LABELS.has(l.name)) continue;
      let s = sets.get(l.name);
      if (!s) sets.set(l.name, (s = new Set()));
      s.add(l.value);
    }
  };
  add(e.labels.parsed);
  const res = parsers.parse(e.streamKey, e.labels.stream, e.line);
  if (res.parser !== undefined) add(res.labels);
  const fields = new Map<string, string[]>();
  for (const [k, v] of sets) fields.set(k, [...v]);
  return { fields, parser: res.parser };
}

/**
 * Loki's detected-fields accumulation over sampled lines: structured metadata and parsed
 * fields, at most `limit` of them (first come), each typed by its latest value and counted
 * by distinct values.
 */
export class FieldCollector {
  private readonly fields = new Map<string, FieldState>();

  constructor(private readonly limit: number, private readonly parsers: LineParser) {}

  add(e: SampledEntry): void {
    for (const l of e.labels.structuredMetadata) this.insert(l.name, [l.value], undefined);
    const { fields, parser } = parsedFields(e, this.parsers);
    for (const [name, values] of fields) this.insert(name, values, parser);
  }

  private insert(name: string, values: readonly string[], parser: FieldParser | undefined): void {
    let f = this.fields.get(name);
    if (!f) {
      if (this.fields.size >= this.limit) return;
      this.fields.set(name, (f = { type: 'string', parsers: [], values: new Set() }));
    }
    if (parser !== undefined && !f.parsers.includes(parser)) f.parsers.push(parser);
    if (values.length > 0) f.type = detectFieldType(values[0]);
    for (const v of values) f.values.add(v);
  }

  result(): DetectedField[] {
    return [...this.fields]
      .map(([label, f]) => ({ label, type: f.type, cardinality: f.values.size, parsers: f.parsers.length > 0 ? [...f.parsers] : null }))
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  }
}

/** Distinct values of one field over sampled lines (structured metadata or parsed), at most `limit`, sorted. */
export function fieldValues(entries: Iterable<SampledEntry>, name: string, limit: number, parsers: LineParser): string[] {
  const values = new Set<string>();
  for (const e of entries) {
    if (values.size >= limit) break;
    for (const l of e.labels.structuredMetadata) if (l.name === name) values.add(l.value);
    for (const v of parsedFields(e, parsers).fields.get(name) ?? []) values.add(v);
  }
  return [...values].slice(0, limit).sort();
}
