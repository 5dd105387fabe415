/** compileLogPipeline: the stages of a log query, compiled once, run per stream. */
import { getLabel, type Labels } from '../../model/labels.js';
import type { LogSelector } from '../syntax/index.js';
import { compileStages } from './compile.js';
import { ParserHints } from './hints.js';
import { LabelsBuilder } from './labels-builder.js';
import { logfmtValueMayPass } from './logfmt-parser.js';
import { NameTable } from './names.js';
import { EMPTY_RESULT, ResultInterner } from './result-labels.js';
import type { Stage } from './stage.js';
import type { LogPipeline, PipelineOutput, StreamPipeline } from './types.js';

/** Probe statistics are judged every PROBE_WINDOW probes of the query… */
const PROBE_WINDOW = 1024;
/** …and when most passed, the query stops probing for this many entries. */
const PROBE_PAUSE = 16384;

/**
 * The probe of a log pipeline: its leading line filters, json/logfmt parsers and label
 * filters, run first with the parsers storing only the labels those filters read. Most
 * entries of `| json | status >= 500` are dropped there without building their other
 * labels; a kept entry runs the whole pipeline again. The parsers still walk every key and
 * make the same key decisions in both modes, so their per-stream caches, errors and
 * duplicate-key handling do not depend on whether an entry was probed.
 */
interface Probe {
  readonly length: number;
  readonly names: ReadonlySet<string>;
  readonly screen: Screen | undefined;
  /** Pass statistics over all streams of the query (a stream alone may see too few entries). */
  probed: number;
  passed: number;
  pause: number;
}

function probeOf(stages: readonly Stage[]): Probe | undefined {
  let parser = false;
  let length = 0;
  for (let i = 0; i < stages.length; i++) {
    const k = stages[i].probe;
    if (k === undefined) break;
    if (k === 'parser') parser = true;
    else if (k === 'label' && parser) length = i + 1;
  }
  if (length === 0) return undefined;
  const names = new Set<string>();
  for (let i = 0; i < length; i++) if (stages[i].probe === 'label') for (const n of stages[i].requiredLabelNames()) names.add(n);
  return { length, names, screen: screenOf(stages), probed: 0, passed: 0, pause: 0 };
}

/**
 * The screen of `[line filters] | logfmt | <name> <op> <value> …`: an entry passes that label
 * filter only if some `name=` in its line is followed by a value the filter keeps (the label's
 * final value is one of them, or it is missing and the filter drops the entry). A line where every
 * occurrence's value is simple and dropped is dropped without parsing it; any other line goes
 * through the probe. Valid only when nothing else can set the label or an error: no stage before
 * the parser but line filters, a name no other key sanitizes to (letters and digits), not a stream
 * label (the key would become name_extracted) and not in the entry's structured metadata.
 */
interface Screen {
  readonly name: string;
  /** `name=` as bytes. */
  readonly key: Buffer;
  readonly test: (d: Uint8Array, s: number, e: number) => boolean | undefined;
}

function screenOf(stages: readonly Stage[]): Screen | undefined {
  let i = 0;
  while (i < stages.length && stages[i].probe === 'filter') i++;
  const parser = stages[i];
  const filter = stages[i + 1];
  if (parser?.screenable !== true || filter?.screen === undefined) return undefined;
  const { name, test } = filter.screen;
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return undefined;
  return { name, key: Buffer.from(name + '=', 'latin1'), test };
}

class StreamPipelineImpl implements StreamPipeline {
  private readonly screen: Screen | undefined;

  constructor(private readonly stages: readonly Stage[], private readonly b: LabelsBuilder, private readonly probe: Probe | undefined) {
    if (probe !== undefined) b.probeNames = probe.names;
    const screen = probe?.screen;
    this.screen = screen !== undefined && !b.baseHas(screen.name) ? screen : undefined;
  }

  process(ts: bigint, line: Buffer, metadata: Labels, out: PipelineOutput): boolean {
    const b = this.b;
    const probe = this.probe;
    if (probe !== undefined) {
      if (probe.pause > 0) probe.pause--;
      else if (!this.runProbe(probe, ts, line, metadata)) return false;
    }
    b.reset();
    if (metadata.length > 0) b.addMetadata(metadata);
    let l = line;
    const stages = this.stages;
    for (let i = 0; i < stages.length; i++) {
      const r = stages[i].process(ts, l, b);
      if (r === null) return false;
      l = r;
    }
    out.line = l;
    out.labels = b.labelsResult();
    return true;
  }

  /** False when the probe drops the entry. */
  private runProbe(probe: Probe, ts: bigint, line: Buffer, metadata: Labels): boolean {
    const screen = this.screen;
    if (screen !== undefined && getLabel(metadata, screen.name) === undefined && !logfmtValueMayPass(line, screen.key, screen.test)) {
      this.count(probe, false);
      return false;
    }
    const b = this.b;
    b.reset();
    if (metadata.length > 0) b.addMetadata(metadata);
    b.probing = true;
    let l = line;
    let pass = true;
    const stages = this.stages;
    for (let i = 0; i < probe.length; i++) {
      const r = stages[i].process(ts, l, b);
      if (r === null) {
        pass = false;
        break;
      }
      l = r;
    }
    b.probing = false;
    this.count(probe, pass);
    return pass;
  }

  private count(probe: Probe, pass: boolean): void {
    if (pass) probe.passed++;
    if (++probe.probed === PROBE_WINDOW) {
      // Entries that pass pay for two runs: when most pass, probing costs more than it saves.
      if (probe.passed * 2 > probe.probed) probe.pause = PROBE_PAUSE;
      probe.probed = 0;
      probe.passed = 0;
    }
  }
}

/** No stages: the line passes; labels are the stream's plus the entry's metadata. */
class NoopStreamPipeline implements StreamPipeline {
  constructor(private readonly b: LabelsBuilder) {}

  process(_ts: bigint, line: Buffer, metadata: Labels, out: PipelineOutput): boolean {
    out.line = line;
    if (metadata.length === 0) {
      out.labels = this.b.baseResult;
      return true;
    }
    this.b.reset();
    this.b.addMetadata(metadata);
    out.labels = this.b.labelsResult();
    return true;
  }
}

class Pipeline implements LogPipeline {
  readonly noop: boolean;
  private readonly names = new NameTable();
  private readonly interner = new ResultInterner();
  private readonly probe: Probe | undefined;

  constructor(private readonly stages: readonly Stage[], probe: boolean) {
    this.noop = stages.length === 0;
    this.probe = probe ? probeOf(stages) : undefined;
  }

  forStream(streamLabels: Labels): StreamPipeline {
    const b = new LabelsBuilder(this.names, streamLabels, ParserHints.NONE, this.interner);
    return this.noop ? new NoopStreamPipeline(b) : new StreamPipelineImpl(this.stages, b, this.probe);
  }
}

/** Compiles a log query's pipeline. Throws on invalid regexes or templates (validate first for Loki's errors). */
export function compileLogPipeline(selector: LogSelector, options: LogPipelineOptions = {}): LogPipeline {
  return new Pipeline(compileStages(selector.pipeline), options.probe ?? true);
}

export interface LogPipelineOptions {
  /** Run the probe (default true); off gives the reference behaviour in tests. */
  readonly probe?: boolean;
}

/** An output slot for StreamPipeline.process (reused across calls). */
export function newPipelineOutput(): PipelineOutput {
  return { line: Buffer.alloc(0), labels: EMPTY_RESULT };
}
