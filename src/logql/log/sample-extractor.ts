/**
 * compileSampleExtractor: how a range aggregation turns entries into numbers, with the
 * labels each sample carries. Loki pushes an enclosing `sum by (…)` into the extractor
 * (injectedGrouping); the grouping also decides the parser hints, which decide which
 * labels and which parse errors exist at all.
 */
import type { Labels } from '../../model/labels.js';
import type { Grouping as AstGrouping, RangeAggregation, RangeOp, VectorAggregation } from '../syntax/index.js';
import {
  BytesError, DurationError, NumError, parseBytes, parseFloat64, parseGoDuration, withoutUselessLineFormat,
} from '../syntax/index.js';
import { compileStages, requiredLabelNames } from './compile.js';
import { fastDuration, fastDurationBytes, simpleIntBytes } from './fast-duration.js';
import { ParserHints } from './hints.js';
import { compileLabelFilter, type LabelTest } from './label-filter.js';
import { LabelsBuilder, type Grouping } from './labels-builder.js';
import { ERR_SAMPLE_EXTRACTION, NameTable } from './names.js';
import { EMPTY_RESULT, ResultInterner } from './result-labels.js';
import type { Stage } from './stage.js';
import type { SampleExtractor, SampleOutput, StreamSampleExtractor } from './types.js';

export interface ExtractorOptions {
  /** Grouping of an enclosing `sum`, pushed down as Loki does (see injectedGrouping). */
  readonly grouping?: AstGrouping;
}

const INJECTABLE: ReadonlySet<RangeOp> = new Set(['bytes_over_time', 'bytes_rate', 'count_over_time', 'rate', 'sum_over_time']);

/**
 * The grouping Loki pushes from `vec` into its range aggregation (canInjectVectorGrouping):
 * only `sum` over count/rate/bytes/sum_over_time without its own grouping. `sum(x)` pushes an
 * empty grouping, which drops every label (and parse errors with them).
 */
export function injectedGrouping(vec: VectorAggregation): AstGrouping | undefined {
  if (vec.op !== 'sum' || vec.expr.kind !== 'RangeAggregation') return undefined;
  const r = vec.expr;
  if (!INJECTABLE.has(r.op) || r.grouping !== undefined) return undefined;
  return vec.grouping ?? { without: false, labels: [] };
}

type Conversion = (v: string) => number;
/** A conversion straight from ASCII bytes, undefined when the string path is needed. */
type BytesConversion = (d: Uint8Array, s: number, e: number) => number | undefined;

/** Seconds of a duration in exact integer nanoseconds, as the bigint formula below computes them. */
function durationSeconds(f: number): number {
  // r and the quotient carry the sign of f, as bigint / and % do.
  const r = f % 1e9;
  return (f - r) / 1e9 + r / 1e9;
}

function bytesConversion(kind: 'bytes' | 'duration' | 'duration_seconds' | undefined): BytesConversion | undefined {
  switch (kind) {
    case 'bytes': return undefined;
    case 'duration': case 'duration_seconds':
      return (d, s, e) => {
        const f = fastDurationBytes(d, s, e);
        return f === undefined ? undefined : durationSeconds(f);
      };
    default: return simpleIntBytes;
  }
}

/** Loki's convertFloat / convertDuration / convertBytes; throws the Go error text. */
function conversion(kind: 'bytes' | 'duration' | 'duration_seconds' | undefined): Conversion {
  switch (kind) {
    case 'bytes': return (v) => Number(parseBytes(v));
    case 'duration': case 'duration_seconds':
      return (v) => {
        const f = fastDuration(v);
        if (f !== undefined) return durationSeconds(f);
        const d = parseGoDuration(v);
        return Number(d / 1_000_000_000n) + Number(d % 1_000_000_000n) / 1e9;
      };
    default: return parseFloat64;
  }
}

function isConversionError(e: unknown): e is Error {
  return e instanceof NumError || e instanceof DurationError || e instanceof BytesError;
}

class LineStream implements StreamSampleExtractor {
  constructor(private readonly stages: readonly Stage[], private readonly b: LabelsBuilder, private readonly bytes: boolean) {}

  process(ts: bigint, line: Buffer, metadata: Labels, out: SampleOutput): boolean {
    const b = this.b;
    b.reset();
    if (metadata.length > 0) b.addMetadata(metadata);
    let l = line;
    for (let i = 0; i < this.stages.length; i++) {
      const r = this.stages[i].process(ts, l, b);
      if (r === null) return false;
      l = r;
    }
    out.value = this.bytes ? l.length : 1;
    out.labels = b.groupedLabels();
    return true;
  }
}

class UnwrapStream implements StreamSampleExtractor {
  private readonly labelId: number;

  constructor(
    private readonly stages: readonly Stage[], private readonly b: LabelsBuilder, label: string,
    private readonly convert: Conversion, private readonly post: LabelTest | undefined,
    private readonly bytes: BytesConversion | undefined,
  ) {
    this.labelId = b.names.id(label);
  }

  process(ts: bigint, line: Buffer, metadata: Labels, out: SampleOutput): boolean {
    const b = this.b;
    b.reset();
    if (metadata.length > 0) b.addMetadata(metadata);
    let l = line;
    for (let i = 0; i < this.stages.length; i++) {
      const r = this.stages[i].process(ts, l, b);
      if (r === null) return false;
      l = r;
    }
    let v: number | undefined;
    if (this.bytes !== undefined && b.rangeOf(this.labelId)) v = this.bytes(b.rangeLine, b.rangeStart, b.rangeEnd);
    if (v === undefined) v = this.fromString(b);
    if (v === undefined) return false;
    if (this.post !== undefined && !this.post.test(b)) return false;
    out.value = v;
    out.labels = b.groupedLabels();
    return true;
  }

  /** The value through the string conversion (errors become SampleExtractionErr); undefined: no sample. */
  private fromString(b: LabelsBuilder): number | undefined {
    const s = b.getId(this.labelId) ?? '';
    // A missing or empty value is no sample, not an error.
    if (s === '') return undefined;
    let v: number;
    try {
      v = this.convert(s);
    } catch (e) {
      if (!isConversionError(e)) throw e;
      // ParseFloat reports ±Inf with its range error.
      const inf = (e as { value?: number }).value;
      v = typeof inf === 'number' ? inf : 0;
      b.err = ERR_SAMPLE_EXTRACTION;
      b.errDetails = e.message;
    }
    return v;
  }
}

class Extractor implements SampleExtractor {
  private readonly names = new NameTable();
  private readonly interner = new ResultInterner();

  constructor(
    private readonly stages: readonly Stage[], private readonly hints: ParserHints, private readonly grouping: Grouping | undefined,
    private readonly make: (stages: readonly Stage[], b: LabelsBuilder) => StreamSampleExtractor,
  ) {}

  forStream(streamLabels: Labels): StreamSampleExtractor {
    return this.make(this.stages, new LabelsBuilder(this.names, streamLabels, this.hints, this.interner, this.grouping));
  }
}

/** Compiles the sample extraction of a range aggregation. */
export function compileSampleExtractor(agg: RangeAggregation, options: ExtractorOptions = {}): SampleExtractor {
  const ast = agg.op === 'bytes_over_time' || agg.op === 'bytes_rate'
    ? agg.range.selector.pipeline
    : withoutUselessLineFormat(agg.range.selector.pipeline);
  const stages = compileStages(ast);
  let groups: string[] = [];
  let without = false;
  let noLabels = false;
  for (const g of [agg.grouping, options.grouping]) {
    if (g === undefined) continue;
    groups = [...g.labels];
    without = g.without;
    noLabels = groups.length === 0;
  }
  const unwrap = agg.range.unwrap;
  if (unwrap === undefined) {
    const hints = ParserHints.forMetric(requiredLabelNames(stages), groups, without, noLabels, '', stages);
    const grouping: Grouping = { labels: groups, without, noLabels };
    const bytes = agg.op === 'bytes_over_time' || agg.op === 'bytes_rate';
    return new Extractor(stages, hints, grouping, (s, b) => new LineStream(s, b, bytes));
  }
  const label = unwrap.label;
  if (groups.length === 0 || without) {
    without = true;
    groups = [...groups, label].sort();
  }
  let post: LabelTest | undefined;
  for (const f of unwrap.postFilters) {
    const t = compileLabelFilter(f);
    post = post === undefined ? t : andTests(post, t);
  }
  const postStage: Stage[] = post === undefined
    ? []
    : [{
      process: (_ts, line, lbs) => ((post as LabelTest).test(lbs) ? line : null),
      requiredLabelNames: () => (post as LabelTest).names,
      hintFilter: unwrap.postFilters.length === 1 && post.names.length === 1 && !isBinary(unwrap.postFilters[0]) ? { name: post.names[0] } : undefined,
    }];
  const hints = ParserHints.forMetric(
    [...requiredLabelNames(stages), ...(post?.names ?? [])], groups, without, noLabels, label, [...stages, ...postStage],
  );
  const grouping: Grouping = { labels: groups, without, noLabels };
  const convert = conversion(unwrap.conversion);
  const bytes = bytesConversion(unwrap.conversion);
  return new Extractor(stages, hints, grouping, (s, b) => new UnwrapStream(s, b, label, convert, post, bytes));
}

function isBinary(f: { kind: string }): boolean {
  return f.kind === 'AndFilter' || f.kind === 'OrFilter';
}

function andTests(l: LabelTest, r: LabelTest): LabelTest {
  return {
    names: [...new Set([...l.names, ...r.names])],
    noop: false,
    test: (lbs) => {
      const a = l.test(lbs);
      const b = r.test(lbs);
      return a && b;
    },
  };
}

/** An output slot for StreamSampleExtractor.process (reused across calls). */
export function newSampleOutput(): SampleOutput {
  return { value: 0, labels: EMPTY_RESULT };
}
