/**
 * `| decolorize`: removes ANSI escape sequences with Loki's pattern (from acarl005/stripansi),
 * which handles SGR-like sequences only: an OSC 8 hyperlink loses just its first bytes.
 */
import RE2 from 're2';
import type { Stage } from './stage.js';

const ANSI = '[\\x{1b}\\x{9b}][[\\]()#;?]*(?:(?:(?:[a-zA-Z\\d]*(?:;[a-zA-Z\\d]*)*)?\\x{07})|(?:(?:\\d{1,4}(?:;\\d{0,4})*)?[\\dA-PRZcf-ntqry=><~]))';
/** U+009B (CSI) in UTF-8. */
const CSI = Buffer.from([0xc2, 0x9b]);

export class DecolorizeStage implements Stage {
  // A global RE2 (never matches empty, so replace-all equals Go's ReplaceAll).
  private readonly re = new RE2(ANSI, 'gu');

  process(_ts: bigint, line: Buffer): Buffer | null {
    if (line.indexOf(0x1b) === -1 && line.indexOf(CSI) === -1) return line;
    return this.re.replace(line, '');
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
