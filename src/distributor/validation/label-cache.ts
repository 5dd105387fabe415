/**
 * A bounded map for values derived from label strings, which clients resend with every push.
 * Two generations: lookups hit the young map, or promote from the old one; when the young
 * map fills up it becomes the old one. Memory stays within 2 × capacity entries without
 * per-hit bookkeeping.
 */
export class TwoGenerationCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: string, value: V): void {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
