/** Deterministic input mutation for fuzz tests: byte-level for bodies, token-level for queries. */

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x2c, 0x0a, 0x08, 0x12, 0x1a];
const VARINTS = [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80])];
const JSON_BITS = ['"', '\\', '\\u', '\\ud800', '{', '}', '[', ']', ':', ',', 'null', 'true', '1e999', '-0', '"streams"', '"values"', '"stream"', '"entries"', '"labels"', '"ts"', '"line"', '99999999999999999999999', '[[', ']]', '{}', '[]'];

export class Mutator {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = rng(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** 1-4 byte-level edits: flips, interesting bytes, inserts, deletes, duplicated or spliced ranges, truncation. */
  bytes(input: Buffer, other?: Buffer): Buffer {
    let b: Buffer = Buffer.from(input);
    const edits = 1 + this.int(4);
    for (let e = 0; e < edits; e++) {
      const at = b.length === 0 ? 0 : this.int(b.length);
      switch (this.int(10)) {
        case 0: if (b.length > 0) b[at] ^= 1 << this.int(8); break;
        case 1: if (b.length > 0) b[at] = this.pick(INTERESTING); break;
        case 2: b = Buffer.concat([b.subarray(0, at), Buffer.from([this.int(256)]), b.subarray(at)]); break;
        case 3: b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + this.int(16)))]); break;
        case 4: { const len = 1 + this.int(32); b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]); break; }
        case 5: b = b.subarray(0, at); break;
        case 6: b = Buffer.concat([b.subarray(0, at), this.pick(VARINTS), b.subarray(at)]); break;
        case 7: b = Buffer.concat([b.subarray(0, at), Buffer.from(this.pick(JSON_BITS)), b.subarray(at)]); break;
        case 8: if (other && other.length > 0) { const o = this.int(other.length); b = Buffer.concat([b.subarray(0, at), other.subarray(o, o + 1 + this.int(64))]); } break;
        default: if (b.length > 0) { const n = 1 + this.int(8); for (let i = 0; i < n && at + i < b.length; i++) b[at + i] = this.int(256); }
      }
    }
    return b;
  }

  /** 1-3 token-level edits of a query: inserted vocabulary, deleted or duplicated ranges, swapped characters. */
  text(input: string, vocab: readonly string[], other?: string): string {
    let s = input;
    const edits = 1 + this.int(3);
    for (let e = 0; e < edits; e++) {
      const at = this.int(s.length + 1);
      switch (this.int(7)) {
        case 0: case 1: s = s.slice(0, at) + this.pick(vocab) + s.slice(at); break;
        case 2: s = s.slice(0, at) + s.slice(at + 1 + this.int(8)); break;
        case 3: { const len = 1 + this.int(12); s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at); break; }
        case 4: s = s.slice(0, at) + String.fromCharCode(this.int(this.random() < 0.8 ? 128 : 0x10000)) + s.slice(at + 1); break;
        case 5: if (other) { const o = this.int(other.length); s = s.slice(0, at) + other.slice(o, o + 1 + this.int(24)); } break;
        default: s = s.slice(0, at);
      }
    }
    return s;
  }
}
