import type { PipelineOutput, ResultLabels, StreamPipeline } from '../logql/log/types.js';
import { EMPTY_LABELS } from '../model/labels.js';
import type { Nanos } from '../model/time.js';
import type { SeriesCursor } from './series-cursor.js';

/** An entry of a log query result: the line after the pipeline and its result labels. */
export interface QueryEntry {
  readonly ts: Nanos;
  readonly line: Buffer;
  readonly labels: ResultLabels;
}

/** A series cursor with the query's pipeline applied: yields only entries the pipeline keeps. */
export class LogCursor {
  private entry: QueryEntry | undefined;
  private readonly out: PipelineOutput = { line: Buffer.alloc(0), labels: { all: EMPTY_LABELS, key: '{}', stream: EMPTY_LABELS, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS } };

  constructor(readonly inner: SeriesCursor, private readonly pipeline: StreamPipeline) {}

  get current(): QueryEntry {
    return this.entry!;
  }

  get seriesKey(): string {
    return this.inner.series.key;
  }

  /** Loads the next cluster holding an entry that passes the pipeline; false when none is left. */
  async load(): Promise<boolean> {
    while (await this.inner.load()) if (this.seek()) return true;
    return false;
  }

  /** Next passing entry in the loaded cluster; false when the cluster ran out (call load()). */
  advance(): boolean {
    return this.inner.advance() && this.seek();
  }

  private seek(): boolean {
    while (true) {
      const e = this.inner.current;
      if (this.pipeline.process(e.ts, e.line, e.metadata, this.out)) {
        this.entry = { ts: e.ts, line: this.out.line, labels: this.out.labels };
        return true;
      }
      if (!this.inner.advance()) return false;
    }
  }
}
