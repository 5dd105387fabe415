/**
 * Legacy JSON body of `/api/prom/push`:
 *   {"streams":[{"labels":"{a=\"b\"}","entries":[{"ts":"<RFC3339Nano>","line":"…","structuredMetadata":{…}}]}]}
 * Loki decodes it by reflection (jsoniter into push.PushRequest): field names match without
 * regard to case, unknown fields are ignored, null means "zero value". Error texts follow
 * jsoniter's field path; the byte-position context it appends is left out.
 */
import { EMPTY_LABELS, type Label } from '../../model/labels.js';
import type { Entry } from '../../model/entry.js';
import { emptyEntries, pushEntriesFrom } from '../columns.js';
import type { PushRequest, PushStream } from '../types.js';
import { JsonIterError } from './iterator.js';

const STREAMS = 'push.PushRequest.Streams: []push.Stream: ';
const ENTRIES = STREAMS + 'push.Stream.Entries: []push.Entry: ';
const ZERO_TIME_NS = -62135596800n * 1_000_000_000n;
const EMPTY_LINE: Buffer = Buffer.alloc(0);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function found(v: Json): string {
  if (v === null) return 'n';
  if (Array.isArray(v)) return '[';
  switch (typeof v) {
    case 'object': return '{';
    case 'string': return '"';
    case 'boolean': return v ? 't' : 'f';
    default: return String(v)[0];
  }
}

function isObject(v: Json): v is { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Case-insensitive field lookup; the last matching key wins, as with repeated keys. */
function field(obj: { [k: string]: Json }, name: string): Json | undefined {
  let out: Json | undefined;
  for (const k of Object.keys(obj)) if (k.toLowerCase() === name) out = obj[k];
  return out;
}

function fail(path: string, op: string, msg: string): never {
  throw new JsonIterError(`${path}${op}: ${msg}`);
}

export function decodeJsonLegacy(body: Buffer): PushRequest {
  if (body.length === 0) throw new JsonIterError('EOF');
  let doc: Json;
  try {
    doc = JSON.parse(body.toString('utf8')) as Json;
  } catch (err) {
    throw new JsonIterError(`push.PushRequest.ReadObjectCB: ${(err as Error).message}`);
  }
  if (doc === null) return { streams: [] };
  if (!isObject(doc)) fail('', 'readObjectStart', 'expect { or n, but found ' + found(doc));
  const raw = field(doc, 'streams');
  if (raw === undefined || raw === null) return { streams: [] };
  if (!Array.isArray(raw)) fail(STREAMS, 'decode slice', 'expect [ or n, but found ' + found(raw));
  return { streams: raw.map(decodeStream) };
}

function decodeStream(s: Json): PushStream {
  if (s === null) return { labels: '', entries: emptyEntries() };
  if (!isObject(s)) fail(STREAMS, 'ReadObjectCB', 'expect { or n, but found ' + found(s));
  const labels = field(s, 'labels') ?? null;
  if (labels !== null && typeof labels !== 'string') {
    fail(STREAMS + 'push.Stream.Labels: ', 'ReadString', 'expects " or n, but found ' + found(labels));
  }
  const rawEntries = field(s, 'entries') ?? null;
  if (rawEntries !== null && !Array.isArray(rawEntries)) {
    fail(STREAMS + 'push.Stream.Entries: ', 'decode slice', 'expect [ or n, but found ' + found(rawEntries));
  }
  return { labels: labels ?? '', entries: pushEntriesFrom((rawEntries ?? []).map(decodeEntry)) };
}

function decodeEntry(e: Json): Entry {
  if (e === null) return { ts: ZERO_TIME_NS, line: EMPTY_LINE, metadata: EMPTY_LABELS };
  if (!isObject(e)) fail(ENTRIES, 'ReadObjectCB', 'expect { or n, but found ' + found(e));
  const ts = field(e, 'ts') ?? null;
  let tsNs = ZERO_TIME_NS;
  if (ts !== null) {
    if (typeof ts !== 'string') fail(ENTRIES + 'push.Entry.Timestamp: ', 'unmarshalerDecoder', 'Time.UnmarshalJSON: input is not a JSON string');
    const parsed = parseRFC3339(ts);
    if (parsed === undefined) {
      fail(ENTRIES + 'push.Entry.Timestamp: ', 'unmarshalerDecoder', `parsing time ${JSON.stringify(ts)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(ts)} as "2006"`);
    }
    tsNs = parsed;
  }
  const line = field(e, 'line') ?? null;
  if (line !== null && typeof line !== 'string') {
    fail(ENTRIES + 'push.Entry.Line: ', 'ReadString', 'expects " or n, but found ' + found(line));
  }
  const sm = field(e, 'structuredmetadata') ?? null;
  let metadata: Label[] | undefined;
  if (sm !== null) {
    if (!isObject(sm)) fail(ENTRIES + 'push.Entry.StructuredMetadata: ', 'ReadMapCB', 'expect { or n, but found ' + found(sm));
    metadata = [];
    for (const [name, value] of Object.entries(sm)) {
      if (typeof value !== 'string') fail(ENTRIES + 'push.Entry.StructuredMetadata: ', 'ReadString', 'expects " or n, but found ' + found(value));
      metadata.push({ name, value });
    }
  }
  return {
    ts: tsNs,
    line: line === null ? EMPTY_LINE : Buffer.from(line, 'utf8'),
    metadata: metadata && metadata.length > 0 ? metadata : EMPTY_LABELS,
  };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Go's time.Parse(time.RFC3339, s) as nanoseconds since the epoch, or undefined. */
export function parseRFC3339(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (m === null) return undefined;
  const [year, month, day, hour, min, sec] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || hour > 23 || min > 59 || sec > 59) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  d.setUTCHours(hour, min, sec, 0);
  let ns = BigInt(d.getTime()) * 1_000_000n;
  if (m[7] !== undefined) ns += BigInt(m[7].slice(0, 9).padEnd(9, '0'));
  if (m[8] !== 'Z') {
    const offH = Number(m[10]);
    const offM = Number(m[11]);
    if (offH > 23 || offM > 59) return undefined;
    const off = BigInt((offH * 60 + offM) * 60) * 1_000_000_000n;
    ns = m[9] === '+' ? ns - off : ns + off;
  }
  return ns;
}
