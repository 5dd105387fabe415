import { compileLogPipeline } from '../../logql/log/index.js';
import type { PipelineOutput, StreamPipeline } from '../../logql/log/types.js';
import type { LogSelector } from '../../logql/syntax/index.js';
import { EMPTY_LABELS, type Labels } from '../../model/labels.js';
import type { LineParser, ParsedLine } from './detected-fields.js';

const JSON_ONLY: LogSelector = { kind: 'LogSelector', matchers: [], pipeline: [{ kind: 'JsonParser', params: [] }] };
const LOGFMT_ONLY: LogSelector = { kind: 'LogSelector', matchers: [], pipeline: [{ kind: 'LogfmtParser', strict: false, keepEmpty: false, params: [] }] };

/**
 * Loki's detected-fields line parsing: `| json`, and when that fails `| logfmt`, run against
 * the entry's stream labels. One instance per request; stream pipelines are cached per stream.
 */
export class LineParsers implements LineParser {
  private readonly json = compileLogPipeline(JSON_ONLY);
  private readonly logfmt = compileLogPipeline(LOGFMT_ONLY);
  private readonly perStream = new Map<string, { json: StreamPipeline; logfmt: StreamPipeline }>();
  private readonly out: PipelineOutput = { line: Buffer.alloc(0), labels: { all: EMPTY_LABELS, key: '{}', stream: EMPTY_LABELS, structuredMetadata: EMPTY_LABELS, parsed: EMPTY_LABELS } };

  parse(streamKey: string, stream: Labels, line: Buffer): ParsedLine {
    let p = this.perStream.get(streamKey);
    if (!p) this.perStream.set(streamKey, (p = { json: this.json.forStream(stream), logfmt: this.logfmt.forStream(stream) }));
    const viaJson = this.run(p.json, line);
    if (viaJson) return { parser: 'json', labels: viaJson };
    const viaLogfmt = this.run(p.logfmt, line);
    if (viaLogfmt) return { parser: 'logfmt', labels: viaLogfmt };
    return { parser: undefined, labels: EMPTY_LABELS };
  }

  /** The parsed labels, or undefined when the parser failed (set __error__). */
  private run(p: StreamPipeline, line: Buffer): Labels | undefined {
    if (!p.process(0n, line, EMPTY_LABELS, this.out)) return undefined;
    const parsed = this.out.labels.parsed;
    for (const l of parsed) if (l.name === '__error__') return undefined;
    return parsed;
  }
}
