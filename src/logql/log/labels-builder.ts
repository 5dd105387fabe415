/**
 * The label state of one entry while it runs through a stream's pipeline (Loki's
 * LabelsBuilder): the stream labels as base, structured metadata and parsed labels added
 * on top, deletions, and the error labels. Parsed labels win over metadata, metadata over
 * stream labels. State is kept in arrays indexed by name id and stamped with a per-entry
 * generation, so resetting costs nothing and lookups do not hash.
 */
import { isAscii } from 'node:buffer';
import type { Label, Labels } from '../../model/labels.js';
import type { ParserHints } from './hints.js';
import { DUPLICATE_SUFFIX, ERROR_DETAILS_LABEL, ERROR_LABEL, PRESERVE_ERROR_LABEL, type NameTable } from './names.js';
import { DeferredResult, EMPTY_RESULT, type ResultInterner } from './result-labels.js';
import type { ResultLabels } from './types.js';

export const META = 1;
export const PARSED = 2;
const DEAD = 0;

/**
 * More misses than this within MISS_WINDOW lookups (over all of a query's streams: with many
 * streams each one sees too few entries to learn it alone) switch the query to deferred results…
 */
const MISS_LIMIT = 512;
const MISS_WINDOW = 1024;
/** …for this many entries… */
const DEFER_RUN = 16384;
/** …except in streams that showed they repeat: fewer than a quarter misses over at least this many lookups. */
const REPEAT_EVIDENCE = 32;

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

  /** Per-name state, shared by the streams of a query (entries are processed one at a time). */
  private readonly sc: Scratch;

  private entId: number[] = [];
  private entVal: string[] = [];
  /** A value still in the line's bytes (ASCII [entS, entE) of entSrc), made a string on first read. */
  private entSrc: (Buffer | null)[] = [];
  private entS: number[] = [];
  private entE: number[] = [];
  private entCat: number[] = [];
  private entLen = 0;
  private liveCount = 0;
  private delCount = 0;

  err = '';
  errDetails = '';

  /**
   * Set while a log pipeline runs its probe (see pipeline.ts): parsers store only the labels
   * in `probeNames` and merely record the others as extracted, so key decisions stay the same.
   */
  probing = false;
  probeNames: ReadonlySet<string> = NO_NAMES;

  private textOf: Buffer | undefined;
  private text: string | undefined;

  private readonly requiredIds: readonly number[];
  private requiredHit = 0;
  private readonly filterIds: readonly number[];

  /** Prefix of this stream's keys in the query's result cache. */
  private readonly tag: string;
  private baseGroup: ResultLabels | undefined;
  private lookups = 0;
  private misses = 0;
  private repeats = false;
  /** Ids of a `by (…)` grouping without repeated names, for the unchanged-group shortcut. */
  private readonly groupIds: Int32Array | undefined;
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
    this.tag = interner.nextStreamTag();
    this.requiredIds = hints.requiredIds(names);
    this.filterIds = hints.filterNames.map((n) => names.id(n));
    const g = grouping;
    this.groupIds = g !== undefined && !g.without && !g.noLabels && g.labels.length > 0 && new Set(g.labels).size === g.labels.length
      ? Int32Array.from(g.labels, (n) => names.id(n))
      : undefined;
    this.sc = scratchOf(names);
    this.sc.grow(names.size);
  }

  /** A stage's per-stream state if created (no closure per entry on the hot path). */
  stageState(slot: number): unknown {
    return this.stageCaches[slot];
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

  private ensure(id: number): void {
    if (id >= this.sc.liveGen.length) this.sc.grow(this.names.size);
  }

  /** Starts a new entry. */
  reset(): void {
    this.sc.next();
    this.entLen = 0;
    this.liveCount = 0;
    this.delCount = 0;
    this.err = '';
    this.errDetails = '';
    this.requiredHit = 0;
    this.textOf = undefined;
    this.probing = false;
  }

  /** Whether parsers extract every key (no hints, no probe): then the line is decoded once. */
  extractsAll(): boolean {
    return !this.probing && this.requiredIds.length === 0;
  }

  /** Whether a probe stores this label's value. */
  probeWants(name: string): boolean {
    return this.probeNames.has(name);
  }

  /** A key the probe skips: recorded as extracted, as setId would. */
  markExtracted(id: number): void {
    this.ensure(id);
    this.recordExtracted(id);
  }

  /**
   * The line as a string when it is pure ASCII (byte offsets are then string offsets), else
   * undefined. Parsers slice this one string instead of decoding each key and value.
   */
  asciiText(line: Buffer): string | undefined {
    if (line !== this.textOf) {
      this.textOf = line;
      this.text = isAscii(line) ? line.toString('latin1') : undefined;
    }
    return this.text;
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
    if (id >= 0 && id < this.sc.liveGen.length) {
      if (this.sc.liveGen[id] === this.sc.gen) return this.val(this.sc.liveIdx[id]);
      if (this.sc.delGen[id] === this.sc.gen) return undefined;
    }
    return this.baseMap.get(name);
  }

  getId(id: number): string | undefined {
    this.ensure(id);
    if (this.sc.liveGen[id] === this.sc.gen) return this.val(this.sc.liveIdx[id]);
    if (this.sc.delGen[id] === this.sc.gen) return undefined;
    return this.baseMap.get(this.names.names[id]);
  }

  /** Whether the label is a structured metadata label right now. */
  categoryOf(id: number): number {
    this.ensure(id);
    return this.sc.liveGen[id] === this.sc.gen ? this.entCat[this.sc.liveIdx[id]] : 0;
  }

  set(category: number, name: string, value: string): void {
    this.setId(category, this.names.id(name), value);
  }

  setId(category: number, id: number, value: string): void {
    this.ensure(id);
    if (this.sc.liveGen[id] === this.sc.gen) {
      const i = this.sc.liveIdx[id];
      if (category === META && this.entCat[i] === PARSED) return;
      this.entVal[i] = value;
      this.entSrc[i] = null;
      this.entCat[i] = category;
    } else {
      const i = this.entLen++;
      this.entId[i] = id;
      this.entVal[i] = value;
      this.entSrc[i] = null;
      this.entCat[i] = category;
      this.sc.liveGen[id] = this.sc.gen;
      this.sc.liveIdx[id] = i;
      this.liveCount++;
    }
    // Metadata counts as extracted too: a parser then leaves a key the entry already has.
    this.recordExtracted(id);
  }

  /**
   * A parsed label whose value is the ASCII bytes [s, e) of line (as setId with their latin1
   * string): the string is made only if something reads it. Typed label filters and unwrap
   * read the bytes instead (rangeOf).
   */
  setRange(id: number, line: Buffer, s: number, e: number): void {
    this.setId(PARSED, id, '');
    const i = this.sc.liveIdx[id];
    this.entSrc[i] = line;
    this.entS[i] = s;
    this.entE[i] = e;
  }

  /** Set by rangeOf: the bytes of a label value not yet made a string. */
  rangeLine: Buffer = EMPTY_LINE;
  rangeStart = 0;
  rangeEnd = 0;

  /** True (with rangeLine/Start/End) when the label is set from line bytes not yet read as a string. */
  rangeOf(id: number): boolean {
    const sc = this.sc;
    if (id >= sc.liveGen.length || sc.liveGen[id] !== sc.gen) return false;
    const i = sc.liveIdx[id];
    const src = this.entSrc[i];
    if (src === null) return false;
    this.rangeLine = src;
    this.rangeStart = this.entS[i];
    this.rangeEnd = this.entE[i];
    return true;
  }

  private val(i: number): string {
    const src = this.entSrc[i];
    if (src === null) return this.entVal[i];
    const v = src.toString('latin1', this.entS[i], this.entE[i]);
    this.entVal[i] = v;
    this.entSrc[i] = null;
    return v;
  }

  del(name: string): void {
    this.delId(this.names.id(name));
  }

  delId(id: number): void {
    this.ensure(id);
    if (this.sc.liveGen[id] === this.sc.gen) {
      this.entCat[this.sc.liveIdx[id]] = DEAD;
      this.sc.liveGen[id] = 0;
      this.liveCount--;
    }
    this.sc.delGen[id] = this.sc.gen;
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
      if (changed && (this.sc.delGen[id] === this.sc.gen || this.sc.liveGen[id] === this.sc.gen)) continue;
      fn(this.base[i].name, this.base[i].value);
    }
    if (!changed) return;
    for (let i = 0; i < this.entLen; i++) {
      if (this.entCat[i] !== DEAD) fn(this.names.names[this.entId[i]], this.val(i));
    }
    if (this.err !== '' || this.errDetails !== '') {
      if (this.err !== '') fn(ERROR_LABEL, this.err);
      if (this.errDetails !== '') fn(ERROR_DETAILS_LABEL, this.errDetails);
    }
  }

  private collect(stream: Label[], meta: Label[], parsed: Label[], errors: boolean): void {
    for (let i = 0; i < this.base.length; i++) {
      const id = this.baseIds[i];
      if (this.sc.delGen[id] === this.sc.gen || this.sc.liveGen[id] === this.sc.gen) continue;
      stream.push(this.base[i]);
    }
    for (let i = 0; i < this.entLen; i++) {
      const c = this.entCat[i];
      if (c === DEAD) continue;
      (c === META ? meta : parsed).push({ name: this.names.names[this.entId[i]], value: this.val(i) });
    }
    if (errors && (this.err !== '' || this.errDetails !== '')) {
      if (this.err !== '') parsed.push({ name: ERROR_LABEL, value: this.err });
      if (this.errDetails !== '') parsed.push({ name: ERROR_DETAILS_LABEL, value: this.errDetails });
    }
  }

  /**
   * The entry's result labels. While label sets repeat they are interned (equal sets share
   * one object); when a stream keeps producing new sets, results are deferred instead and
   * only `key` identifies equal sets.
   */
  labelsResult(): ResultLabels {
    if (this.liveCount === 0 && this.delCount === 0 && this.err === '') return this.baseResult;
    const q = this.interner;
    if (q.deferLeft > 0 && !this.repeats) {
      q.deferLeft--;
      return this.deferred();
    }
    // Lengths keep the key unambiguous whatever the values contain.
    let key = 's' + this.tag + this.err.length + ':' + this.err + this.errDetails.length + ':' + this.errDetails;
    for (let i = 0; i < this.entLen; i++) {
      const c = this.entCat[i];
      if (c === DEAD) continue;
      const v = this.val(i);
      key += (c === META ? 'm' : 'p') + this.entId[i] + ':' + v.length + ':' + v;
    }
    if (this.delCount > 0) {
      for (let i = 0; i < this.base.length; i++) if (this.sc.delGen[this.baseIds[i]] === this.sc.gen) key += 'd' + i + ';';
    }
    if (++this.lookups >= MISS_WINDOW) {
      this.repeats = this.misses * 4 < this.lookups;
      this.lookups = 0;
      this.misses = 0;
    }
    q.lookups++;
    const hit = q.cached(key);
    if (hit !== undefined) {
      if (!this.repeats && this.lookups >= REPEAT_EVIDENCE && this.misses * 4 < this.lookups) this.repeats = true;
      return hit;
    }
    this.misses++;
    if (++q.misses > MISS_LIMIT) {
      // Mostly new sets: stop paying for keys for a while.
      q.misses = 0;
      q.lookups = 0;
      q.deferLeft = DEFER_RUN;
      if (!this.repeats) return this.deferred();
    }
    if (q.lookups >= MISS_WINDOW) {
      q.lookups = 0;
      q.misses = 0;
    }
    const stream: Label[] = [];
    const meta: Label[] = [];
    const parsed: Label[] = [];
    this.collect(stream, meta, parsed, true);
    const r = this.interner.make(stream, meta, parsed);
    this.interner.cache(key, r);
    return r;
  }

  private deferred(): ResultLabels {
    let stream: readonly Label[] = this.base;
    for (let i = 0; i < this.base.length; i++) {
      const id = this.baseIds[i];
      if (this.sc.delGen[id] === this.sc.gen || this.sc.liveGen[id] === this.sc.gen) {
        stream = this.base.filter((_l, k) => this.sc.delGen[this.baseIds[k]] !== this.sc.gen && this.sc.liveGen[this.baseIds[k]] !== this.sc.gen);
        break;
      }
    }
    const names: string[] = [];
    const values: string[] = [];
    const cats: number[] = [];
    const all = this.names.names;
    for (let i = 0; i < this.entLen; i++) {
      const c = this.entCat[i];
      if (c === DEAD) continue;
      names.push(all[this.entId[i]]);
      values.push(this.val(i));
      cats.push(c);
    }
    if (this.err !== '') {
      names.push(ERROR_LABEL);
      values.push(this.err);
      cats.push(PARSED);
    }
    if (this.errDetails !== '') {
      names.push(ERROR_DETAILS_LABEL);
      values.push(this.errDetails);
      cats.push(PARSED);
    }
    return new DeferredResult(this.interner, stream, names, values, cats);
  }

  /** The labels a sample carries: grouped by the range aggregation (Loki's GroupedLabels). */
  groupedLabels(): ResultLabels {
    if (this.err !== '') return this.labelsResult();
    const g = this.grouping;
    if (g === undefined) return this.labelsResult();
    if (g.noLabels) return EMPTY_RESULT;
    const unchanged = this.liveCount === 0 && this.delCount === 0;
    if (g.labels.length === 0) return unchanged ? this.baseResult : this.labelsResult();
    if (!unchanged && this.groupIds !== undefined && !this.groupTouched(this.groupIds)) {
      // withResult would read the stream labels only: same set as the unchanged case.
      this.baseGroup ??= this.interner.uncategorized(this.base.filter((l) => g.labels.includes(l.name)));
      return this.baseGroup;
    }
    if (unchanged) {
      this.baseGroup ??= this.interner.uncategorized(this.base.filter((l) => g.labels.includes(l.name) !== g.without));
      return this.baseGroup;
    }
    return g.without ? this.withoutResult(g.labels) : this.withResult(g.labels);
  }

  private groupTouched(ids: Int32Array): boolean {
    const sc = this.sc;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (sc.liveGen[id] === sc.gen || sc.delGen[id] === sc.gen) return true;
    }
    return false;
  }

  private withResult(groups: readonly string[]): ResultLabels {
    const out: Label[] = [];
    let key = 'g';
    for (const name of groups) {
      const id = this.names.id(name);
      this.ensure(id);
      if (this.sc.delGen[id] === this.sc.gen) continue;
      const v = this.sc.liveGen[id] === this.sc.gen ? this.val(this.sc.liveIdx[id]) : this.baseMap.get(name);
      if (v === undefined) continue;
      out.push({ name, value: v });
      key += id + ':' + v.length + ':' + v;
    }
    return this.cachedGroup(key, out);
  }

  private withoutResult(groups: readonly string[]): ResultLabels {
    const out: Label[] = [];
    let key = 'w' + this.tag;
    for (let i = 0; i < this.base.length; i++) {
      const id = this.baseIds[i];
      if (this.sc.delGen[id] === this.sc.gen || this.sc.liveGen[id] === this.sc.gen) continue;
      if (groups.includes(this.base[i].name)) continue;
      out.push(this.base[i]);
      key += 'b' + i + ';';
    }
    for (let i = 0; i < this.entLen; i++) {
      if (this.entCat[i] === DEAD) continue;
      const name = this.names.names[this.entId[i]];
      if (groups.includes(name)) continue;
      const v = this.val(i);
      out.push({ name, value: v });
      key += 'e' + this.entId[i] + ':' + v.length + ':' + v;
    }
    return this.cachedGroup(key, out);
  }

  private cachedGroup(key: string, labels: Label[]): ResultLabels {
    const hit = this.interner.cached(key);
    if (hit !== undefined) return hit;
    const r = this.interner.uncategorized(labels);
    this.interner.cache(key, r);
    return r;
  }

  // Parser hints.

  private recordExtracted(id: number): void {
    if (this.sc.extractedGen[id] === this.sc.gen) return;
    this.sc.extractedGen[id] = this.sc.gen;
    if (this.requiredIds.length > 0 && this.requiredIds.includes(id)) this.requiredHit++;
  }

  /** Whether a parser should set this (already renamed) label. */
  shouldExtract(name: string): boolean {
    const id = this.names.id(name);
    this.ensure(id);
    if (this.sc.extractedGen[id] === this.sc.gen) return false;
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
const NO_NAMES: ReadonlySet<string> = new Set();

/** Generation-stamped per-name arrays: a name is set/deleted/extracted in the current entry when its stamp equals gen. */
class Scratch {
  gen = 1;
  liveGen: Int32Array<ArrayBuffer> = new Int32Array(64);
  liveIdx: Int32Array<ArrayBuffer> = new Int32Array(64);
  delGen: Int32Array<ArrayBuffer> = new Int32Array(64);
  extractedGen: Int32Array<ArrayBuffer> = new Int32Array(64);

  next(): void {
    this.gen++;
    if (this.gen === 0x7fffffff) {
      this.gen = 1;
      this.liveGen.fill(0);
      this.delGen.fill(0);
      this.extractedGen.fill(0);
    }
  }

  grow(names: number): void {
    const need = names + 16;
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
}

/** One scratch per name table, i.e. per compiled query. */
const scratches = new WeakMap<NameTable, Scratch>();

function scratchOf(names: NameTable): Scratch {
  let s = scratches.get(names);
  if (s === undefined) {
    s = new Scratch();
    scratches.set(names, s);
  }
  return s;
}
