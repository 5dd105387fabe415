import { BadRequestError } from '../../util/errors.js';

/**
 * A LogQL syntax or validation error, HTTP 400 with Loki's text:
 * `parse error at line 1, col 12: syntax error: unexpected …`, or `parse error : <msg>`
 * when Loki knows no position (line and column both 0).
 */
export class ParseError extends BadRequestError {
  readonly line: number;
  readonly col: number;
  /** The message without the `parse error …:` prefix. */
  readonly detail: string;

  constructor(detail: string, line = 0, col = 0) {
    super(line === 0 && col === 0 ? `parse error : ${detail}` : `parse error at line ${line}, col ${col}: ${detail}`);
    this.detail = detail;
    this.line = line;
    this.col = col;
  }
}

/** A pipeline stage Loki refuses to build (logqlmodel.NewStageError). */
export function stageError(stage: string, reason: string): ParseError {
  return new ParseError(`stage '${stage}' : ${reason}`);
}
