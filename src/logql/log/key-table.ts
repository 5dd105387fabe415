/**
 * Parser key decisions by raw key bytes: an open-addressing table over a byte arena, so a
 * parser looks a key up without making a string of it. Each key maps to one int32 payload.
 */

/** FNV-1a over [s, e): the hash find/add expect. */
export function hashBytes(d: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ d[i], 0x01000193);
  return h;
}

export class KeyTable {
  private slots = new Int32Array(64);
  private hashes = new Int32Array(32);
  private starts = new Int32Array(32);
  private lens = new Int32Array(32);
  private values = new Int32Array(32);
  private arena = new Uint8Array(512);
  private used = 0;
  size = 0;

  /** The payload of key [s, e) with hash h, or `missing` when absent. */
  get(d: Uint8Array, s: number, e: number, h: number, missing: number): number {
    const mask = this.slots.length - 1;
    const len = e - s;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const k = this.slots[i] - 1;
      if (k < 0) return missing;
      if (this.hashes[k] !== h || this.lens[k] !== len) continue;
      const a = this.arena;
      let p = this.starts[k];
      let j = s;
      while (j < e && a[p] === d[j]) {
        p++;
        j++;
      }
      if (j === e) return this.values[k];
    }
  }

  /** Adds a key known to be absent. */
  add(d: Uint8Array, s: number, e: number, h: number, value: number): void {
    const k = this.size++;
    if (k >= this.hashes.length) this.growEntries();
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    this.arena.set(d.subarray(s, e), this.used);
    this.hashes[k] = h;
    this.starts[k] = this.used;
    this.lens[k] = len;
    this.values[k] = value;
    this.used += len;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(k);
  }

  private place(k: number): void {
    const mask = this.slots.length - 1;
    let i = this.hashes[k] & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = k + 1;
  }

  private rehash(n: number): void {
    this.slots = new Int32Array(n);
    for (let k = 0; k < this.size; k++) this.place(k);
  }

  private growEntries(): void {
    const g = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const x = new Int32Array(a.length * 2);
      x.set(a);
      return x;
    };
    this.hashes = g(this.hashes);
    this.starts = g(this.starts);
    this.lens = g(this.lens);
    this.values = g(this.values);
  }
}
