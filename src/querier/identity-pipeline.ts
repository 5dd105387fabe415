import type { LogPipeline, PipelineOutput, ResultLabels, StreamPipeline } from '../logql/log/types.js';
import { EMPTY_LABELS, labelsToString, type Labels } from '../model/labels.js';
import { mergeMetadata } from './querier.js';

/** Result labels of a stream whose entries carry no structured metadata. */
export function plainResultLabels(stream: Labels, key = labelsToString(stream)): ResultLabels {
  return { all: stream, key, stream, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS };
}

/** The pipeline of a bare selector: lines unchanged, labels = stream labels + structured metadata. */
class IdentityStreamPipeline implements StreamPipeline {
  private readonly plain: ResultLabels;
  private readonly byMetadata = new Map<string, ResultLabels>();

  constructor(private readonly stream: Labels) {
    this.plain = plainResultLabels(stream);
  }

  process(_ts: bigint, line: Buffer, metadata: Labels, out: PipelineOutput): boolean {
    out.line = line;
    if (metadata.length === 0) {
      out.labels = this.plain;
      return true;
    }
    const mkey = labelsToString(metadata);
    let labels = this.byMetadata.get(mkey);
    if (!labels) {
      const all = mergeMetadata(this.stream, metadata);
      labels = { all, key: labelsToString(all), stream: this.stream, structuredMetadata: metadata, parsed: EMPTY_LABELS };
      this.byMetadata.set(mkey, labels);
    }
    out.labels = labels;
    return true;
  }
}

export const IDENTITY_PIPELINE: LogPipeline = {
  noop: true,
  forStream: (labels) => new IdentityStreamPipeline(labels),
};
