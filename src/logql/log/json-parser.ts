/**
 * `| json`: every string, number and boolean becomes a label; nested objects are flattened
 * with `_`; arrays and nulls are skipped. Labels extracted before a syntax error are kept
 * and the error is reported as JSONParserErr with the scanner's text.
 */
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { JT, jsonString, objectEach, unescape, type Value } from './json-scan.js';
import { DUPLICATE_SUFFIX, ERR_JSON } from './names.js';
import { appendSanitized, sanitizeLabelKey } from './sanitize.js';
import type { Stage } from './stage.js';

/** Loki keeps at most this many key decisions per parser. */
const MAX_KEYS = 1024;

/** Not errors: "all required labels found" and "an early label filter failed". */
const FOUND_ALL = '\u0000found';
const NO_MATCH = '\u0000nomatch';

interface KeyDecision {
  readonly id: number;
  readonly ok: boolean;
}

/** Per stream: key decisions depend on the stream labels (the `_extracted` rename). */
class JsonState {
  readonly top = new Map<string, KeyDecision>();
  readonly nested = new Map<string, KeyDecision>();
  prefix = '';
  line: Buffer = Buffer.alloc(0);
  ts = 0n;
  readonly member: (ks: number, ke: number, keyEscaped: boolean, v: Value) => string | undefined;

  constructor(readonly lbs: LabelsBuilder) {
    this.member = (ks, ke, esc, v) => this.onMember(ks, ke, esc, v);
  }

  private keyText(ks: number, ke: number, escaped: boolean): string {
    if (!escaped) return this.line.toString('utf8', ks, ke);
    return (unescape(this.line, ks, ke) ?? Buffer.alloc(0)).toString('utf8');
  }

  private onMember(ks: number, ke: number, escaped: boolean, v: Value): string | undefined {
    let err: string | undefined;
    switch (v.type) {
      case JT.String: case JT.Number: case JT.Boolean:
        err = this.labelValue(ks, ke, escaped, v);
        break;
      case JT.Object: {
        const saved = this.prefix;
        const key = this.keyText(ks, ke, escaped);
        this.prefix = appendSanitized(saved === '' ? '' : saved + '_', key);
        if (this.lbs.shouldExtractPrefix(this.prefix)) err = objectEach(this.line, v.start, v.end, this.member);
        this.prefix = saved;
        return err;
      }
    }
    if (this.lbs.allRequiredExtracted()) return FOUND_ALL;
    return err;
  }

  private labelValue(ks: number, ke: number, escaped: boolean, v: Value): string | undefined {
    const lbs = this.lbs;
    let d: KeyDecision | undefined;
    if (this.prefix === '') {
      const raw = escaped ? this.keyText(ks, ke, true) : this.line.toString('latin1', ks, ke);
      d = this.top.get(raw);
      if (d === undefined) {
        let field = sanitizeLabelKey(escaped ? raw : this.keyText(ks, ke, false), true);
        if (lbs.baseHas(field)) field += DUPLICATE_SUFFIX;
        d = { id: lbs.names.id(field), ok: field !== '' && lbs.shouldExtract(field) };
        if (this.top.size < MAX_KEYS) this.top.set(raw, d);
      }
    } else {
      const full = appendSanitized(this.prefix + '_', this.keyText(ks, ke, escaped));
      d = this.nested.get(full);
      if (d === undefined) {
        const field = lbs.baseHas(full) ? full + DUPLICATE_SUFFIX : full;
        d = { id: lbs.names.id(field), ok: lbs.shouldExtract(field) };
        if (this.nested.size < MAX_KEYS) this.nested.set(full, d);
      }
    }
    if (!d.ok) return undefined;
    lbs.setId(PARSED, d.id, readValue(this.line, v));
    if (!lbs.shouldContinueParsingLine(d.id, this.ts)) return NO_MATCH;
    return undefined;
  }
}

function readValue(line: Buffer, v: Value): string {
  switch (v.type) {
    case JT.String: return jsonString(line, v.start, v.end, v.escaped);
    case JT.Number: return line.toString('utf8', v.start, v.end);
    case JT.Boolean: return line[v.start] === 0x74 ? 'true' : 'false';
    default: return '';
  }
}

export class JsonParserStage implements Stage {
  constructor(private readonly slot: number) {}

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    const st = lbs.stageCache(this.slot, () => new JsonState(lbs));
    st.line = line;
    st.ts = ts;
    st.prefix = '';
    const err = objectEach(line, 0, line.length, st.member);
    if (err === undefined || err === FOUND_ALL) return line;
    if (err === NO_MATCH) return null;
    lbs.addErr(ERR_JSON, err);
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
