/**
 * JSON push body of `/loki/api/v1/push`:
 *   {"streams":[{"stream":{"k":"v"},"values":[["<ns>","<line>",{"sm":"v"}]]}]}
 * Decoded with Loki's semantics: the outer document is walked as jsoniter does (decoding into
 * loghttp.PushRequest), each stream element as loghttp.LogProtoStream.UnmarshalJSON does with
 * jsonparser. Lines are subarrays of the body unless they contain escapes.
 */
import { EMPTY_LABELS, labelsToString, sortLabels, type Label } from '../../model/labels.js';
import type { Entry } from '../../model/entry.js';
import type { PushRequest, PushStream } from '../types.js';
import { Iterator, JsonIterError } from './iterator.js';
import {
  get, MalformedArrayError, MalformedJsonError, MalformedObjectError, MalformedStringError, MalformedValueError,
  nextToken, NULL, OBJECT, objectEach, parseInt64, parseString, STRING, Value, withMemo,
} from './jsonparser.js';

const PREFIX = 'loghttp.PushRequest.';
const STREAMS_PREFIX = 'loghttp.PushRequest.Streams: []loghttp.LogProtoStream: ';
const EMPTY_LINE: Buffer = Buffer.alloc(0);
/** Go's zero time.Time, what an entry without a timestamp decodes to. */
const ZERO_TIME_NS = -62135596800n * 1_000_000_000n;

/** Throws JsonIterError with Loki's text on malformed input. */
export function decodeJsonV1(body: Buffer): PushRequest {
  const it = new Iterator(body);
  if (body.length === 0) throw new JsonIterError('EOF');
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
      streams = decodeStreams(it);
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
function decodeStreams(it: Iterator): PushStream[] {
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
    const res = withMemo(it.memo, () => decodeStream(it.b, start, end));
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

/** loghttp.LogProtoStream.UnmarshalJSON over [start, end). Returns the stream or an error text. */
export function decodeStream(b: Buffer, start: number, end: number): PushStream | string {
  let labels = '';
  let entries: Entry[] = [];
  const err = objectEach(b, start, end, (key, v) => {
    if (key.length !== 6) return undefined;
    const k = key.toString('latin1');
    if (k === 'stream') {
      const res = decodeLabelSet(b, v);
      if (typeof res === 'string') return res;
      labels = res.text;
    } else if (k === 'values') {
      if (v.type === NULL) return undefined;
      const res = decodeEntries(b, v.start, v.end);
      if (typeof res === 'string') return res;
      entries = res;
    }
    return undefined;
  });
  return err ?? { labels, entries };
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
function decodeEntries(b: Buffer, start: number, end: number): Entry[] | string {
  const entries: Entry[] = [];
  if (start >= end) return MalformedObjectError;
  const nT = nextToken(b, start, end);
  if (nT < 0) return MalformedJsonError;
  let off = nextToken(b, nT + 1, end);
  if (off < 0) return MalformedJsonError;
  if (b[off] === 0x5d) return entries;
  const v = new Value();
  const inner = new Value();
  let parseError: string | undefined;
  for (;;) {
    const err = get(b, off, end, v);
    if (err !== undefined) return err;
    if (parseError === undefined && v.type !== NULL) {
      const e = decodeEntry(b, v.start, v.end, inner);
      if (typeof e === 'string') parseError = e;
      else entries.push(e);
    }
    off = nextToken(b, v.next, end);
    if (off < 0) return MalformedArrayError;
    if (b[off] === 0x5d) break;
    if (b[off] !== 0x2c) return MalformedArrayError;
    off++;
  }
  return parseError ?? entries;
}

/**
 * One `["<ns>","<line>",{sm}]` value, with unmarshalHTTPToLogProtoEntry's quirks: a type error
 * does not advance the element index, so the next element is read in the same role, and the
 * last error wins. Structured metadata values are kept as sent (still JSON-escaped), like Loki.
 */
function decodeEntry(b: Buffer, start: number, end: number, v: Value): Entry | string {
  let ts = ZERO_TIME_NS;
  let line: Buffer = EMPTY_LINE;
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
        const n = parseInt64(b, v.start, v.end);
        if (typeof n === 'string') parseError = n;
        else { ts = n; i++; }
      } else if (i === 1) {
        const l = parseString(b, v.start, v.end);
        if (l === undefined) parseError = MalformedValueError;
        else { line = l; i++; }
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
  return { ts, line, metadata: metadata && metadata.length > 0 ? metadata : EMPTY_LABELS };
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
