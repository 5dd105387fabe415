/** compileLogPipeline: the stages of a log query, compiled once, run per stream. */
import type { Labels } from '../../model/labels.js';
import type { LogSelector } from '../syntax/index.js';
import { compileStages } from './compile.js';
import { ParserHints } from './hints.js';
import { LabelsBuilder } from './labels-builder.js';
import { NameTable } from './names.js';
import { EMPTY_RESULT, ResultInterner } from './result-labels.js';
import type { Stage } from './stage.js';
import type { LogPipeline, PipelineOutput, StreamPipeline } from './types.js';

class StreamPipelineImpl implements StreamPipeline {
  constructor(private readonly stages: readonly Stage[], private readonly b: LabelsBuilder) {}

  process(ts: bigint, line: Buffer, metadata: Labels, out: PipelineOutput): boolean {
    const b = this.b;
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

  constructor(private readonly stages: readonly Stage[]) {
    this.noop = stages.length === 0;
  }

  forStream(streamLabels: Labels): StreamPipeline {
    const b = new LabelsBuilder(this.names, streamLabels, ParserHints.NONE, this.interner);
    return this.noop ? new NoopStreamPipeline(b) : new StreamPipelineImpl(this.stages, b);
  }
}

/** Compiles a log query's pipeline. Throws on invalid regexes or templates (validate first for Loki's errors). */
export function compileLogPipeline(selector: LogSelector): LogPipeline {
  return new Pipeline(compileStages(selector.pipeline));
}

/** An output slot for StreamPipeline.process (reused across calls). */
export function newPipelineOutput(): PipelineOutput {
  return { line: Buffer.alloc(0), labels: EMPTY_RESULT };
}
