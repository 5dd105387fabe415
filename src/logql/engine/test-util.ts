/**
 * Test helpers: in-memory streams as SeriesSources, and a small sample extractor standing in for the
 * real pipeline (line filters, a naive logfmt, unwrap of plain numbers).
 */
import { sliceBatchByTime, type EntryBatch } from '../../chunk/batch.js';
import { EMPTY_LABELS, getLabel, labelsFromRecord, labelsToString, sortLabels, type Label, type Labels } from '../../model/labels.js';
import { matchesAll } from '../../model/matcher.js';
import type { ChunkHandle, SeriesSource } from '../../querier/sources.js';
import type { ResultLabels, SampleExtractor, SampleOutput, StreamSampleExtractor } from '../log/types.js';
import { parseQuery, type LabelFilter, type RangeAggregation, type SampleExpr } from '../syntax/index.js';
import { evaluate } from './evaluate.js';
import type { EngineContext, EngineResult, EvalParams } from './types.js';
import { RowTable, type StepVectors } from './vectors.js';

export interface TestEntry {
  readonly ts: bigint;
  readonly line: string;
  readonly metadata?: Record<string, string>;
}

function toBatch(entries: readonly TestEntry[]): EntryBatch {
  const lines = entries.map((e) => Buffer.from(e.line));
  const lineStart = new Uint32Array(entries.length + 1);
  for (let i = 0; i < lines.length; i++) lineStart[i + 1] = lineStart[i] + lines[i].length;
  const anyMeta = entries.some((e) => e.metadata !== undefined);
  return {
    count: entries.length,
    ts: BigInt64Array.from(entries.map((e) => e.ts)),
    lines: Buffer.concat(lines),
    lineStart,
    metadata: anyMeta ? entries.map((e) => (e.metadata ? labelsFromRecord(e.metadata) : EMPTY_LABELS)) : null,
  };
}

/** A stream whose entries (sorted by time) are cut into chunks of `perChunk` entries. */
export function memorySeries(labels: Record<string, string>, entries: readonly TestEntry[], perChunk = 1000): SeriesSource {
  const sorted = [...entries].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const chunks: ChunkHandle[] = [];
  for (let i = 0; i < sorted.length; i += perChunk) {
    const batch = toBatch(sorted.slice(i, i + perChunk));
    chunks.push({
      minTs: batch.ts[0],
      maxTs: batch.ts[batch.count - 1],
      batches: async (from, through) => [sliceBatchByTime(batch, from, through)],
    });
  }
  const l = labelsFromRecord(labels);
  return { labels: l, key: labelsToString(l), chunks };
}

function interner(): (labels: Labels, stream: Labels, metadata: Labels, parsed: Labels) => ResultLabels {
  const cache = new Map<string, ResultLabels>();
  return (all, stream, structuredMetadata, parsed) => {
    const key = labelsToString(all);
    let r = cache.get(key);
    if (r === undefined) cache.set(key, (r = { all, key, stream, structuredMetadata, parsed }));
    return r;
  };
}

/** `a=1 b="x y"` → labels; enough for the lines tests write. */
function naiveLogfmt(line: string): Label[] {
  const out: Label[] = [];
  for (const m of line.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = m[2];
    out.push({ name: m[1], value: raw.startsWith('"') ? unquote(raw) : raw });
  }
  return out;
}

function unquote(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function merge(base: Labels, extra: Labels, suffix: boolean): Label[] {
  const out = [...base];
  for (const l of extra) {
    const name = suffix && base.some((b) => b.name === l.name) ? l.name + '_extracted' : l.name;
    const i = out.findIndex((x) => x.name === name);
    if (i >= 0) out[i] = { name, value: l.value };
    else out.push({ name, value: l.value });
  }
  return sortLabels(out);
}

/** Line filters (|= != |~ !~), `logfmt` and `unwrap x`; anything else is refused. */
export function fakeExtractor(agg: RangeAggregation): SampleExtractor {
  const filters: ((line: string) => boolean)[] = [];
  const stageFilters = filters;
  const labelFilters: LabelCheck[] = [];
  let logfmt = false;
  for (const st of agg.range.selector.pipeline) {
    if (st.kind === 'LineFilter' && st.or.length === 0 && !st.ip) {
      const v = st.value;
      const re = st.op === '|~' || st.op === '!~' ? new RegExp(v) : undefined;
      switch (st.op) {
        case '|=': filters.push((l) => l.includes(v)); break;
        case '!=': filters.push((l) => !l.includes(v)); break;
        case '|~': filters.push((l) => re!.test(l)); break;
        case '!~': filters.push((l) => !re!.test(l)); break;
        default: throw new Error(`fake extractor: unsupported filter ${st.op}`);
      }
    } else if (st.kind === 'LogfmtParser' && st.params.length === 0 && !st.strict && filters.length === stageFilters.length) {
      logfmt = true;
    } else if (st.kind === 'LabelFilter' && logfmt) {
      labelFilters.push(labelFilter(st.filter));
    } else {
      throw new Error(`fake extractor: unsupported stage ${st.kind}`);
    }
  }
  const unwrap = agg.range.unwrap;
  if (unwrap && unwrap.conversion !== undefined) throw new Error('fake extractor: unsupported unwrap');
  const postFilters = (unwrap?.postFilters ?? []).map(labelFilter);
  const bytes = agg.op === 'bytes_over_time' || agg.op === 'bytes_rate';
  return {
    forStream(stream: Labels): StreamSampleExtractor {
      const intern = interner();
      return {
        process(_ts: bigint, lineBuf: Buffer, metadata: Labels, out: SampleOutput): boolean {
          const line = lineBuf.toString('utf8');
          for (const f of filters) if (!f(line)) return false;
          const parsed = logfmt ? naiveLogfmt(line) : [];
          let all = merge(merge(stream, metadata, false), parsed, true);
          let value = bytes ? lineBuf.length : 1;
          let errParsed: Label[] = parsed;
          for (const f of labelFilters) {
            const r = f(all);
            if (r === false) return false;
            if (r !== true) { all = merge(all, r, false); errParsed = [...errParsed, ...r]; }
          }
          if (unwrap) {
            const raw = getLabel(all, unwrap.label);
            if (raw === undefined || raw === '') return false;
            value = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : NaN;
            if (Number.isNaN(value)) {
              // A failed conversion keeps the label and adds the error, as Loki.
              const err = [{ name: '__error__', value: 'SampleExtractionErr' }, { name: '__error_details__', value: `strconv.ParseFloat: parsing "${raw}": invalid syntax` }];
              all = merge(all, err, false);
              errParsed = [...parsed, ...err];
              value = 0;
            }
            for (const f of postFilters) if (f(all) === false) return false;
            if (!Number.isNaN(value) && getLabel(all, '__error__') === undefined) all = all.filter((l) => l.name !== unwrap.label);
          }
          out.value = value;
          out.labels = intern(all, stream, metadata, sortLabels([...errParsed]));
          return true;
        },
      };
    },
  };
}

/** True, false, or the error labels a failed conversion adds (the sample is kept, as in Loki). */
type LabelCheck = (labels: Labels) => boolean | Label[];

/** String matchers and number comparisons; `and`/`or` and typed filters are refused. */
function labelFilter(f: LabelFilter): LabelCheck {
  if (f.kind === 'StringFilter') return (labels) => f.matcher.matchesLabels(labels);
  if (f.kind !== 'NumberFilter') throw new Error(`fake extractor: unsupported label filter ${f.kind}`);
  return (labels) => {
    if (getLabel(labels, '__error__') !== undefined) return true;
    const raw = getLabel(labels, f.name);
    if (raw === undefined) return false;
    const v = Number(raw);
    if (raw.trim() === '' || Number.isNaN(v)) {
      return [{ name: '__error__', value: 'LabelFilterErr' }, { name: '__error_details__', value: `strconv.ParseFloat: parsing ${JSON.stringify(raw)}: invalid syntax` }];
    }
    switch (f.op) {
      case '==': return v === f.value;
      case '!=': return v !== f.value;
      case '>': return v > f.value;
      case '>=': return v >= f.value;
      case '<': return v < f.value;
      case '<=': return v <= f.value;
    }
  };
}

export interface TestContextOptions {
  maxSeries?: number;
  signal?: AbortSignal;
  extractor?: (agg: RangeAggregation) => SampleExtractor;
}

export function memoryContext(series: readonly SeriesSource[], opts: TestContextOptions = {}): EngineContext {
  return {
    async selectSeries(matchers, from, through) {
      return series.filter((s) => matchesAll(matchers, s.labels) && s.chunks.some((c) => c.minTs < through && c.maxTs >= from));
    },
    compileExtractor: opts.extractor ?? fakeExtractor,
    maxSeries: opts.maxSeries ?? 10_000,
    signal: opts.signal,
  };
}

/** Seconds → ns. */
export const sec = (s: number): bigint => BigInt(Math.round(s * 1e6)) * 1000n;

export function query(q: string): SampleExpr {
  const e = parseQuery(q);
  if (e.kind === 'LogSelector') throw new Error('not a metric query');
  return e;
}

export function runRange(series: readonly SeriesSource[], q: string, startS: number, endS: number, stepS: number, opts?: TestContextOptions & Partial<EvalParams>): Promise<EngineResult> {
  return evaluate(query(q), { start: sec(startS), end: sec(endS), stepMs: stepS * 1000, instant: false, alignSteps: opts?.alignSteps }, memoryContext(series, opts));
}

export function runInstant(series: readonly SeriesSource[], q: string, atS: number, opts?: TestContextOptions): Promise<EngineResult> {
  return evaluate(query(q), { start: sec(atS), end: sec(atS), stepMs: 0, instant: true }, memoryContext(series, opts));
}

/** A matrix as {labels key → [[seconds, value]]}, for compact assertions. */
export function matrixOf(r: EngineResult): Record<string, [number, number][]> {
  if (r.type !== 'matrix') throw new Error(`expected a matrix, got ${r.type}`);
  const out: Record<string, [number, number][]> = {};
  for (const s of r.series) out[s.key] = s.timestampsMs.map((t, i) => [t / 1000, s.values[i]]);
  return out;
}

export function vectorOf(r: EngineResult): [string, number][] {
  if (r.type !== 'vector') throw new Error(`expected a vector, got ${r.type}`);
  return r.samples.map((s) => [s.key, s.value]);
}

/** Step vectors from literal samples: one array of [labels, value] per step. */
export function stepVectors(steps: [Record<string, string>, number][][]): StepVectors {
  const table = new RowTable();
  return {
    table,
    steps: steps.map((samples) => ({ rows: samples.map(([l]) => table.intern(labelsFromRecord(l))), values: samples.map(([, v]) => v) })),
  };
}

/** Step vectors back to [labels key, value] per step. */
export function samplesOf(v: StepVectors): [string, number][][] {
  return v.steps.map((s) => s.rows.map((r, i): [string, number] => [v.table.rows[r].key, s.values[i]]));
}
