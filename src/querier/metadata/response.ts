import type { IndexStats } from '../../index/index.js';
import type { Labels } from '../../model/labels.js';
import { NS_PER_MS, type Nanos } from '../../model/time.js';
import { buildStats, goJsonString, labelsJson } from '../response.js';
import type { DetectedField } from './detected-fields.js';
import type { DetectedLabel } from './detected-labels.js';
import type { Volume } from './volume.js';

function stringArray(values: readonly string[]): string {
  return '[' + values.map(goJsonString).join(',') + ']';
}

/** `/labels`, `/label/{name}/values`: `data` is left out when empty, as Loki does. */
export function labelsResponseJson(values: readonly string[]): string {
  return values.length === 0 ? '{"status":"success"}' : '{"status":"success","data":' + stringArray(values) + '}';
}

/** The legacy `/api/prom/label…` shape. */
export function legacyLabelsResponseJson(values: readonly string[]): string {
  return values.length === 0 ? '{}' : '{"values":' + stringArray(values) + '}';
}

export function seriesResponseJson(series: readonly Labels[]): string {
  return '{"status":"success","data":[' + series.map(labelsJson).join(',') + ']}';
}

export function statsResponseJson(s: IndexStats): string {
  return JSON.stringify({ streams: s.streams, chunks: s.chunks, bytes: s.bytes, entries: s.entries });
}

/** A Prometheus timestamp: seconds with millisecond decimals (model.Time). */
function promTime(ts: Nanos): string {
  return String(Number(ts / NS_PER_MS) / 1000);
}

const ZERO_STATS = JSON.stringify(buildStats({ execTimeSec: 0, read: { chunksRead: 0, decompressedLines: 0, decompressedBytes: 0, duplicates: 0 }, entriesReturned: 0 }));

/** `/index/volume`: a Prometheus vector at `end`. */
export function volumeVectorJson(volumes: readonly Volume[], end: Nanos): string {
  const t = promTime(end);
  const result = volumes.map((v) => '{"metric":' + labelsJson(v.labels) + ',"value":[' + t + ',"' + v.volume + '"]}');
  return '{"status":"success","data":{"resultType":"vector","result":[' + result.join(',') + '],"stats":' + ZERO_STATS + '}}';
}

export interface VolumeSeries {
  readonly labels: Labels;
  readonly points: { ts: Nanos; volume: number }[];
}

/** `/index/volume_range`: a Prometheus matrix, one point per bucket start. */
export function volumeMatrixJson(series: readonly VolumeSeries[]): string {
  const result = series.map((s) => '{"metric":' + labelsJson(s.labels) + ',"values":[' + s.points.map((p) => '[' + promTime(p.ts) + ',"' + p.volume + '"]').join(',') + ']}');
  return '{"status":"success","data":{"resultType":"matrix","result":[' + result.join(',') + '],"stats":' + ZERO_STATS + '}}';
}

export function detectedLabelsJson(labels: readonly DetectedLabel[]): string {
  return '{"detectedLabels":[' + labels.map((l) => '{"label":' + goJsonString(l.label) + ',"cardinality":' + l.cardinality + '}').join(',') + ']}';
}

export function detectedFieldsJson(fields: readonly DetectedField[], limit: number): string {
  const items = fields.map((f) =>
    '{"label":' + goJsonString(f.label) + ',"type":"' + f.type + '","cardinality":' + f.cardinality +
    ',"parsers":' + (f.parsers === null ? 'null' : stringArray(f.parsers)) + '}');
  return '{"fields":[' + items.join(',') + '],"limit":' + limit + '}';
}

export function detectedFieldValuesJson(values: readonly string[], limit: number): string {
  return '{"values":' + stringArray(values) + ',"limit":' + limit + '}';
}
