/**
 * The label state of one entry while it runs through a stream's pipeline (Loki's
 * LabelsBuilder): the stream labels as base, structured metadata and parsed labels added
 * on top, deletions, and the error labels. Parsed labels win over metadata, metadata over
 * stream labels. State is kept in arrays indexed by name id and stamped with a per-entry
 * generation, so resetting costs nothing and lookups do not hash.
 */
import type { Label, Labels } from '../../model/labels.js';
import type { ParserHints } from './hints.js';
import { DUPLICATE_SUFFIX, ERROR_DETAILS_LABEL, ERROR_LABEL, PRESERVE_ERROR_LABEL, type NameTable } from './names.js';
import { EMPTY_RESULT, type ResultInterner } from './result-labels.js';
import type { ResultLabels } from './types.js';

export const META = 1;
export const PARSED = 2;
const DEAD = 0;

/** Per-stream caches of results by a cheap key; cleared when they grow past this. */
const MAX_CACHE = 8192;

export interface Grouping {
  readonly labels: readonly string[];
  readonly without: boolean;
  /** `sum(…)` pushed into the range aggregation: no labels at all unless there is an error. */
  readonly noLabels: boolean;
}

export class LabelsBuilder {
  readonly base: Labels;
  private readonly baseMap: Map<string, string>;
  private readonly baseIds: number[];
  readonly baseResult: ResultLabels;

  private gen = 1;
  private liveGen: Int32Array<ArrayBuffer> = new Int32Array(64);
  private liveIdx: Int32Array<ArrayBuffer> = new Int32Array(64);
  private delGen: Int32Array<ArrayBuffer> = new Int32Array(64);
  private extractedGen: Int32Array<ArrayBuffer> = new Int32Array(64);

  private entId: number[] = [];
  private entVal: string[] = [];
  private entCat: number[] = [];
  private entLen = 0;
  private liveCount = 0;
  private delCount = 0;

  err = '';
  errDetails = '';

  private readonly requiredIds: readonly number[];
  private requiredHit = 0;
  private readonly filterIds: readonly number[];

  private readonly resultCache = new Map<string, ResultLabels>();
  private readonly groupCache = new Map<string, ResultLabels>();
  private baseGroup: ResultLabels | undefined;
  private readonly stageCaches: unknown[] = [];

  constructor(
    readonly names: NameTable,
    stream: Labels,
    readonly hints: ParserHints,
    private readonly interner: ResultInterner,
    private readonly grouping?: Grouping,
  ) {
    this.base = stream;
    this.baseMap = new Map(stream.map((l) => [l.name, l.value]));
    this.baseIds = stream.map((l) => names.id(l.name));
    this.baseResult = interner.forStream(stream);
    this.requiredIds = hints.requiredIds(names);
    this.filterIds = hints.filterNames.map((n) => names.id(n));
    this.grow();
  }

  /** Per-stream state of a stage (key caches of parsers), created on first use. */
  stageCache<T>(slot: number, create: () => T): T {
    let c = this.stageCaches[slot] as T | undefined;
    if (c === undefined) {
      c = create();
      this.stageCaches[slot] = c;
    }
    return c;
  }

  private grow(): void {
    const need = this.names.size + 16;
    if (this.liveGen.length >= need) return;
    const size = Math.max(need, this.liveGen.length * 2);
    const g = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const n = new Int32Array(size);
      n.set(a);
      return n;
    };
    this.liveGen = g(this.liveGen);
    this.liveIdx = g(this.liveIdx);
    this.delGen = g(this.delGen);
    this.extractedGen = g(this.extractedGen);
  }

  private ensure(id: number): void {
    if (id >= this.liveGen.length) this.grow();
  }

  /** Starts a new entry. */
  reset(): void {
    this.gen++;
    if (this.gen === 0x7fffffff) {
      this.gen = 1;
      this.liveGen.fill(0);
      this.delGen.fill(0);
      this.extractedGen.fill(0);
    }
    this.entLen = 0;
    this.liveCount = 0;
    this.delCount = 0;
    this.err = '';
    this.errDetails = '';
    this.requiredHit = 0;
  }

  /** Structured metadata of the entry; names clashing with stream labels get `_extracted`. */
  addMetadata(md: Labels): void {
    for (let i = 0; i < md.length; i++) {
      let name = md[i].name;
      if (this.baseMap.has(name)) name += DUPLICATE_SUFFIX;
      if (name === ERROR_LABEL) {
        this.err = md[i].value;
        continue;
      }
      if (name === ERROR_DETAILS_LABEL) {
        this.errDetails = md[i].value;
        continue;
      }
      this.setId(META, this.names.id(name), md[i].value);
    }
  }

  /** A parser error (Loki's addErrLabel); `__preserve_error__` when the query groups by `__error__`. */
  addErr(msg: string, details?: string): void {
    this.err = msg;
    if (details !== undefined) this.errDetails = details;
    if (this.hints.preserveError) this.set(PARSED, PRESERVE_ERROR_LABEL, 'true');
  }

  baseHas(name: string): boolean {
    return this.baseMap.has(name);
  }

  hasErr(): boolean {
    return this.err !== '';
  }

  /** The current value of a label (not the error labels), or undefined. */
  get(name: string): string | undefined {
    const id = this.names.peek(name);
    if (id >= 0 && id < this.liveGen.length) {
      if (this.liveGen[id] === this.gen) return this.entVal[this.liveIdx[id]];
      if (this.delGen[id] === this.gen) return undefined;
    }
    return this.baseMap.get(name);
  }

  getId(id: number): string | undefined {
    this.ensure(id);
    if (this.liveGen[id] === this.gen) return this.entVal[this.liveIdx[id]];
    if (this.delGen[id] === this.gen) return undefined;
    return this.baseMap.get(this.names.names[id]);
  }

  /** Whether the label is a structured metadata label right now. */
  categoryOf(id: number): number {
    this.ensure(id);
    return this.liveGen[id] === this.gen ? this.entCat[this.liveIdx[id]] : 0;
  }

  set(category: number, name: string, value: string): void {
    this.setId(category, this.names.id(name), value);
  }

  setId(category: number, id: number, value: string): void {
    this.ensure(id);
    if (this.liveGen[id] === this.gen) {
      const i = this.liveIdx[id];
      if (category === META && this.entCat[i] === PARSED) return;
      this.entVal[i] = value;
      this.entCat[i] = category;
    } else {
      const i = this.entLen++;
      this.entId[i] = id;
      this.entVal[i] = value;
      this.entCat[i] = category;
      this.liveGen[id] = this.gen;
      this.liveIdx[id] = i;
      this.liveCount++;
    }
    if (category === PARSED) this.recordExtracted(id);
  }

  del(name: string): void {
    this.delId(this.names.id(name));
  }

  delId(id: number): void {
    this.ensure(id);
    if (this.liveGen[id] === this.gen) {
      this.entCat[this.liveIdx[id]] = DEAD;
      this.liveGen[id] = 0;
      this.liveCount--;
    }
    this.delGen[id] = this.gen;
    this.delCount++;
  }

  /** Current labels in no particular order, error labels included (Loki's UnsortedLabels). */
  unsortedLabels(): Label[] {
    const out: Label[] = [];
    this.collect(out, out, out, true);
    return out;
  }

  /** Calls fn for every current label (error labels included). */
  forEach(fn: (name: string, value: string) => void): void {
    const changed = this.liveCount > 0 || this.delCount > 0 || this.err !== '';
    for (let i = 0; i < this.base.length; i++) {
      const id = this.baseIds[i];
      if (changed && (this.delGen[id] === this.gen || this.liveGen[id] === this.gen)) continue;
      fn(this.base[i].name, this.base[i].value);
    }
    if (!changed) return;
    for (let i = 0; i < this.entLen; i++) {
      if (this.entCat[i] !== DEAD) fn(this.names.names[this.entId[i]], this.entVal[i]);
    }
    if (this.err !== '' || this.errDetails !== '') {
      if (this.err !== '') fn(ERROR_LABEL, this.err);
      if (this.errDetails !== '') fn(ERROR_DETAILS_LABEL, this.errDetails);
    }
  }

  private collect(stream: Label[], meta: Label[], parsed: Label[], errors: boolean): void {
    for (let i = 0; i < this.base.length; i++) {
      const id = this.baseIds[i];
      if (this.delGen[id] === this.gen || this.liveGen[id] === this.gen) continue;
      stream.push(this.base[i]);
    }
    for (let i = 0; i < this.entLen; i++) {
      const c = this.entCat[i];
      if (c === DEAD) continue;
      (c === META ? meta : parsed).push({ name: this.names.names[this.entId[i]], value: this.entVal[i] });
    }
    if (errors && (this.err !== '' || this.errDetails !== '')) {
      if (this.err !== '') parsed.push({ name: ERROR_LABEL, value: this.err });
      if (this.errDetails !== '') parsed.push({ name: ERROR_DETAILS_LABEL, value: this.errDetails });
    }
  }

  /** The entry's result labels, interned. */
  labelsResult(): ResultLabels {
    if (this.liveCount === 0 && this.delCount === 0 && this.err === '') return this.baseResult;
    // Lengths keep the key unambiguous whatever the values contain.
    let key = this.err.length + ':' + this.err + this.errDetails.length + ':' + this.errDetails;
    for (let i = 0; i < this.entLen; i++) {
      const c = this.entCat[i];
      if (c === DEAD) continue;
      const v = this.entVal[i];
      key += (c === META ? 'm' : 'p') + this.entId[i] + ':' + v.length + ':' + v;
    }
    if (this.delCount > 0) {
      for (let i = 0; i < this.base.length; i++) if (this.delGen[this.baseIds[i]] === this.gen) key += 'd' + i + ';';
    }
    const hit = this.resultCache.get(key);
    if (hit !== undefined) return hit;
    const stream: Label[] = [];
    const meta: Label[] = [];
    const parsed: Label[] = [];
    this.collect(stream, meta, parsed, true);
    const r = this.interner.make(stream, meta, parsed);
    if (this.resultCache.size >= MAX_CACHE) this.resultCache.clear();
    this.resultCache.set(key, r);
    return r;
  }

  /** The labels a sample carries: grouped by the range aggregation (Loki's GroupedLabels). */
  groupedLabels(): ResultLabels {
    if (this.err !== '') return this.labelsResult();
    const g = this.grouping;
    if (g === undefined) return this.labelsResult();
    if (g.noLabels) return EMPTY_RESULT;
    const unchanged = this.liveCount === 0 && this.delCount === 0;
    if (g.labels.length === 0) return unchanged ? this.baseResult : this.labelsResult();
    if (unchanged) {
      this.baseGroup ??= this.interner.uncategorized(this.base.filter((l) => g.labels.includes(l.name) !== g.without));
      return this.baseGroup;
    }
    return g.without ? this.withoutResult(g.labels) : this.withResult(g.labels);
  }

  private withResult(groups: readonly string[]): ResultLabels {
    const out: Label[] = [];
    let key = '';
    for (const name of groups) {
      const id = this.names.id(name);
      this.ensure(id);
      if (this.delGen[id] === this.gen) continue;
      const v = this.liveGen[id] === this.gen ? this.entVal[this.liveIdx[id]] : this.baseMap.get(name);
      if (v === undefined) continue;
      out.push({ name, value: v });
      key += id + ':' + v.length + ':' + v;
    }
    return this.cachedGroup(key, out);
  }

  private withoutResult(groups: readonly string[]): ResultLabels {
    const out: Label[] = [];
    let key = '';
    for (let i = 0; i < this.base.length; i++) {
      const id = this.baseIds[i];
      if (this.delGen[id] === this.gen || this.liveGen[id] === this.gen) continue;
      if (groups.includes(this.base[i].name)) continue;
      out.push(this.base[i]);
      key += 'b' + i + ';';
    }
    for (let i = 0; i < this.entLen; i++) {
      if (this.entCat[i] === DEAD) continue;
      const name = this.names.names[this.entId[i]];
      if (groups.includes(name)) continue;
      const v = this.entVal[i];
      out.push({ name, value: v });
      key += 'e' + this.entId[i] + ':' + v.length + ':' + v;
    }
    return this.cachedGroup(key, out);
  }

  private cachedGroup(key: string, labels: Label[]): ResultLabels {
    const hit = this.groupCache.get(key);
    if (hit !== undefined) return hit;
    const r = this.interner.uncategorized(labels);
    if (this.groupCache.size >= MAX_CACHE) this.groupCache.clear();
    this.groupCache.set(key, r);
    return r;
  }

  // Parser hints.

  private recordExtracted(id: number): void {
    if (this.extractedGen[id] === this.gen) return;
    this.extractedGen[id] = this.gen;
    if (this.requiredIds.length > 0 && this.requiredIds.includes(id)) this.requiredHit++;
  }

  /** Whether a parser should set this (already renamed) label. */
  shouldExtract(name: string): boolean {
    const id = this.names.id(name);
    this.ensure(id);
    if (this.extractedGen[id] === this.gen) return false;
    const req = this.hints.requiredNames;
    return req.length === 0 || req.includes(name);
  }

  shouldExtractPrefix(prefix: string): boolean {
    const req = this.hints.requiredNames;
    if (req.length === 0) return true;
    for (const r of req) if (r.startsWith(prefix)) return true;
    return false;
  }

  allRequiredExtracted(): boolean {
    return this.requiredIds.length > 0 && this.requiredHit >= this.requiredIds.length;
  }

  /** Parsers do nothing at all. */
  noLabels(): boolean {
    return this.hints.noLabels || this.allRequiredExtracted();
  }

  /** Runs the first early label filter on this label; false drops the entry. */
  shouldContinueParsingLine(id: number, ts: bigint): boolean {
    const ids = this.filterIds;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === id) return this.hints.filters[i].process(ts, EMPTY_LINE, this) !== null;
    }
    return true;
  }

  hasEarlyFilters(): boolean {
    return this.filterIds.length > 0;
  }
}

const EMPTY_LINE = Buffer.alloc(0);
