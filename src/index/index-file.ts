import type { Label, Labels } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import { ByteReader } from '../chunk/bytes.js';
import { checksum } from '../chunk/checksum.js';
import { chunkId, refOverlaps, type ChunkRef } from './chunk-ref.js';
import { CorruptIndexError } from './errors.js';
import { INDEX_HEADER_SIZE, INDEX_MAGIC, INDEX_VERSION } from './index-file-format.js';
import { allPostings, EMPTY_POSTINGS, intersect, subtract, union } from './postings.js';

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * A decoded, immutable index file. Series ids are positions in label order. Chunk columns are
 * typed arrays and chunk keys stay bytes until asked for, so a cached file costs about its
 * encoded size plus the postings maps.
 */
export class IndexFile {
  readonly seriesCount: number;
  readonly chunkCount: number;
  /** Earliest chunk start and latest chunk end in the file (0n when empty). */
  readonly minTime: bigint;
  readonly maxTime: bigint;
  /** Encoded size, for cache accounting. */
  readonly byteSize: number;

  private readonly labels: Labels[];
  private readonly fingerprints: BigUint64Array;
  /** Chunks of series s are [chunkStart[s], chunkStart[s+1]). */
  private readonly chunkStart: Uint32Array;
  private readonly cFrom: BigInt64Array;
  private readonly cThrough: BigInt64Array;
  private readonly cCompressed: Float64Array;
  private readonly cRaw: Float64Array;
  private readonly cEntries: Float64Array;
  private readonly keyStart: Uint32Array;
  private readonly keyEnd: Uint32Array;
  /** Offset of each chunk in its object: 0 in version 1 files (one object per chunk). */
  private readonly cOffset: Float64Array;
  private readonly buf: Buffer;
  private readonly postings: Map<string, Map<string, Uint32Array>>;
  /**
   * Strings made on first use and kept with the cached file: every query over the file would
   * otherwise decode the same chunk keys again (and hash them anew in its maps).
   */
  private readonly keyStrings: (string | undefined)[];
  private readonly idStrings: (string | undefined)[];

  private constructor(buf: Buffer) {
    this.buf = buf;
    this.byteSize = buf.length;
    if (buf.length < INDEX_HEADER_SIZE + 4) throw new CorruptIndexError(`index file too short (${buf.length} bytes)`);
    if (buf.readUInt32LE(0) !== INDEX_MAGIC) throw new CorruptIndexError('not a Skald index file (bad magic)');
    const version = buf[4];
    if (version !== INDEX_VERSION && version !== 1) throw new CorruptIndexError(`unsupported index format version ${version}`);
    const want = buf.readUInt32LE(buf.length - 4);
    const got = checksum(buf.subarray(0, buf.length - 4));
    if (want !== got) throw new CorruptIndexError(`index file checksum mismatch: stored ${hex(want)}, computed ${hex(got)}`);
    const end = buf.length - 4;
    const h = new ByteReader(buf, CorruptIndexError, 8, INDEX_HEADER_SIZE);
    const nsym = h.u32();
    const nseries = h.u32();
    const nchunks = h.u32();
    h.u32();
    this.minTime = h.i64();
    this.maxTime = h.i64();
    const offs = [h.u32(), h.u32(), h.u32(), h.u32(), end];
    for (let i = 0; i < 4; i++) if (offs[i] < INDEX_HEADER_SIZE || offs[i] > offs[i + 1]) throw new CorruptIndexError('index section offsets out of order');
    this.seriesCount = nseries;
    this.chunkCount = nchunks;

    const r = new ByteReader(buf, CorruptIndexError, offs[0], offs[1]);
    if (nsym > offs[1] - offs[0]) throw new CorruptIndexError(`index claims ${nsym} symbols`);
    const symbols = new Array<string>(nsym);
    for (let i = 0; i < nsym; i++) symbols[i] = r.string();
    this.expectEnd(r, 'symbols');
    const sym = (id: number): string => {
      if (id >= nsym) throw new CorruptIndexError(`symbol ${id} out of range`);
      return symbols[id];
    };

    const s = new ByteReader(buf, CorruptIndexError, offs[1], offs[2]);
    if (nseries > offs[2] - offs[1]) throw new CorruptIndexError(`index claims ${nseries} series`);
    this.labels = new Array<Labels>(nseries);
    this.fingerprints = new BigUint64Array(nseries);
    this.chunkStart = new Uint32Array(nseries + 1);
    const pairs = new Map<number, Label>();
    for (let i = 0; i < nseries; i++) {
      this.fingerprints[i] = s.bigU64();
      const nl = s.uvarint();
      const ls = new Array<Label>(nl);
      for (let j = 0; j < nl; j++) {
        const ni = s.uvarint();
        const vi = s.uvarint();
        const k = ni * nsym + vi;
        let l = pairs.get(k);
        if (l === undefined) pairs.set(k, (l = Object.freeze({ name: sym(ni), value: sym(vi) })));
        ls[j] = l;
      }
      this.labels[i] = Object.freeze(ls);
      this.chunkStart[i + 1] = this.chunkStart[i] + s.uvarint();
    }
    this.expectEnd(s, 'series');
    if (this.chunkStart[nseries] !== nchunks) throw new CorruptIndexError('series chunk counts disagree with the header');

    const c = new ByteReader(buf, CorruptIndexError, offs[2], offs[3]);
    if (nchunks > offs[3] - offs[2]) throw new CorruptIndexError(`index claims ${nchunks} chunks`);
    this.cFrom = new BigInt64Array(nchunks);
    this.cThrough = new BigInt64Array(nchunks);
    this.cCompressed = new Float64Array(nchunks);
    this.cRaw = new Float64Array(nchunks);
    this.cEntries = new Float64Array(nchunks);
    this.keyStart = new Uint32Array(nchunks);
    this.keyEnd = new Uint32Array(nchunks);
    this.cOffset = new Float64Array(nchunks);
    this.keyStrings = new Array<string | undefined>(nchunks);
    this.idStrings = new Array<string | undefined>(nchunks);
    for (let i = 0; i < nchunks; i++) {
      this.cFrom[i] = c.i64();
      this.cThrough[i] = c.i64();
      this.cCompressed[i] = c.uvarint();
      this.cRaw[i] = c.uvarint();
      this.cEntries[i] = c.uvarint();
      const len = c.uvarint();
      this.keyStart[i] = c.pos;
      c.bytes(len);
      this.keyEnd[i] = c.pos;
      if (version >= 2) this.cOffset[i] = c.uvarint();
    }
    this.expectEnd(c, 'chunks');

    const p = new ByteReader(buf, CorruptIndexError, offs[3], offs[4]);
    this.postings = new Map();
    const nnames = p.uvarint();
    for (let i = 0; i < nnames; i++) {
      const name = sym(p.uvarint());
      const nvalues = p.uvarint();
      const byValue = new Map<string, Uint32Array>();
      for (let j = 0; j < nvalues; j++) {
        const value = sym(p.uvarint());
        const n = p.uvarint();
        if (n > nseries) throw new CorruptIndexError('postings list longer than the series table');
        const ids = new Uint32Array(n);
        let prev = 0;
        for (let k = 0; k < n; k++) {
          prev += p.uvarint();
          if (prev >= nseries || (k > 0 && ids[k - 1] >= prev)) throw new CorruptIndexError('postings list out of order or range');
          ids[k] = prev;
        }
        byValue.set(value, ids);
      }
      this.postings.set(name, byValue);
    }
    this.expectEnd(p, 'postings');
  }

  private expectEnd(r: ByteReader, section: string): void {
    if (r.remaining !== 0) throw new CorruptIndexError(`${r.remaining} unexpected bytes after the ${section} section`);
  }

  /** Parses and verifies an index file. Keeps a reference to `buf`. Throws CorruptIndexError. */
  static decode(buf: Buffer): IndexFile {
    return new IndexFile(buf);
  }

  seriesLabels(id: number): Labels {
    return this.labels[id];
  }

  seriesFingerprint(id: number): bigint {
    return this.fingerprints[id];
  }

  /**
   * Series selected by all matchers, sorted. A matcher that matches the empty string also
   * selects series without its label, as in Prometheus and Loki.
   */
  lookup(matchers: readonly LabelMatcher[]): Uint32Array {
    let result: Uint32Array | null = null;
    const negatives: LabelMatcher[] = [];
    for (const m of matchers) {
      if (m.matchesEmpty()) {
        negatives.push(m);
        continue;
      }
      const ids = this.matching(m, true);
      result = result === null ? ids : intersect(result, ids);
      if (result.length === 0) return EMPTY_POSTINGS;
    }
    result ??= allPostings(this.seriesCount);
    // Matchers that accept "" only exclude series whose value for the label they reject.
    for (const m of negatives) {
      result = subtract(result, this.matching(m, false));
      if (result.length === 0) return EMPTY_POSTINGS;
    }
    return result;
  }

  /** Series whose value for m.name does (want=true) or does not (want=false) match m; absent labels never count. */
  private matching(m: LabelMatcher, want: boolean): Uint32Array {
    const byValue = this.postings.get(m.name);
    if (byValue === undefined) return EMPTY_POSTINGS;
    if (m.type === '=' && want) return byValue.get(m.value) ?? EMPTY_POSTINGS;
    const lists: Uint32Array[] = [];
    for (const [v, ids] of byValue) if (m.matches(v) === want) lists.push(ids);
    return union(lists, this.seriesCount);
  }

  /** Series ids with at least one chunk overlapping the inclusive range [from, through]. */
  seriesInRange(ids: Uint32Array, from: bigint, through: bigint): Uint32Array {
    if (this.seriesCount === 0 || this.maxTime < from || this.minTime > through) return EMPTY_POSTINGS;
    const out = new Uint32Array(ids.length);
    let n = 0;
    for (const id of ids) {
      for (let c = this.chunkStart[id]; c < this.chunkStart[id + 1]; c++) {
        if (refOverlaps(this.cFrom[c], this.cThrough[c], from, through)) {
          out[n++] = id;
          break;
        }
      }
    }
    return out.subarray(0, n);
  }

  /** Label names of the given series (all series when omitted), sorted. */
  labelNames(ids?: Uint32Array): string[] {
    if (ids === undefined) return [...this.postings.keys()].sort();
    const names = new Set<string>();
    for (const id of ids) for (const l of this.labels[id]) names.add(l.name);
    return [...names].sort();
  }

  /** Values of label `name` among the given series (all series when omitted), sorted. */
  labelValues(name: string, ids?: Uint32Array): string[] {
    const byValue = this.postings.get(name);
    if (byValue === undefined) return [];
    if (ids === undefined) return [...byValue.keys()].sort();
    const values = new Set<string>();
    for (const id of ids) {
      for (const l of this.labels[id]) {
        if (l.name === name) {
          values.add(l.value);
          break;
        }
      }
    }
    return [...values].sort();
  }

  /** Calls fn(seriesId, chunkIndex) for each chunk of the series overlapping the inclusive range. */
  forEachChunk(ids: Uint32Array, from: bigint, through: bigint, fn: (seriesId: number, chunk: number) => void): void {
    if (this.maxTime < from || this.minTime > through) return;
    for (const id of ids) {
      for (let c = this.chunkStart[id]; c < this.chunkStart[id + 1]; c++) {
        if (refOverlaps(this.cFrom[c], this.cThrough[c], from, through)) fn(id, c);
      }
    }
  }

  chunkKey(c: number): string {
    return (this.keyStrings[c] ??= this.buf.toString('utf8', this.keyStart[c], this.keyEnd[c]));
  }
  /** The chunk's object key and offset as one string (chunkId), unique per chunk. */
  chunkId(c: number): string {
    return (this.idStrings[c] ??= chunkId(this.chunkKey(c), this.cOffset[c]));
  }

  chunkFrom(c: number): bigint {
    return this.cFrom[c];
  }
  chunkThrough(c: number): bigint {
    return this.cThrough[c];
  }
  chunkRawSize(c: number): number {
    return this.cRaw[c];
  }
  chunkEntries(c: number): number {
    return this.cEntries[c];
  }

  chunkRef(seriesId: number, c: number): ChunkRef {
    return {
      labels: this.labels[seriesId],
      fingerprint: this.fingerprints[seriesId],
      from: this.cFrom[c],
      through: this.cThrough[c],
      key: this.chunkKey(c),
      offset: this.cOffset[c],
      compressedSize: this.cCompressed[c],
      rawSize: this.cRaw[c],
      entries: this.cEntries[c],
    };
  }

  /** Chunk refs of the series overlapping the inclusive range [from, through], by series then time. */
  chunks(ids: Uint32Array, from: bigint, through: bigint): ChunkRef[] {
    const out: ChunkRef[] = [];
    this.forEachChunk(ids, from, through, (s, c) => out.push(this.chunkRef(s, c)));
    return out;
  }

  /** Every chunk ref in the file (for compaction). */
  refs(): ChunkRef[] {
    return this.chunks(allPostings(this.seriesCount), -(1n << 63n), (1n << 63n) - 1n);
  }
}
