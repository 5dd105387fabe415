/**
 * A literal searched for through its rarest byte: Buffer.indexOf finds a pattern with memchr on
 * its first byte, so "needle-xyz" stops at every "n" (1.3 GB/s over logs) while its suffix "xyz"
 * is found at ~6 GB/s. The anchor is the literal's suffix from the byte least frequent in the
 * first bytes searched; an anchor hit is confirmed by comparing the literal's prefix.
 */
export class Needle {
  /** Offset of the anchor in the literal; -1 until the first search picks it. */
  private k = -1;
  private anchor: Buffer;

  constructor(readonly bytes: Buffer) {
    this.anchor = bytes;
  }

  /** First offset >= from where the literal starts in buf, or -1. */
  indexOf(buf: Buffer, from = 0): number {
    if (this.k < 0) this.pickAnchor(buf, from);
    const k = this.k;
    if (k === 0) return buf.indexOf(this.bytes, from);
    const lit = this.bytes;
    let p = buf.indexOf(this.anchor, from + k);
    while (p !== -1) {
      if (buf.compare(lit, 0, k, p - k, p) === 0) return p - k;
      p = buf.indexOf(this.anchor, p + 1);
    }
    return -1;
  }

  private pickAnchor(buf: Buffer, from: number): void {
    const lit = this.bytes;
    const counts = new Uint32Array(256);
    const end = Math.min(buf.length, from + SAMPLE_BYTES);
    for (let i = from; i < end; i++) counts[buf[i]]++;
    let best = 0;
    for (let i = 1; i < lit.length; i++) if (counts[lit[i]] < counts[lit[best]]) best = i;
    this.k = best;
    this.anchor = lit.subarray(best);
  }
}

/** Bytes sampled to rank the literal's bytes by frequency. */
const SAMPLE_BYTES = 64 * 1024;
