/**
 * `| logfmt [--strict] [--keep-empty]` and `| logfmt [flags] a="key", b`. Malformed pairs
 * are skipped unless --strict, which stops at the first one and reports LogfmtParserErr.
 * A later duplicate key overwrites the earlier value.
 */
import type { ExtractionParam } from '../syntax/index.js';
import { parseLogfmtKey } from '../syntax/index.js';
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { LogfmtDecoder } from './logfmt-decoder.js';
import { DUPLICATE_SUFFIX, ERROR_LABEL, ERR_LOGFMT } from './names.js';
import { sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

const MAX_KEYS = 1024;

interface KeyDecision {
  readonly id: number;
  readonly ok: boolean;
}

/** Loki replaces U+FFFD (and invalid UTF-8) in values by a space. */
function valueString(b: Buffer): string {
  const s = b.toString('utf8');
  return s.includes('\ufffd') ? s.replace(/\ufffd/g, ' ') : s;
}

class LogfmtState {
  readonly dec = new LogfmtDecoder();
  readonly keys = new Map<string, KeyDecision>();
}

export class LogfmtParserStage implements Stage {
  constructor(private readonly slot: number, private readonly strict: boolean, private readonly keepEmpty: boolean) {}

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    const st = lbs.stageCache(this.slot, () => new LogfmtState());
    const dec = st.dec;
    dec.reset(line);
    const text = lbs.asciiText(line);
    while (!dec.eol()) {
      if (!dec.scanKeyval()) {
        if (this.strict) break;
        continue;
      }
      if (!dec.hasKey()) continue;
      const raw = text !== undefined ? text.slice(dec.keyStart, dec.keyEnd) : line.toString('latin1', dec.keyStart, dec.keyEnd);
      let d = st.keys.get(raw);
      if (d === undefined) {
        let name = sanitizeLabelKey(text !== undefined ? raw : line.toString('utf8', dec.keyStart, dec.keyEnd), true);
        let ok = name !== '';
        if (ok) {
          if (lbs.baseHas(name)) name += DUPLICATE_SUFFIX;
          ok = lbs.shouldExtract(name);
        }
        d = { id: ok ? lbs.names.id(name) : -1, ok };
        if (st.keys.size < MAX_KEYS) st.keys.set(raw, d);
      }
      if (!d.ok) continue;
      if (!this.keepEmpty && dec.valueLength() === 0) continue;
      let v: string;
      if (dec.unquoted !== undefined) v = valueString(dec.unquoted);
      else if (dec.valueStart < 0) v = '';
      else if (text !== undefined) v = text.slice(dec.valueStart, dec.valueEnd);
      else v = valueString(line.subarray(dec.valueStart, dec.valueEnd));
      lbs.setId(PARSED, d.id, v);
      if (!lbs.shouldContinueParsingLine(d.id, ts)) return null;
      if (lbs.allRequiredExtracted()) break;
    }
    if (this.strict && dec.err !== undefined) {
      lbs.addErr(ERR_LOGFMT, dec.err);
      if (!lbs.shouldContinueParsingLine(lbs.names.id(ERROR_LABEL), ts)) return null;
    }
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}

/** `logfmt a="key"`: only the listed keys, renamed; every listed label exists afterwards. */
export class LogfmtExpressionParserStage implements Stage {
  /** label → key it reads, in parameter order. */
  private readonly exprs: ReadonlyMap<string, string>;

  constructor(private readonly slot: number, params: readonly ExtractionParam[], private readonly strict: boolean) {
    const m = new Map<string, string>();
    for (const p of params) m.set(p.label, parseLogfmtKey(p.expression));
    this.exprs = m;
  }

  process(_ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    for (const id of this.exprs.keys()) if (!lbs.baseHas(id)) lbs.set(PARSED, id, '');
    const st = lbs.stageCache(this.slot, () => new LogfmtState());
    const dec = st.dec;
    dec.reset(line);
    while (!dec.eol()) {
      if (!dec.scanKeyval()) {
        if (this.strict) break;
        continue;
      }
      if (!dec.hasKey()) continue;
      const raw = line.toString('latin1', dec.keyStart, dec.keyEnd);
      let d = st.keys.get(raw);
      let name: string;
      if (d === undefined) {
        name = sanitizeLabelKey(dec.key().toString('utf8'), true);
        // Loki checks the key against the label names here, not against the keys.
        const ok = name !== '' && (this.exprs.has(name) || lbs.shouldExtract(name));
        d = { id: ok ? lbs.names.id(name) : -1, ok };
        if (st.keys.size < MAX_KEYS) st.keys.set(raw, d);
      }
      if (!d.ok) continue;
      name = lbs.names.names[d.id];
      const v = dec.value().toString('utf8');
      const val = v.includes('\ufffd') ? '' : v;
      for (const [id, key] of this.exprs) {
        if (name === key) {
          name = id;
          break;
        }
      }
      if (!this.exprs.has(name)) continue;
      if (lbs.baseHas(name)) {
        name += DUPLICATE_SUFFIX;
        if (!lbs.shouldExtract(name)) break;
      }
      lbs.set(PARSED, name, val);
      if (lbs.allRequiredExtracted()) break;
    }
    if (this.strict && dec.err !== undefined) lbs.addErr(ERR_LOGFMT, dec.err);
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
