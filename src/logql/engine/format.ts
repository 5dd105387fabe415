/**
 * The `data` object of Loki's query responses, byte for byte: timestamps as JSON numbers in seconds
 * (ms precision, no trailing zeros), values as strings in Go's strconv.FormatFloat(v, 'f', -1, 64).
 */
import { labelsJson } from '../../querier/response.js';
import { formatFloatF } from '../syntax/go-format.js';
import type { EngineResult, MatrixSeries, VectorSample } from './types.js';

/** Milliseconds as seconds: 1700000000, 1767232799.999, 1767232800.5. */
export function formatTimestampMs(ms: number): string {
  const neg = ms < 0;
  const abs = Math.abs(ms);
  const sec = Math.trunc(abs / 1000);
  const frac = abs - sec * 1000;
  let out = (neg ? '-' : '') + String(sec);
  if (frac !== 0) out += '.' + String(frac).padStart(3, '0').replace(/0+$/, '');
  return out;
}

function point(ms: number, v: number): string {
  return '[' + formatTimestampMs(ms) + ',"' + formatFloatF(v) + '"]';
}

function withStats(body: string, stats: object | undefined): string {
  return stats === undefined ? body + '}' : body + ',"stats":' + JSON.stringify(stats) + '}';
}

export function formatMatrix(series: readonly MatrixSeries[], stats?: object): string {
  const parts: string[] = [];
  for (const s of series) {
    const values: string[] = new Array(s.values.length);
    for (let i = 0; i < s.values.length; i++) values[i] = point(s.timestampsMs[i], s.values[i]);
    parts.push('{"metric":' + labelsJson(s.labels) + ',"values":[' + values.join(',') + ']}');
  }
  return withStats('{"resultType":"matrix","result":[' + parts.join(',') + ']', stats);
}

export function formatVector(samples: readonly VectorSample[], stats?: object): string {
  const parts = samples.map((s) => '{"metric":' + labelsJson(s.labels) + ',"value":' + point(s.timestampMs, s.value) + '}');
  return withStats('{"resultType":"vector","result":[' + parts.join(',') + ']', stats);
}

/**
 * The timestamp Loki v3.4.5 prints for a scalar result: its millisecond time goes through an int64
 * overflow on the way out (01:00:00Z on 2026-01-01 prints as -3658231076116). We print the same
 * number so answers compare equal with Loki's; clients (Grafana) ignore a scalar's timestamp.
 */
export function lokiScalarTimestamp(timeNs: bigint): string {
  const ms = timeNs >= 0n ? timeNs / 1_000_000n : -((-timeNs + 999_999n) / 1_000_000n);
  return (BigInt.asIntN(64, ms * 1_000_000_000n) / 1_000_000n).toString();
}

export function formatScalar(timeNs: bigint, value: number, stats?: object): string {
  return withStats('{"resultType":"scalar","result":[' + lokiScalarTimestamp(timeNs) + ',"' + formatFloatF(value) + '"]', stats);
}

export function formatResult(r: EngineResult, stats?: object): string {
  switch (r.type) {
    case 'matrix': return formatMatrix(r.series, stats);
    case 'vector': return formatVector(r.samples, stats);
    case 'scalar': return formatScalar(r.timeNs, r.value, stats);
  }
}
