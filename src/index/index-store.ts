import { randomBytes } from 'node:crypto';
import { compareLabels, labelsKey, type Labels } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { ObjectStore } from '../storage/object-store.js';
import { ObjectNotFoundError } from '../storage/errors.js';
import { refOverlaps, type ChunkRef } from './chunk-ref.js';
import { IndexFileCache } from './index-cache.js';
import { encodeIndexFile } from './index-file-writer.js';
import type { IndexFile } from './index-file.js';
import { indexFileKey, indexTenantPrefix, validateTenant } from './keys.js';
import { countTables, DEFAULT_INDEX_PERIODS, tableInRange, tablesForRange, type IndexPeriod } from './period.js';
import { EMPTY_POSTINGS, union } from './postings.js';

export interface IndexStoreOptions {
  /** Schema periods (see indexPeriodsFromSchema); default: one period, prefix "index_", 24h tables. */
  periods?: readonly IndexPeriod[];
  /** Budget for decoded index files kept in memory, in encoded bytes (default 256 MiB). */
  cacheBytes?: number;
  /** Above this many tables in a query range, list each period prefix once instead of per table. */
  maxTablesListedSeparately?: number;
}

/** What /loki/api/v1/index/stats reports. */
export interface IndexStats {
  streams: number;
  chunks: number;
  bytes: number;
  entries: number;
}

/**
 * Chunk refs per tenant and period, in immutable index files on an object store.
 *
 * Time ranges of every read are inclusive at both ends and select chunks that overlap them;
 * callers filter entries exactly. Each read lists the tables it touches (cheap), so files
 * flushed since the last query are seen; decoded files are cached by object key.
 */
export class IndexStore {
  private readonly store: ObjectStore;
  private readonly periods: readonly IndexPeriod[];
  private readonly cache: IndexFileCache;
  private readonly maxTablesListed: number;

  constructor(store: ObjectStore, opts: IndexStoreOptions = {}) {
    this.store = store;
    this.periods = opts.periods ?? DEFAULT_INDEX_PERIODS;
    this.cache = new IndexFileCache(opts.cacheBytes ?? 256 * 1024 * 1024);
    this.maxTablesListed = opts.maxTablesListedSeparately ?? 64;
  }

  /**
   * Writes one index file per table the refs touch (a chunk spanning tables goes in each) and
   * returns the keys written. `unique` names the files; default: time and random bytes.
   */
  async writeIndex(tenant: string, refs: readonly ChunkRef[], unique?: string): Promise<string[]> {
    validateTenant(tenant);
    const byTable = new Map<string, ChunkRef[]>();
    for (const r of refs) {
      for (const t of tablesForRange(this.periods, r.from, r.through)) {
        let l = byTable.get(t.name);
        if (l === undefined) byTable.set(t.name, (l = []));
        l.push(r);
      }
    }
    const name = unique ?? `${Date.now().toString(16)}-${randomBytes(6).toString('hex')}`;
    const keys: string[] = [];
    await Promise.all(
      [...byTable].map(async ([table, tableRefs]) => {
        const key = indexFileKey(table, tenant, name);
        await this.store.put(key, encodeIndexFile(tableRefs));
        keys.push(key);
      }),
    );
    return keys.sort();
  }

  /** Object keys of the tenant's index files in tables overlapping [from, through]. */
  async indexFileKeys(tenant: string, from: bigint, through: bigint): Promise<string[]> {
    validateTenant(tenant);
    if (countTables(this.periods, from, through) > this.maxTablesListed) return this.listWide(tenant, from, through);
    const tables = tablesForRange(this.periods, from, through);
    const lists = await Promise.all(tables.map((t) => this.store.list(indexTenantPrefix(t.name, tenant))));
    return lists.flat().map((o) => o.key).filter((k) => k.endsWith('.idx'));
  }

  /** Wide ranges: one listing per period prefix, filtered by table number and tenant. */
  private async listWide(tenant: string, from: bigint, through: bigint): Promise<string[]> {
    const out: string[] = [];
    for (const p of new Set(this.periods.map((x) => x.prefix))) {
      for (const o of await this.store.list(`index/${p}`)) {
        const parts = o.key.split('/');
        if (parts.length !== 4 || parts[2] !== tenant || !parts[3].endsWith('.idx')) continue;
        const n = Number(parts[1].slice(p.length));
        if (!Number.isSafeInteger(n) || `${p}${n}` !== parts[1]) continue;
        if (tableInRange(this.periods, p, n, from, through)) out.push(o.key);
      }
    }
    return out;
  }

  private async files(tenant: string, from: bigint, through: bigint): Promise<IndexFile[]> {
    const keys = await this.indexFileKeys(tenant, from, through);
    const files = await Promise.all(
      keys.map((k) =>
        this.cache.get(k, (key) => this.store.get(key)).catch((err: unknown) => {
          // Compaction may delete a listed file before we fetch it; its refs live on in the merged file.
          if (err instanceof ObjectNotFoundError) return null;
          throw err;
        }),
      ),
    );
    return files.filter((f): f is IndexFile => f !== null && f.maxTime >= from && f.minTime <= through);
  }

  /** Series ids of a file matching any of the matcher groups (all series when none given), with chunks in range. */
  private select(f: IndexFile, from: bigint, through: bigint, groups: readonly (readonly LabelMatcher[])[]): Uint32Array {
    const ids = groups.length === 0 ? f.lookup([]) : union(groups.map((g) => f.lookup(g)), f.seriesCount);
    return ids.length === 0 ? EMPTY_POSTINGS : f.seriesInRange(ids, from, through);
  }

  /** Chunk refs of the series selected by `matchers` overlapping [from, through], each chunk once, by fingerprint then time. */
  async chunkRefs(tenant: string, from: bigint, through: bigint, matchers: readonly LabelMatcher[]): Promise<ChunkRef[]> {
    const seen = new Map<string, ChunkRef>();
    for (const f of await this.files(tenant, from, through)) {
      const ids = f.lookup(matchers);
      f.forEachChunk(ids, from, through, (s, c) => {
        const id = f.chunkId(c);
        if (!seen.has(id)) seen.set(id, f.chunkRef(s, c));
      });
    }
    return [...seen.values()].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.from < b.from ? -1 : a.from > b.from ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : a.offset - b.offset));
  }

  /** Label sets of the streams with chunks in range matching any matcher group (all when omitted), sorted. */
  async series(tenant: string, from: bigint, through: bigint, matchers?: readonly (readonly LabelMatcher[])[]): Promise<Labels[]> {
    const out = new Map<string, Labels>();
    for (const f of await this.files(tenant, from, through)) {
      for (const id of this.select(f, from, through, matchers ?? [])) {
        const ls = f.seriesLabels(id);
        const k = labelsKey(ls);
        if (!out.has(k)) out.set(k, ls);
      }
    }
    return [...out.values()].sort(compareLabels);
  }

  async labelNames(tenant: string, from: bigint, through: bigint, matchers?: readonly LabelMatcher[]): Promise<string[]> {
    const names = new Set<string>();
    for (const f of await this.files(tenant, from, through)) {
      const ids = this.select(f, from, through, matchers === undefined || matchers.length === 0 ? [] : [matchers]);
      for (const n of f.labelNames(ids)) names.add(n);
    }
    return [...names].sort();
  }

  async labelValues(tenant: string, name: string, from: bigint, through: bigint, matchers?: readonly LabelMatcher[]): Promise<string[]> {
    const values = new Set<string>();
    for (const f of await this.files(tenant, from, through)) {
      const ids = this.select(f, from, through, matchers === undefined || matchers.length === 0 ? [] : [matchers]);
      for (const v of f.labelValues(name, ids)) values.add(v);
    }
    return [...values].sort();
  }

  /**
   * Streams, chunks, bytes (uncompressed line bytes) and entries of the matching chunks in
   * range. Like Loki, a chunk that only partly overlaps the range contributes bytes and entries
   * in proportion to the overlapped share of its time span.
   */
  async stats(tenant: string, from: bigint, through: bigint, matchers: readonly LabelMatcher[]): Promise<IndexStats> {
    const streams = new Set<string>();
    const chunks = new Set<string>();
    let bytes = 0;
    let entries = 0;
    for (const f of await this.files(tenant, from, through)) {
      const ids = f.lookup(matchers);
      f.forEachChunk(ids, from, through, (s, c) => {
        const id = f.chunkId(c);
        if (chunks.has(id)) return;
        chunks.add(id);
        streams.add(labelsKey(f.seriesLabels(s)));
        const share = overlapShare(f.chunkFrom(c), f.chunkThrough(c), from, through);
        bytes += Math.round(f.chunkRawSize(c) * share);
        entries += Math.round(f.chunkEntries(c) * share);
      });
    }
    return { streams: streams.size, chunks: chunks.size, bytes, entries };
  }

  /** Cache counters, for metrics. */
  cacheStats(): { files: number; bytes: number; hits: number; misses: number } {
    return { files: this.cache.size, bytes: this.cache.byteSize, hits: this.cache.hits, misses: this.cache.misses };
  }
}

/** Share of [cFrom, cThrough] inside [from, through], assuming entries spread evenly over time. */
export function overlapShare(cFrom: bigint, cThrough: bigint, from: bigint, through: bigint): number {
  if (!refOverlaps(cFrom, cThrough, from, through)) return 0;
  if (cFrom >= from && cThrough <= through) return 1;
  const lo = cFrom > from ? cFrom : from;
  const hi = cThrough < through ? cThrough : through;
  return Number(hi - lo) / Number(cThrough - cFrom);
}
