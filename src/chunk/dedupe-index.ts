import { checksum } from './checksum.js';

// Up to this many entries share a timestamp: compare bytes directly; beyond, compare hashes first.
const HASH_THRESHOLD = 8;

/**
 * Entries by exact timestamp, to answer "is (ts, line) already here?" for out-of-order and
 * equal-timestamp appends. Line hashes are computed only when many entries share a timestamp
 * (second-precision sources), so each check stays a few integer comparisons.
 */
export class DedupeIndex {
  private readonly byTs = new Map<bigint, number[]>();
  private readonly hashes: number[] = [];

  add(ts: bigint, i: number): void {
    const l = this.byTs.get(ts);
    if (l === undefined) this.byTs.set(ts, [i]);
    else l.push(i);
  }

  /** lineAt(i) returns the bytes of entry i. */
  contains(ts: bigint, line: Uint8Array, lineAt: (i: number) => Buffer): boolean {
    const cands = this.byTs.get(ts);
    if (cands === undefined) return false;
    if (cands.length <= HASH_THRESHOLD) {
      for (const i of cands) if (lineAt(i).equals(line)) return true;
      return false;
    }
    const h = checksum(line);
    for (const i of cands) {
      let hi = this.hashes[i];
      if (hi === undefined) this.hashes[i] = hi = checksum(lineAt(i));
      if (hi === h && lineAt(i).equals(line)) return true;
    }
    return false;
  }
}
