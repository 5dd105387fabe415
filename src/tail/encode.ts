import type { ResultLabels } from '../logql/log/types.js';
import { labelsToString, type Labels } from '../model/labels.js';
import { formatRFC3339Nano, type Nanos } from '../model/time.js';
import { goJsonString, labelsJson } from '../querier/response.js';

/** An entry ready to send: the line after the pipeline and its result labels. */
export interface TailEntry {
  readonly ts: Nanos;
  readonly line: string;
  readonly labels: ResultLabels;
}

/** An entry a slow client did not get. */
export interface DroppedEntry {
  readonly ts: Nanos;
  readonly labels: Labels;
}

function categorized(l: ResultLabels): string {
  const parts: string[] = [];
  if (l.structuredMetadata.length > 0) parts.push('"structuredMetadata":' + labelsJson(l.structuredMetadata));
  if (l.parsed.length > 0) parts.push('"parsed":' + labelsJson(l.parsed));
  return '{' + parts.join(',') + '}';
}

/**
 * One v1 tail frame: `{"streams":[…],"dropped_entries":[…]}`. Like Loki, every entry is its
 * own stream object, in send order. With categorize-labels the stream holds the stream labels
 * only and each value gets a third element with structured metadata and parsed labels.
 */
export function encodeTailFrame(entries: readonly TailEntry[], dropped: readonly DroppedEntry[], categorize: boolean): string {
  const streams = entries.map((e) => {
    const labels = categorize ? e.labels.stream : e.labels.all;
    const value = '["' + e.ts.toString() + '",' + goJsonString(e.line) + (categorize ? ',' + categorized(e.labels) : '') + ']';
    return '{"stream":' + labelsJson(labels) + ',"values":[' + value + ']}';
  });
  let out = '{"streams":[' + streams.join(',') + ']';
  if (dropped.length > 0) {
    out += ',"dropped_entries":[' + dropped.map((d) => '{"labels":' + labelsJson(d.labels) + ',"timestamp":"' + d.ts.toString() + '"}').join(',') + ']';
  }
  if (categorize) out += ',"encodingFlags":["categorize-labels"]';
  return out + '}';
}

/** One frame of the legacy `/api/prom/tail`: label strings and RFC3339 times. */
export function encodeLegacyTailFrame(entries: readonly TailEntry[], dropped: readonly DroppedEntry[]): string {
  const parts: string[] = [];
  if (entries.length > 0) {
    const streams = entries.map((e) =>
      '{"labels":' + goJsonString(e.labels.key) + ',"entries":[{"ts":"' + formatRFC3339Nano(e.ts) + '","line":' + goJsonString(e.line) + '}]}');
    parts.push('"streams":[' + streams.join(',') + ']');
  }
  if (dropped.length > 0) {
    parts.push('"dropped_entries":[' + dropped.map((d) => '{"Timestamp":"' + formatRFC3339Nano(d.ts) + '","Labels":' + goJsonString(labelsToString(d.labels)) + '}').join(',') + ']');
  }
  return '{' + parts.join(',') + '}';
}
