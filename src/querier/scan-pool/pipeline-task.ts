/**
 * The pipeline part of a scan job, run in a worker: the query's log pipeline (or sample
 * extractor) compiled here from its syntax tree, run over each block's entries. Only what it
 * keeps goes back: entry indices for log queries (the reader runs the pipeline again on just
 * those, for their labels and lines), or the samples themselves for metric queries.
 */
import { entryMetadata } from '../../chunk/batch.js';
import { compileLogPipeline, compileSampleExtractor, newPipelineOutput, newSampleOutput } from '../../logql/log/index.js';
import type { ResultLabels, StreamPipeline, StreamSampleExtractor } from '../../logql/log/types.js';
import type { LogSelector, RangeAggregation } from '../../logql/syntax/index.js';
import { fromWire } from '../../logql/syntax/wire.js';
import { EMPTY_LABELS, labelsToString, type Labels } from '../../model/labels.js';
import { BlockScratch } from '../block-decoder.js';
import { LiteralScan, requiredLiterals } from '../line-prefilter.js';
import type { ChunkEncoding } from '../../config/types.js';
import type { PipelineReply, PipelineSpec, PipelineTask } from './protocol.js';

/** Runs one entry: true when kept (for samples, `value` and `labels` of the sample are set). */
type EntryFn = (ts: bigint, line: Buffer, metadata: Labels) => boolean;

interface Compiled {
  readonly spec: PipelineSpec;
  readonly scan: LiteralScan | undefined;
  readonly forStream: (labels: Labels) => EntryFn;
  /** Per-stream pipelines, by label string: they keep per-stream caches across jobs. */
  readonly streams: Map<string, EntryFn>;
  /** The last sample's value and labels (samples only). */
  readonly sample: { value: number; labels: ResultLabels };
}

function compile(spec: PipelineSpec): Compiled {
  const sample = newSampleOutput();
  if (spec.kind === 'filter') {
    const selector = fromWire<LogSelector>(spec.selector);
    const pipeline = compileLogPipeline(selector);
    const out = newPipelineOutput();
    const literals = requiredLiterals(selector.pipeline);
    return {
      spec, sample, streams: new Map(), scan: literals.length > 0 ? new LiteralScan(literals) : undefined,
      forStream: (labels) => {
        const p: StreamPipeline = pipeline.forStream(labels);
        return (ts, line, md) => p.process(ts, line, md, out);
      },
    };
  }
  const agg = fromWire<RangeAggregation>(spec.aggregation);
  const extractor = compileSampleExtractor(agg);
  const literals = requiredLiterals(agg.range.selector.pipeline);
  return {
    spec, sample, streams: new Map(), scan: literals.length > 0 ? new LiteralScan(literals) : undefined,
    forStream: (labels) => {
      const x: StreamSampleExtractor = extractor.forStream(labels);
      return (ts, line, md) => x.process(ts, line, md, sample);
    },
  };
}

/** Growable packed output of one job. */
class Packed {
  index = new Uint32Array(1024);
  rel = new Float64Array(0);
  value = new Float64Array(0);
  series = new Int32Array(0);
  n = 0;
  private readonly ids = new Map<ResultLabels, number>();
  private readonly byKey = new Map<string, number>();
  readonly labels: { key: string; all: Labels }[] = [];

  constructor(readonly samples: boolean) {
    if (samples) {
      this.rel = new Float64Array(1024);
      this.value = new Float64Array(1024);
      this.series = new Int32Array(1024);
    }
  }

  push(i: number): void {
    if (this.n === this.index.length) this.grow();
    this.index[this.n++] = i;
  }

  pushSample(i: number, rel: number, value: number, labels: ResultLabels): void {
    if (this.n === this.index.length) this.grow();
    this.index[this.n] = i;
    this.rel[this.n] = rel;
    this.value[this.n] = value;
    this.series[this.n] = this.labelId(labels);
    this.n++;
  }

  private labelId(r: ResultLabels): number {
    let id = this.ids.get(r);
    if (id !== undefined) return id;
    id = this.byKey.get(r.key);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push({ key: r.key, all: r.all });
      this.byKey.set(r.key, id);
    }
    this.ids.set(r, id);
    return id;
  }

  private grow(): void {
    const cap = this.index.length * 2;
    const index = new Uint32Array(cap);
    index.set(this.index);
    this.index = index;
    if (!this.samples) return;
    const rel = new Float64Array(cap);
    rel.set(this.rel);
    this.rel = rel;
    const value = new Float64Array(cap);
    value.set(this.value);
    this.value = value;
    const series = new Int32Array(cap);
    series.set(this.series);
    this.series = series;
  }
}

/** A job's pipeline run: blocks are handed over one by one as the worker decompresses them. */
export class PipelineRun {
  private readonly c: Compiled;
  private readonly out: Packed;
  private readonly start: Int32Array<ArrayBuffer>;
  private readonly scratch: BlockScratch;
  private cand = new Uint32Array(1024);

  constructor(private readonly task: PipelineTask, blocks: number, compiled: Map<string, Compiled>, scratch: BlockScratch) {
    let c = compiled.get(task.spec.key);
    if (c === undefined) {
      // A worker serves one query at a time mostly; a few specs cover queries interleaving.
      if (compiled.size >= 16) compiled.clear();
      compiled.set(task.spec.key, (c = compile(task.spec)));
    }
    this.c = c;
    this.out = new Packed(task.spec.kind === 'samples');
    this.start = new Int32Array(blocks + 1);
    this.scratch = scratch;
  }

  /** Whether the pipeline's line filters have literals to search blocks for (then block() does). */
  get searches(): boolean {
    return this.c.scan !== undefined;
  }

  /**
   * Runs block i (its stored bytes `data`, its decompressed `lines`); returns how many entries
   * it kept. Blocks come in order; a block skipped (failed) is never passed.
   */
  block(i: number, encoding: ChunkEncoding, data: Buffer, rawLength: number, lines: Buffer): number {
    const t = this.task;
    const first = this.out.n;
    const scan = this.c.scan;
    // The literal the candidates are searched by, over the whole block first: a block without it
    // has no candidate, and its head is never decoded.
    const hit = scan?.blockLiteral().indexOf(lines);
    if (hit === -1) return 0;
    const minTs = t.blockTimes[2 * i];
    const maxTs = t.blockTimes[2 * i + 1];
    const b = this.scratch.decodeWithLines(encoding, data, { minTs, maxTs, rawLength, linesSize: lines.length }, lines, minTs, maxTs + 1n);
    const run = this.entryFn(t.streams[t.blockStream[i]]);
    let n = b.count;
    let idx: Uint32Array | undefined;
    if (scan !== undefined) {
      if (this.cand.length < b.count) this.cand = new Uint32Array(Math.max(b.count, 2 * this.cand.length));
      n = scan.candidates(b, this.cand, hit);
      idx = this.cand;
    }
    // Candidates are a few of the block's entries: their metadata alone is decoded.
    const md = idx === undefined ? b.metadata : undefined;
    const samples = this.out.samples;
    const sample = this.c.sample;
    const base = t.base;
    for (let c = 0; c < n; c++) {
      const e = idx === undefined ? c : idx[c];
      const ts = b.ts[e];
      if (!run(ts, b.lines.subarray(b.lineStart[e], b.lineStart[e + 1]), md === undefined ? entryMetadata(b, e) : md === null ? EMPTY_LABELS : md[e])) continue;
      if (samples) this.out.pushSample(e, Number(ts - base), sample.value, sample.labels);
      else this.out.push(e);
    }
    return this.out.n - first;
  }

  /** Ends block i's part (whether it ran or not). */
  close(i: number): void {
    this.start[i + 1] = this.out.n;
  }

  /** Drops what block i kept so far (it failed midway: the reader runs it). */
  discard(i: number): void {
    this.out.n = this.start[i];
  }

  reply(): PipelineReply {
    const o = this.out;
    const n = o.n;
    return {
      start: this.start,
      index: o.index.slice(0, n),
      rel: o.rel.slice(0, o.samples ? n : 0),
      value: o.value.slice(0, o.samples ? n : 0),
      series: o.series.slice(0, o.samples ? n : 0),
      labels: o.labels,
    };
  }

  private entryFn(labels: Labels): EntryFn {
    const key = labelsToString(labels);
    let fn = this.c.streams.get(key);
    if (fn === undefined) {
      if (this.c.streams.size >= 4096) this.c.streams.clear();
      this.c.streams.set(key, (fn = this.c.forStream(labels)));
    }
    return fn;
  }
}

export type { Compiled };
