/**
 * JSON push body of `/loki/api/v1/push`:
 *   {"streams":[{"stream":{"k":"v"},"values":[["<ns>","<line>",{"sm":"v"}]]}]}
 * Decoded with Loki's semantics: the outer document is walked as jsoniter does (decoding into
 * loghttp.PushRequest), each stream element as loghttp.LogProtoStream.UnmarshalJSON does with
 * jsonparser. Lines are ranges of the body; a line with escapes is unescaped in place.
 */
import { labelsToString, sortLabels, type Label } from '../../model/labels.js';
import { TwoGenerationCache } from '../../distributor/validation/label-cache.js';
import { ColumnBuilder, packLines } from '../columns.js';
import type { PushEntries, PushRequest, PushStream } from '../types.js';
import { Iterator, JsonIterError } from './iterator.js';
import {
  get, MalformedArrayError, MalformedJsonError, MalformedObjectError, MalformedStringError, MalformedValueError,
  type Memo, nextToken, NULL, OBJECT, objectEach, parseInt64, parseString, STRING, Value, withMemo,
} from './jsonparser.js';

const PREFIX = 'loghttp.PushRequest.';
const STREAMS_PREFIX = 'loghttp.PushRequest.Streams: []loghttp.LogProtoStream: ';
/** Go's zero time.Time, what an entry without a timestamp decodes to. */
const ZERO_TIME_NS = -62135596800n * 1_000_000_000n;

/** Throws JsonIterError with Loki's text on malformed input. */
export function decodeJsonV1(body: Buffer): PushRequest {
  const it = new Iterator(body);
  if (body.length === 0) throw new JsonIterError('EOF');
  // ~270-byte lines with ~30 bytes of JSON around each; the builder grows if lines are shorter.
  const cols = new ColumnBuilder(body, (body.length >>> 8) + 16);
  const fixups: Fixup[] = [];
  let streams: PushStream[] = [];
  const c = it.nextToken();
  if (c === 0x6e) {
    it.skipThreeBytes(0x75, 0x6c, 0x6c);
    if (it.error !== undefined) it.fail(PREFIX);
    return { streams };
  }
  if (c !== 0x7b) {
    it.report('readObjectStart', 'expect { or n, but found ' + String.fromCharCode(c));
    it.fail('');
  }
  if (it.nextToken() === 0x7d) return { streams };
  it.unread();
  for (;;) {
    const isStreams = readFieldName(it);
    if (it.error !== undefined) it.fail(PREFIX);
    if (isStreams) {
      streams = decodeStreams(it, cols, fixups);
      if (it.error !== undefined) it.fail(STREAMS_PREFIX);
    } else {
      it.skip();
      if (it.error !== undefined) it.fail(PREFIX);
    }
    const t = it.nextToken();
    if (t === 0x2c) continue;
    if (t === 0x7d) break;
    it.report('isObjectEnd', 'object ended prematurely, unexpected char ' + String.fromCharCode(t));
    it.fail(PREFIX);
  }
  applyFixups(body, fixups);
  // Decoded: the body's other bytes are not needed any more.
  for (const s of streams) packLines(s.entries);
  return { streams };
}

/** jsoniter's readFieldHash: the name up to its colon; matching is case-insensitive. */
function readFieldName(it: Iterator): boolean {
  const c = it.nextToken();
  if (c !== 0x22) {
    it.report('readFieldHash', 'expect ", but found ' + String.fromCharCode(c));
    return false;
  }
  const b = it.b;
  const start = it.pos;
  let i = start;
  while (i < b.length && b[i] !== 0x22) i++;
  if (i >= b.length) {
    it.pos = b.length;
    it.report('readFieldHash', 'incomplete field name');
    return false;
  }
  const name = b.toString('latin1', start, i).toLowerCase();
  it.pos = i + 1;
  const colon = it.nextToken();
  if (colon !== 0x3a) {
    it.report('readFieldHash', 'expect :, but found ' + String.fromCharCode(colon));
    return false;
  }
  return name === 'streams';
}

/** jsoniter's slice decoder for []LogProtoStream; each element goes through UnmarshalJSON. */
function decodeStreams(it: Iterator, cols: ColumnBuilder, fixups: Fixup[]): PushStream[] {
  const streams: PushStream[] = [];
  const c = it.nextToken();
  if (c === 0x6e) {
    it.skipThreeBytes(0x75, 0x6c, 0x6c);
    return streams;
  }
  if (c !== 0x5b) {
    it.report('decode slice', 'expect [ or n, but found ' + String.fromCharCode(c));
    return streams;
  }
  if (it.nextToken() === 0x5d) return streams;
  it.unread();
  for (;;) {
    it.nextToken();
    it.unread();
    const start = it.pos;
    it.skip();
    if (it.error !== undefined) return streams;
    const end = it.pos;
    const res = withMemo(it.memo, () => decodeStream(it.b, start, end, cols, fixups, it.memo));
    if (typeof res === 'string') {
      it.report('unmarshalerDecoder', res);
      return streams;
    }
    streams.push(res);
    const t = it.nextToken();
    if (t === 0x2c) continue;
    if (t !== 0x5d) it.report('decode slice', 'expect ], but found ' + String.fromCharCode(t));
    return streams;
  }
}

/**
 * A line that had escapes: its unescaped bytes go back into the body over its escaped text
 * (never longer) once the whole body has decoded, so that error texts, which quote the body,
 * see it unchanged until then.
 */
interface Fixup {
  stream: PushEntries | undefined;
  /** Builder index of the entry (stream-relative once the stream is known). */
  index: number;
  start: number;
  bytes: Buffer;
}

function applyFixups(b: Buffer, fixups: readonly Fixup[]): void {
  for (const f of fixups) {
    f.bytes.copy(b, f.start);
    (f.stream!.lineEnd as Uint32Array)[f.index] = f.start + f.bytes.length;
  }
}

/**
 * loghttp.LogProtoStream.UnmarshalJSON over [start, end). Returns the stream or an error text.
 * Entries go to `cols`; lines with escapes are recorded in `fixups`.
 */
export function decodeStream(
  b: Buffer, start: number, end: number, cols = new ColumnBuilder(b, 16), fixups: Fixup[] = [], memo?: Memo,
): PushStream | string {
  let labels = '';
  cols.beginStream();
  const base = cols.n;
  const firstFixup = fixups.length;
  const err = objectEach(b, start, end, (key, v) => {
    if (key.length !== 6) return undefined;
    const k = key.toString('latin1');
    if (k === 'stream') {
      const res = cachedLabelSet(b, v);
      if (typeof res === 'string') return res;
      labels = res.text;
    } else if (k === 'values') {
      if (v.type === NULL) return undefined;
      // A repeated "values" replaces the earlier one.
      cols.restartStream();
      fixups.length = firstFixup;
      const res = decodeEntries(b, v.start, v.end, cols, fixups, memo);
      if (res !== undefined) return res;
    }
    return undefined;
  });
  if (err !== undefined) return err;
  const entries = cols.endStream();
  for (let i = firstFixup; i < fixups.length; i++) {
    fixups[i].stream = entries;
    fixups[i].index -= base;
  }
  if (memo === undefined) applyFixups(b, fixups.splice(firstFixup));
  return { labels, entries };
}

/**
 * Label texts by the raw bytes of the stream object: clients send the same object with every
 * push, and the text is a pure function of those bytes. Bounded like the label parser's cache.
 */
const labelSetCache = new TwoGenerationCache<{ text: string }>(4096);
const MAX_CACHED_LABEL_SET = 1024;

/** decodeLabelSet, cached; errors are not. */
function cachedLabelSet(b: Buffer, v: Value): { text: string } | string {
  const cacheable = v.end - v.start <= MAX_CACHED_LABEL_SET;
  const raw = cacheable ? b.toString('latin1', v.start, v.end) : '';
  if (cacheable) {
    const hit = labelSetCache.get(raw);
    if (hit !== undefined) return hit;
  }
  const res = decodeLabelSet(b, v);
  if (cacheable && typeof res !== 'string') labelSetCache.set(raw, res);
  return res;
}

/**
 * loghttp.LabelSet.UnmarshalJSON then String(): values of any type are read as strings.
 * Returns the label text or an error text.
 */
function decodeLabelSet(b: Buffer, v: Value): { text: string } | string {
  const map = new Map<string, string>();
  const err = objectEach(b, v.start, v.end, (key, val) => {
    const value = parseString(b, val.start, val.end);
    if (value === undefined) return MalformedValueError;
    // The key was unescaped once by ObjectEach; Loki unescapes it a second time.
    const name = parseString(key, 0, key.length);
    if (name === undefined) return MalformedValueError;
    map.set(name.toString('utf8'), value.toString('utf8'));
    return undefined;
  });
  if (err !== undefined) return err;
  const labels: Label[] = [];
  for (const [name, value] of map) labels.push({ name, value });
  return { text: labelsToString(sortLabels(labels)) };
}

/**
 * unmarshalHTTPToLogProtoEntries: jsonparser.ArrayEach over the values, written out as a loop
 * (no callback) since it runs for every line. A walk error wins over an entry's error.
 */
function decodeEntries(b: Buffer, start: number, end: number, cols: ColumnBuilder, fixups: Fixup[], memo: Memo | undefined): string | undefined {
  if (start >= end) return MalformedObjectError;
  const nT = nextToken(b, start, end);
  if (nT < 0) return MalformedJsonError;
  let off = nextToken(b, nT + 1, end);
  if (off < 0) return MalformedJsonError;
  if (b[off] === 0x5d) return undefined;
  const v = new Value();
  const inner = new Value();
  let parseError: string | undefined;
  for (;;) {
    const err = get(b, off, end, v);
    if (err !== undefined) return err;
    if (parseError === undefined && v.type !== NULL) parseError = decodeEntry(b, v.start, v.end, inner, cols, fixups, memo);
    off = nextToken(b, v.next, end);
    if (off < 0) return MalformedArrayError;
    if (b[off] === 0x5d) break;
    if (b[off] !== 0x2c) return MalformedArrayError;
    off++;
  }
  return parseError;
}

/** Timestamp parsed by parseTimestamp: seconds and nanoseconds, or the bigint when not in the fast range. */
let tsSec = 0;
let tsNsec = 0;
let tsBig: bigint | undefined;

/**
 * jsonparser.ParseInt of a decimal nanosecond timestamp into tsSec/tsNsec without a bigint
 * for the usual 1-19 digit non-negative values; anything else goes through parseInt64.
 */
function parseTimestamp(b: Buffer, s: number, e: number): string | undefined {
  const len = e - s;
  if (len > 0 && len <= 19 && b[s] !== 0x2d) {
    const split = Math.max(s, e - 9);
    let sec = 0;
    let nsec = 0;
    let ok = true;
    for (let i = s; i < split; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) { ok = false; break; }
      sec = sec * 10 + d;
    }
    for (let i = split; ok && i < e; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) { ok = false; break; }
      nsec = nsec * 10 + d;
    }
    // Below 2^33 s the value is far inside int64: no overflow rules apply.
    if (ok && sec < 8589934592) {
      tsSec = sec;
      tsNsec = nsec;
      tsBig = undefined;
      return undefined;
    }
  }
  const n = parseInt64(b, s, e);
  if (typeof n === 'string') return n;
  tsBig = n;
  return undefined;
}

/** Whether b[s, e) holds a backslash (a JSON string with escapes). */
function hasEscape(b: Buffer, s: number, e: number, memo: Memo | undefined): boolean {
  // The iterator has walked every string of the stream already and noted those with escapes.
  if (memo !== undefined && memo.buf === b) return memo.strings.has(s);
  for (let i = s; i < e; i++) if (b[i] === 0x5c) return true;
  return false;
}

/**
 * One `["<ns>","<line>",{sm}]` value, with unmarshalHTTPToLogProtoEntry's quirks: a type error
 * does not advance the element index, so the next element is read in the same role, and the
 * last error wins. Structured metadata values are kept as sent (still JSON-escaped), like Loki.
 * Adds the entry to `cols`, or returns an error text.
 */
function decodeEntry(
  b: Buffer, start: number, end: number, v: Value, cols: ColumnBuilder, fixups: Fixup[], memo: Memo | undefined,
): string | undefined {
  let hasTs = false;
  let lineStart = 0;
  let lineEnd = 0;
  let escaped: Buffer | undefined;
  let metadata: Label[] | undefined;
  if (start >= end) return MalformedObjectError;
  const nT = nextToken(b, start, end);
  if (nT < 0) return MalformedJsonError;
  let off = nextToken(b, nT + 1, end);
  if (off < 0) return MalformedJsonError;
  let i = 0;
  let parseError: string | undefined;
  if (b[off] !== 0x5d) {
    for (;;) {
      const err = get(b, off, end, v);
      if (err !== undefined) return parseError ?? err;
      if ((i === 0 || i === 1) && v.type !== STRING) {
        parseError = MalformedStringError;
      } else if (i === 2 && v.type !== OBJECT) {
        parseError = MalformedObjectError;
      } else if (i === 0) {
        const e = parseTimestamp(b, v.start, v.end);
        if (e !== undefined) parseError = e;
        else { hasTs = true; i++; }
      } else if (i === 1) {
        if (!hasEscape(b, v.start, v.end, memo)) {
          lineStart = v.start;
          lineEnd = v.end;
          escaped = undefined;
          i++;
        } else {
          const l = parseString(b, v.start, v.end);
          if (l === undefined) parseError = MalformedValueError;
          else { lineStart = v.start; lineEnd = v.start; escaped = l; i++; }
        }
      } else if (i === 2) {
        const sm = decodeMetadata(b, v);
        if (typeof sm === 'string') parseError = sm;
        else { metadata = sm; i++; }
      } else {
        i++;
      }
      off = nextToken(b, v.next, end);
      if (off < 0) return parseError ?? MalformedArrayError;
      if (b[off] === 0x5d) break;
      if (b[off] !== 0x2c) return parseError ?? MalformedArrayError;
      off++;
    }
  }
  if (parseError !== undefined) return parseError;
  let idx: number;
  if (!hasTs) idx = cols.addBig(ZERO_TIME_NS, lineStart, lineEnd);
  else if (tsBig === undefined) idx = cols.add(tsSec, tsNsec, lineStart, lineEnd);
  else idx = cols.addBig(tsBig, lineStart, lineEnd);
  if (escaped !== undefined) fixups.push({ stream: undefined, index: idx, start: lineStart, bytes: escaped });
  if (metadata !== undefined && metadata.length > 0) cols.setMetadata(idx, metadata);
  return undefined;
}

function decodeMetadata(b: Buffer, v: Value): Label[] | string {
  const sm: Label[] = [];
  const err = objectEach(b, v.start, v.end, (key, val) => {
    if (val.type !== STRING) return MalformedStringError;
    sm.push({ name: key.toString('utf8'), value: b.toString('utf8', val.start, val.end) });
    return undefined;
  });
  return err ?? sm;
}
