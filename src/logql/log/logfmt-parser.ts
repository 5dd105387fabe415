/**
 * `| logfmt [--strict] [--keep-empty]` and `| logfmt [flags] a="key", b`. Malformed pairs
 * are skipped unless --strict, which stops at the first one and reports LogfmtParserErr.
 * A later duplicate key overwrites the earlier value.
 */
import type { ExtractionParam } from '../syntax/index.js';
import { parseLogfmtKey } from '../syntax/index.js';
import { KeyTable, hashBytes } from './key-table.js';
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

function isAsciiRange(line: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (line[i] >= 0x80) return false;
  return true;
}

const EQ = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** 1 for bytes that end a key or need the decoder: controls, space, '=', '"', non-ASCII. */
const KEY_CLASS = new Uint8Array(256).map((_v, c) => (c <= 0x20 || c === EQ || c === QUOTE || c >= 0x80 ? 1 : 0));
/** 1 for bytes that end an unquoted value (space, controls) or make it malformed ('=', '"'). */
const VALUE_CLASS = new Uint8Array(256).map((_v, c) => (c <= 0x20 || c === EQ || c === QUOTE ? 1 : 0));

/**
 * Whether some occurrence of `key` (`name=`) in the line is followed by a value `test` may keep
 * (true, or undefined: the bytes alone do not tell), scanning values as the parser's fast path
 * does; a quoted value with an escape, an unterminated one or a malformed pair counts as kept (the
 * decoder would decide), an empty value as dropped (it sets nothing without --keep-empty).
 */
export function logfmtValueMayPass(line: Buffer, key: Buffer, test: (d: Uint8Array, s: number, e: number) => boolean | undefined): boolean {
  const n = line.length;
  for (let pos = line.indexOf(key); pos !== -1; pos = line.indexOf(key, pos + 1)) {
    let s = pos + key.length;
    let e = s;
    if (s < n && line[s] === QUOTE) {
      e = ++s;
      while (e < n && line[e] !== QUOTE && line[e] !== BACKSLASH) e++;
      if (e >= n || line[e] !== QUOTE) return true;
    } else {
      while (e < n && VALUE_CLASS[line[e]] === 0) e++;
      if (e < n && line[e] > 0x20) return true;
    }
    if (e === s) continue;
    if (test(line, s, e) !== false) return true;
  }
  return false;
}

/** Key decisions as table payloads: -1 not extracted, else id << 1 | (probe wants the value). */
const MISSING = -2;

class LogfmtState {
  readonly dec = new LogfmtDecoder();
  /** Raw key bytes → decision (Loki's per-parser key cache). */
  readonly keys = new KeyTable();
}

class LogfmtExprState {
  readonly dec = new LogfmtDecoder();
  readonly keys = new Map<string, KeyDecision>();
}

function decideKey(line: Buffer, ks: number, ke: number, lbs: LabelsBuilder): number {
  let name = sanitizeLabelKey(line.toString('utf8', ks, ke), true);
  if (name === '') return -1;
  if (lbs.baseHas(name)) name += DUPLICATE_SUFFIX;
  if (!lbs.shouldExtract(name)) return -1;
  return (lbs.names.id(name) << 1) | (lbs.probeWants(name) ? 1 : 0);
}

export class LogfmtParserStage implements Stage {
  readonly probe = 'parser';
  readonly screenable: boolean;

  constructor(private readonly slot: number, private readonly strict: boolean, private readonly keepEmpty: boolean) {
    // --strict may set an error that keeps the entry; --keep-empty sets labels from bare keys.
    this.screenable = !strict && !keepEmpty;
  }

  process(ts: bigint, line: Buffer, lbs: LabelsBuilder): Buffer | null {
    if (lbs.noLabels()) return line;
    const st = (lbs.stageState(this.slot) as LogfmtState | undefined) ?? lbs.stageCache(this.slot, () => new LogfmtState());
    const dec = st.dec;
    const keys = st.keys;
    dec.reset(line);
    const probing = lbs.probing;
    // Most values are needed: decode the line once and slice it.
    const text = lbs.extractsAll() ? lbs.asciiText(line) : undefined;
    const n = line.length;
    let p = 0;
    for (;;) {
      while (p < n && line[p] <= 0x20) p++;
      if (p >= n) break;
      // Fast path: key=value or key="value" without escapes, hashing the key on the way.
      // Anything else is rescanned from the pair's start by the decoder (errors included).
      let ks = p;
      let ke = -1;
      let vs = -1;
      let ve = -1;
      let h = FNV_OFFSET;
      let unquoted: Buffer | undefined;
      let q = p;
      let c = 0;
      while (q < n && KEY_CLASS[(c = line[q])] === 0) {
        h = Math.imul(h ^ c, FNV_PRIME);
        q++;
      }
      let fast = false;
      if (q < n && c === EQ && q > p) {
        ke = q++;
        if (q < n) {
          c = line[q];
          if (c === QUOTE) {
            const v0 = q + 1;
            let r = v0;
            while (r < n && (c = line[r]) !== QUOTE && c !== BACKSLASH) r++;
            if (r < n && c === QUOTE) {
              if (r > v0) {
                vs = v0;
                ve = r;
              }
              q = r + 1;
              fast = true;
            }
          } else if (c > 0x20) {
            const v0 = q;
            while (q < n && VALUE_CLASS[line[q]] === 0) q++;
            if (q >= n || line[q] <= 0x20) {
              vs = v0;
              ve = q;
              fast = true;
            }
          }
        }
      }
      if (fast) {
        p = q;
      } else {
        dec.pos = p;
        const ok = dec.scanKeyval();
        p = dec.pos;
        if (!ok) {
          if (this.strict) break;
          continue;
        }
        if (!dec.hasKey()) continue;
        ks = dec.keyStart;
        ke = dec.keyEnd;
        h = hashBytes(line, ks, ke);
        unquoted = dec.unquoted;
        vs = dec.valueStart;
        ve = dec.valueEnd;
      }
      let d = keys.get(line, ks, ke, h, MISSING);
      if (d === MISSING) {
        d = decideKey(line, ks, ke, lbs);
        if (keys.size < MAX_KEYS) keys.add(line, ks, ke, h, d);
      }
      if (d < 0) continue;
      if (!this.keepEmpty && (unquoted !== undefined ? unquoted.length : vs < 0 ? 0 : ve - vs) === 0) continue;
      const id = d >> 1;
      if (probing && (d & 1) === 0) {
        lbs.markExtracted(id);
        continue;
      }
      if (unquoted !== undefined) lbs.setId(PARSED, id, valueString(unquoted));
      else if (vs < 0) lbs.setId(PARSED, id, '');
      else if (text !== undefined) lbs.setId(PARSED, id, text.slice(vs, ve));
      else if (isAsciiRange(line, vs, ve)) lbs.setRange(id, line, vs, ve);
      else lbs.setId(PARSED, id, valueString(line.subarray(vs, ve)));
      if (!lbs.shouldContinueParsingLine(id, ts)) return null;
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
    const st = lbs.stageCache(this.slot, () => new LogfmtExprState());
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
