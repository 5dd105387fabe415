import type { LabelSet } from './labels-util.js';
import type { LogEntry } from './output.js';

/** The `data` of a query or query_range answer. */
export interface QueryData {
  readonly resultType: 'streams' | 'matrix' | 'vector' | 'scalar' | string;
  readonly result: unknown;
  readonly stats?: unknown;
}

export interface QueryResponse {
  readonly status: string;
  readonly data: QueryData;
}

interface StreamJson {
  readonly stream: LabelSet;
  readonly values: readonly (readonly unknown[])[];
}

/** Entries of a `streams` result, each with its stream's labels (one shared object per stream). */
export function streamEntries(result: unknown): LogEntry[] {
  const out: LogEntry[] = [];
  for (const s of (result ?? []) as readonly StreamJson[]) {
    const labels = s.stream ?? {};
    for (const v of s.values ?? []) out.push({ ts: BigInt(String(v[0])), line: String(v[1] ?? ''), labels });
  }
  return out;
}

/** `{"status":"success","data":[…]}` of the labels, label values and series endpoints. */
export interface ListResponse<T> {
  readonly status: string;
  readonly data?: readonly T[];
}
