/**
 * `| json`: every string, number and boolean becomes a label; nested objects are flattened
 * with `_`; arrays and nulls are skipped. Labels extracted before a syntax error are kept
 * and the error is reported as JSONParserErr with the scanner's text.
 */
import { KeyTable, hashBytes } from './key-table.js';
import { PARSED, type LabelsBuilder } from './labels-builder.js';
import { JT, jsonString, objectEachVisit, unescape, type MemberVisitor, type Value } from './json-scan.js';
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

/** Key decisions as table payloads: -1 not extracted, else id << 1 | (probe wants the value). */
const MISSING = -2;

/** One object level: the flattened prefix and the decisions for the keys under it. */
interface Level {
  readonly prefix: string;
  /** Raw key bytes (unescaped when escaped) → label decision. */
  readonly keys: KeyTable;
  /** Raw key → nested level. */
  readonly children: Map<string, Level>;
}

function newLevel(prefix: string): Level {
  return { prefix, keys: new KeyTable(), children: new Map() };
}

function isAsciiRange(line: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (line[i] >= 0x80) return false;
  return true;
}

/** Per stream: key decisions depend on the stream labels (the `_extracted` rename). */
class JsonState implements MemberVisitor {
  private readonly root = newLevel('');
  private level = this.root;
  private decisions = 0;
  line: Buffer = Buffer.alloc(0);
  /** The line when it is ASCII (see LabelsBuilder.asciiText). */
  text: string | undefined;
  ts = 0n;
  /** The top level's value slot (nested levels get their own). */
  private readonly top: Value = { type: 0, start: 0, end: 0, next: 0, escaped: false };

  constructor(readonly lbs: LabelsBuilder) {}

  run(line: Buffer, ts: bigint): string | undefined {
    this.line = line;
    // Most values are needed: decode the line once and slice it.
    this.text = this.lbs.extractsAll() ? this.lbs.asciiText(line) : undefined;
    this.ts = ts;
    this.level = this.root;
    return objectEachVisit(line, 0, line.length, this, this.top);
  }

  private keyText(ks: number, ke: number, escaped: boolean): string {
    if (!escaped) return this.line.toString('utf8', ks, ke);
    return (unescape(this.line, ks, ke) ?? EMPTY).toString('utf8');
  }

  /** Cache key of a raw key: its text (latin1, a 1:1 mapping of bytes). */
  private rawKey(ks: number, ke: number, escaped: boolean): string {
    if (escaped) return this.keyText(ks, ke, true);
    return this.line.toString('latin1', ks, ke);
  }

  member(ks: number, ke: number, escaped: boolean, v: Value, kh: number): string | undefined {
    let err: string | undefined;
    const t = v.type;
    if (t === T_STRING || t === T_NUMBER || t === T_BOOLEAN) {
      err = this.labelValue(ks, ke, escaped, v, kh);
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
        err = objectEachVisit(this.line, v.start, v.end, this, { type: 0, start: 0, end: 0, next: 0, escaped: false });
        this.level = parent;
      }
      return err;
    }
    if (this.lbs.allRequiredExtracted()) return FOUND_ALL;
    return err;
  }

  private decide(lv: Level, ks: number, ke: number, escaped: boolean): number {
    const lbs = this.lbs;
    let field: string;
    let ok: boolean;
    if (lv.prefix === '') {
      field = sanitizeLabelKey(this.keyText(ks, ke, escaped), true);
      if (lbs.baseHas(field)) field += DUPLICATE_SUFFIX;
      ok = field !== '' && lbs.shouldExtract(field);
    } else {
      const full = appendSanitized(lv.prefix + '_', this.keyText(ks, ke, escaped));
      field = lbs.baseHas(full) ? full + DUPLICATE_SUFFIX : full;
      ok = lbs.shouldExtract(field);
    }
    return ok ? (lbs.names.id(field) << 1) | (lbs.probeWants(field) ? 1 : 0) : -1;
  }

  private labelValue(ks: number, ke: number, escaped: boolean, v: Value, kh: number): string | undefined {
    const lbs = this.lbs;
    const lv = this.level;
    // Escaped keys are looked up by their unescaped bytes (one decision per key text).
    const kb: Buffer = escaped ? unescape(this.line, ks, ke) ?? EMPTY : this.line;
    const s = escaped ? 0 : ks;
    const e = escaped ? kb.length : ke;
    const h = escaped ? hashBytes(kb, s, e) : kh;
    let d = lv.keys.get(kb, s, e, h, MISSING);
    if (d === MISSING) {
      d = this.decide(lv, ks, ke, escaped);
      // Loki stops remembering decisions after MAX_KEYS of them.
      if (this.decisions < MAX_KEYS) {
        lv.keys.add(kb, s, e, h, d);
        this.decisions++;
      }
    }
    if (d < 0) return undefined;
    const id = d >> 1;
    if (lbs.probing && (d & 1) === 0) {
      lbs.markExtracted(id);
      return undefined;
    }
    if (v.escaped || v.type === T_BOOLEAN) lbs.setId(PARSED, id, readValue(this.line, v));
    else if (this.text !== undefined) lbs.setId(PARSED, id, this.text.slice(v.start, v.end));
    else if (v.start < v.end && isAsciiRange(this.line, v.start, v.end)) lbs.setRange(id, this.line, v.start, v.end);
    else lbs.setId(PARSED, id, readValue(this.line, v));
    if (!lbs.shouldContinueParsingLine(id, this.ts)) return NO_MATCH;
    return undefined;
  }
}

const EMPTY = Buffer.alloc(0);

function readValue(line: Buffer, v: Value): string {
  switch (v.type) {
    case T_STRING: return jsonString(line, v.start, v.end, v.escaped);
    case T_NUMBER: return line.toString('utf8', v.start, v.end);
    case T_BOOLEAN: return line[v.start] === 0x74 ? 'true' : 'false';
    default: return '';
  }
}

export class JsonParserStage implements Stage {
  readonly probe = 'parser';

  constructor(private readonly slot: number) {}

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    const st = (lbs.stageState(this.slot) as JsonState | undefined) ?? lbs.stageCache(this.slot, () => new JsonState(lbs));
    const err = st.run(line, ts);
    if (err === undefined || err === FOUND_ALL) return line;
    if (err === NO_MATCH) return null;
    lbs.addErr(ERR_JSON, err);
    return line;
  }

  requiredLabelNames(): readonly string[] {
    return [];
  }
}
