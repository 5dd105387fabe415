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

const T_STRING = JT.String;
const T_NUMBER = JT.Number;
const T_OBJECT = JT.Object;
const T_BOOLEAN = JT.Boolean;

interface KeyDecision {
  readonly id: number;
  readonly ok: boolean;
}

/** One object level: the flattened prefix and the decisions for the keys under it. */
interface Level {
  readonly prefix: string;
  /** Raw key → label decision. */
  readonly keys: Map<string, KeyDecision>;
  /** Raw key → nested level. */
  readonly children: Map<string, Level>;
}

function newLevel(prefix: string): Level {
  return { prefix, keys: new Map(), children: new Map() };
}

/** Per stream: key decisions depend on the stream labels (the `_extracted` rename). */
class JsonState {
  private readonly root = newLevel('');
  private level = this.root;
  private decisions = 0;
  line: Buffer = Buffer.alloc(0);
  /** The line when it is ASCII (see LabelsBuilder.asciiText). */
  text: string | undefined;
  ts = 0n;
  readonly member: (ks: number, ke: number, keyEscaped: boolean, v: Value) => string | undefined;

  constructor(readonly lbs: LabelsBuilder) {
    this.member = (ks, ke, esc, v) => this.onMember(ks, ke, esc, v);
  }

  run(line: Buffer, ts: bigint): string | undefined {
    this.line = line;
    this.text = this.lbs.asciiText(line);
    this.ts = ts;
    this.level = this.root;
    return objectEach(line, 0, line.length, this.member);
  }

  private keyText(ks: number, ke: number, escaped: boolean): string {
    if (!escaped) return this.text !== undefined ? this.text.slice(ks, ke) : this.line.toString('utf8', ks, ke);
    return (unescape(this.line, ks, ke) ?? Buffer.alloc(0)).toString('utf8');
  }

  /** Cache key of a raw key: its text (latin1 for non-ASCII lines, a 1:1 mapping of bytes). */
  private rawKey(ks: number, ke: number, escaped: boolean): string {
    if (escaped) return this.keyText(ks, ke, true);
    return this.text !== undefined ? this.text.slice(ks, ke) : this.line.toString('latin1', ks, ke);
  }

  private onMember(ks: number, ke: number, escaped: boolean, v: Value): string | undefined {
    let err: string | undefined;
    const t = v.type;
    if (t === T_STRING || t === T_NUMBER || t === T_BOOLEAN) {
      err = this.labelValue(ks, ke, escaped, v);
    } else if (t === T_OBJECT) {
      const parent = this.level;
      const raw = this.rawKey(ks, ke, escaped);
      let child = parent.children.get(raw);
      if (child === undefined) {
        child = newLevel(appendSanitized(parent.prefix === '' ? '' : parent.prefix + '_', this.keyText(ks, ke, escaped)));
        if (parent.children.size < MAX_KEYS) parent.children.set(raw, child);
      }
      if (this.lbs.shouldExtractPrefix(child.prefix)) {
        this.level = child;
        err = objectEach(this.line, v.start, v.end, this.member);
        this.level = parent;
      }
      return err;
    }
    if (this.lbs.allRequiredExtracted()) return FOUND_ALL;
    return err;
  }

  private decide(lv: Level, ks: number, ke: number, escaped: boolean): KeyDecision {
    const lbs = this.lbs;
    let field: string;
    if (lv.prefix === '') {
      field = sanitizeLabelKey(this.keyText(ks, ke, escaped), true);
      if (lbs.baseHas(field)) field += DUPLICATE_SUFFIX;
      return { id: lbs.names.id(field), ok: field !== '' && lbs.shouldExtract(field) };
    }
    const full = appendSanitized(lv.prefix + '_', this.keyText(ks, ke, escaped));
    field = lbs.baseHas(full) ? full + DUPLICATE_SUFFIX : full;
    return { id: lbs.names.id(field), ok: lbs.shouldExtract(field) };
  }

  private labelValue(ks: number, ke: number, escaped: boolean, v: Value): string | undefined {
    const lbs = this.lbs;
    const lv = this.level;
    const raw = this.rawKey(ks, ke, escaped);
    let d = lv.keys.get(raw);
    if (d === undefined) {
      d = this.decide(lv, ks, ke, escaped);
      // Loki stops remembering decisions after MAX_KEYS of them.
      if (this.decisions < MAX_KEYS) {
        lv.keys.set(raw, d);
        this.decisions++;
      }
    }
    if (!d.ok) return undefined;
    let value: string;
    if (this.text !== undefined && !v.escaped) value = this.text.slice(v.start, v.end);
    else value = readValue(this.line, v);
    lbs.setId(PARSED, d.id, value);
    if (!lbs.shouldContinueParsingLine(d.id, this.ts)) return NO_MATCH;
    return undefined;
  }
}

function readValue(line: Buffer, v: Value): string {
  switch (v.type) {
    case T_STRING: return jsonString(line, v.start, v.end, v.escaped);
    case T_NUMBER: return line.toString('utf8', v.start, v.end);
    case T_BOOLEAN: return line[v.start] === 0x74 ? 'true' : 'false';
    default: return '';
  }
}

export class JsonParserStage implements Stage {
  constructor(private readonly slot: number) {}

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    const err = lbs.stageCache(this.slot, () => new JsonState(lbs)).run(line, ts);
    if (err === undefined || err === FOUND_ALL) return line;
    if (err === NO_MATCH) return null;
    lbs.addErr(ERR_JSON, err);
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
