/**
 * Reads the conformance data set and answers log queries the way Loki's querier does for
 * one tenant: exact duplicates dropped, entries in [start, end), limit over all streams,
 * result streams sorted by labels. Used by the conformance tests of this package.
 */
import { readFileSync } from 'node:fs';
import { labelsFromRecord, labelsToString, type Labels } from '../../model/labels.js';
import { matchesAll } from '../../model/matcher.js';
import type { LogSelector } from '../syntax/index.js';
import { compileLogPipeline, newPipelineOutput } from './pipeline.js';
import type { ResultLabels } from './types.js';

export interface DataEntry {
  readonly ts: bigint;
  readonly line: Buffer;
  readonly metadata: Labels;
}

export interface DataStream {
  readonly labels: Labels;
  readonly entries: DataEntry[];
}

type Payload = { streams: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[] };

/** Streams in push order; exact duplicates (timestamp and line) dropped; entries sorted by time, stable. */
export function loadDataset(path: string): DataStream[] {
  const payloads = JSON.parse(readFileSync(path, 'utf8')) as Payload[];
  const byKey = new Map<string, { labels: Labels; entries: DataEntry[]; seen: Set<string> }>();
  for (const p of payloads) {
    for (const s of p.streams) {
      const labels = labelsFromRecord(s.stream);
      const key = labelsToString(labels);
      let st = byKey.get(key);
      if (st === undefined) {
        st = { labels, entries: [], seen: new Set() };
        byKey.set(key, st);
      }
      for (const [ts, line, md] of s.values) {
        const dup = ts + '\u0000' + line;
        if (st.seen.has(dup)) continue;
        st.seen.add(dup);
        st.entries.push({ ts: BigInt(ts), line: Buffer.from(line, 'utf8'), metadata: md === undefined ? [] : labelsFromRecord(md) });
      }
    }
  }
  const out: DataStream[] = [];
  for (const st of byKey.values()) {
    st.entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    out.push({ labels: st.labels, entries: st.entries });
  }
  return out;
}

/** RFC3339, Unix seconds (fractional) or Unix nanoseconds, as Loki's API accepts them. */
export function parseTime(s: string): bigint {
  if (/^[0-9]+$/.test(s)) return s.length > 12 ? BigInt(s) : BigInt(s) * 1_000_000_000n;
  if (/^[0-9]+\.[0-9]+$/.test(s)) {
    const [i, f] = s.split('.');
    return BigInt(i) * 1_000_000_000n + BigInt(Math.round(Number('0.' + f) * 1000)) * 1_000_000n;
  }
  const m = /^(.*?)(?:\.([0-9]+))?(Z|[+-][0-9:]+)$/.exec(s)!;
  const ms = Date.parse(m[1] + m[3]);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}

export interface Hit {
  readonly ts: bigint;
  readonly line: string;
  readonly labels: ResultLabels;
}

/** A log query over the data set: the entries Loki returns, in the order it returns them. */
export function runLogQuery(
  streams: readonly DataStream[], sel: LogSelector, start: bigint, end: bigint, limit: number, backward: boolean,
): Hit[] {
  const pipeline = compileLogPipeline(sel);
  const hits: (Hit & { order: number })[] = [];
  const out = newPipelineOutput();
  let order = 0;
  for (const s of streams) {
    if (!matchesAll(sel.matchers, s.labels)) continue;
    const sp = pipeline.forStream(s.labels);
    // Loki's head blocks run the pipeline in the query's direction.
    const entries = backward ? [...s.entries].reverse() : s.entries;
    for (const e of entries) {
      order++;
      if (e.ts < start || e.ts >= end) continue;
      if (!sp.process(e.ts, e.line, e.metadata, out)) continue;
      hits.push({ ts: e.ts, labels: out.labels, line: out.line.toString('utf8'), order });
    }
  }
  hits.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.order - b.order));
  if (!backward) return hits.slice(0, limit);
  // Equal timestamps of one stream come back in reverse push order.
  hits.sort((a, b) => (a.ts > b.ts ? -1 : a.ts < b.ts ? 1 : a.order - b.order));
  return hits.slice(0, limit);
}
