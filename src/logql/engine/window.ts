import type { RangeAcc } from './range-functions.js';

/** The samples of one series inside the sliding window, oldest first, in growable ring buffers. */
export class SampleWindow {
  private ts = new Float64Array(8);
  private vs = new Float64Array(8);
  private head = 0;
  private len = 0;

  get length(): number {
    return this.len;
  }

  push(t: number, v: number): void {
    if (this.len === this.ts.length) this.grow();
    const i = (this.head + this.len) & (this.ts.length - 1);
    this.ts[i] = t;
    this.vs[i] = v;
    this.len++;
  }

  /** Drops samples with t <= bound (the window's lower bound is exclusive). */
  evictUpTo(bound: number): void {
    const mask = this.ts.length - 1;
    while (this.len > 0 && this.ts[this.head] <= bound) {
      this.head = (this.head + 1) & mask;
      this.len--;
    }
  }

  /** Feeds every sample, oldest first, into a reset accumulator and returns its value. */
  aggregate(acc: RangeAcc): number {
    acc.reset();
    // The ring holds at most two runs: head..end of the buffer, then its start.
    const end = Math.min(this.head + this.len, this.ts.length);
    acc.addMany(this.ts, this.vs, this.head, end);
    acc.addMany(this.ts, this.vs, 0, this.len - (end - this.head));
    return acc.value();
  }

  private grow(): void {
    const cap = this.ts.length;
    const ts = new Float64Array(cap * 2);
    const vs = new Float64Array(cap * 2);
    for (let j = 0; j < this.len; j++) {
      const i = (this.head + j) & (cap - 1);
      ts[j] = this.ts[i];
      vs[j] = this.vs[i];
    }
    this.ts = ts;
    this.vs = vs;
    this.head = 0;
  }
}
