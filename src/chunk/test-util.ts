import type { Labels } from '../model/labels.js';
import { batchLineString, type EntryBatch } from './batch.js';

/** A flat, comparable view of entries, for tests. */
export interface FlatEntry {
  ts: bigint;
  line: string;
  md: Labels;
}

export function flatten(batches: Iterable<EntryBatch>): FlatEntry[] {
  const out: FlatEntry[] = [];
  for (const b of batches) {
    assert(b.lineStart.length === b.count + 1 && b.lineStart[0] === 0 && b.lineStart[b.count] === b.lines.length, 'batch offsets');
    for (let i = 0; i < b.count; i++) {
      const md = b.metadata === null ? [] : b.metadata[i].map((l) => ({ name: l.name, value: l.value }));
      out.push({ ts: b.ts[i], line: batchLineString(b, i), md });
    }
  }
  return out;
}

/** Expected reading of appended entries: duplicates (ts + line) dropped, stable sort by ts. */
export function expected(entries: readonly FlatEntry[], from = -(1n << 63n), through = (1n << 63n) - 1n): FlatEntry[] {
  const seen = new Set<string>();
  const kept: FlatEntry[] = [];
  for (const e of entries) {
    const k = `${e.ts}\u0000${e.line}`;
    if (seen.has(k)) continue;
    seen.add(k);
    kept.push(e);
  }
  return kept.filter((e) => e.ts >= from && e.ts < through).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

function assert(cond: boolean, msg: string): asserts cond {
  if (!cond) throw new Error(`invariant failed: ${msg}`);
}
