/**
 * Hand-written decoder for logproto.PushRequest (pkg/push/push.proto). The schema is tiny and
 * this is the hottest path of ingestion: a generated decoder would copy every line into a
 * string, while here lines stay ranges of the (decompressed) body and entries become columns
 * (see ColumnBuilder), with no object per entry; each stream's lines are moved together within
 * the body, so that they can be copied at once.
 * Error texts are those of the gogo/protobuf code Loki runs, since they reach the client.
 *
 *   PushRequest      { repeated StreamAdapter streams = 1; }
 *   StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
 *   EntryAdapter     { Timestamp timestamp = 1; string line = 2;
 *                      repeated LabelPairAdapter structuredMetadata = 3; repeated LabelPairAdapter parsed = 4; }
 *   LabelPairAdapter { string name = 1; string value = 2; }
 *   Timestamp        { int64 seconds = 1; int32 nanos = 2; }
 */
import type { Label } from '../model/labels.js';
import { BadRequestError } from '../util/errors.js';
import { ColumnBuilder } from './columns.js';
import type { PushRequest, PushStream } from './types.js';

const UNEXPECTED_EOF = 'unexpected EOF';
const INT_OVERFLOW = 'proto: integer overflow';
const INVALID_LENGTH = 'proto: negative length found during unmarshaling';

/** Go's zero time.Time (0001-01-01T00:00:00Z), what an entry without a timestamp decodes to. */
const ZERO_TIME_SECONDS = -62135596800;
const MAX_TIME_SECONDS = 253402300800;

class ProtoError extends Error {}

/** Cursor over one message; `lo`/`hi` hold the halves of the last varint read. */
class Cursor {
  pos: number;
  lo = 0;
  hi = 0;
  constructor(readonly buf: Buffer, start: number, public end: number) {
    this.pos = start;
  }

  /** Reads a varint the way gogo does: at most 10 bytes, bits past 64 dropped. */
  varint(): void {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < this.end) {
      const b = buf[pos];
      if (b < 0x80) { this.lo = b; this.hi = 0; this.pos = pos + 1; return; }
    }
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) throw new ProtoError(INT_OVERFLOW);
      if (pos >= this.end) throw new ProtoError(UNEXPECTED_EOF);
      const b = buf[pos++];
      const v = b & 0x7f;
      if (shift < 28) lo |= v << shift;
      else if (shift === 28) { lo |= (v & 0x0f) << 28; hi |= v >>> 4; }
      else hi |= v << (shift - 32);
      if (b < 0x80) break;
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    this.pos = pos;
  }

  /** Length prefix of a bytes/message field, checked as gogo checks it; returns the end offset. */
  length(): number {
    this.varint();
    if (this.hi & 0x80000000) throw new ProtoError(INVALID_LENGTH);
    const len = this.hi * 4294967296 + this.lo;
    if (len > this.end - this.pos) throw new ProtoError(UNEXPECTED_EOF);
    return this.pos + len;
  }

  /** Skips an unknown field (gogo's skipX); `tagLo` is the low half of the tag already read. */
  skip(tagLo: number): void {
    let wireType = tagLo & 7;
    let depth = 0;
    for (;;) {
      switch (wireType) {
        case 0:
          for (let shift = 0; ; shift += 7) {
            if (shift >= 64) throw new ProtoError(INT_OVERFLOW);
            if (this.pos >= this.end) throw new ProtoError(UNEXPECTED_EOF);
            if (this.buf[this.pos++] < 0x80) break;
          }
          break;
        case 1: this.pos += 8; break;
        case 2: {
          this.varint();
          if (this.hi & 0x80000000) throw new ProtoError(INVALID_LENGTH);
          this.pos += this.hi * 4294967296 + this.lo;
          break;
        }
        case 3: depth++; break;
        case 4:
          if (depth === 0) throw new ProtoError('proto: unexpected end of group');
          depth--;
          break;
        case 5: this.pos += 4; break;
        default: throw new ProtoError(`proto: illegal wireType ${wireType}`);
      }
      if (depth === 0) break;
      if (this.pos >= this.end) throw new ProtoError(UNEXPECTED_EOF);
      this.varint();
      wireType = this.lo & 7;
    }
    if (this.pos > this.end) throw new ProtoError(UNEXPECTED_EOF);
  }

  /**
   * Reads a field tag into lo/hi and returns the field number, throwing gogo's errors for
   * an end-group wire type or a non-positive field number.
   */
  tag(message: string): number {
    this.varint();
    const wireType = this.lo & 7;
    const fieldNum = ((this.lo >>> 3) | (this.hi << 29)) | 0;
    if (wireType === 4) throw new ProtoError(`proto: ${message}: wiretype end group for non-group`);
    if (fieldNum <= 0) {
      const wire = (BigInt(this.hi) << 32n) | BigInt(this.lo);
      throw new ProtoError(`proto: ${message}: illegal tag ${fieldNum} (wire type ${wire})`);
    }
    return fieldNum;
  }

  expectWireType(tagLo: number, want: number, field: string): void {
    const wireType = tagLo & 7;
    if (wireType !== want) throw new ProtoError(`proto: wrong wireType = ${wireType} for field ${field}`);
  }
}

/** Decodes a snappy-decompressed protobuf PushRequest. Throws BadRequestError with gogo's text. */
export function decodePushProto(body: Buffer): PushRequest {
  try {
    // ~270-byte lines with ~15 bytes of framing each; the builder grows if lines are shorter.
    // Parsed bytes are not looked at again: lines are packed as they come.
    const cols = new ColumnBuilder(body, (body.length >>> 8) + 16, true);
    return decodeRequest(new Cursor(body, 0, body.length), cols);
  } catch (err) {
    if (err instanceof ProtoError) throw new BadRequestError(err.message);
    throw err;
  }
}

// Submessages are decoded with the one cursor: `end` is narrowed to the submessage and restored.

function decodeRequest(c: Cursor, cols: ColumnBuilder): PushRequest {
  const streams: PushStream[] = [];
  while (c.pos < c.end) {
    const field = c.tag('PushRequest');
    const tagLo = c.lo;
    if (field === 1) {
      c.expectWireType(tagLo, 2, 'Streams');
      const end = c.length();
      const outer = c.end;
      c.end = end;
      streams.push(decodeStream(c, cols));
      c.end = outer;
      c.pos = end;
    } else {
      c.skip(tagLo);
    }
  }
  return { streams };
}

function decodeStream(c: Cursor, cols: ColumnBuilder): PushStream {
  let labels = '';
  cols.beginStream();
  while (c.pos < c.end) {
    const field = c.tag('StreamAdapter');
    const tagLo = c.lo;
    switch (field) {
      case 1: {
        c.expectWireType(tagLo, 2, 'Labels');
        const end = c.length();
        labels = c.buf.toString('utf8', c.pos, end);
        c.pos = end;
        break;
      }
      case 2: {
        c.expectWireType(tagLo, 2, 'Entries');
        const end = c.length();
        const outer = c.end;
        c.end = end;
        decodeEntry(c, cols);
        c.end = outer;
        c.pos = end;
        break;
      }
      case 3:
        c.expectWireType(tagLo, 0, 'Hash');
        c.varint();
        break;
      default:
        c.skip(tagLo);
    }
  }
  return { labels, entries: cols.endStream() };
}

/** Timestamp of the entry being decoded (decodeTimestamp's result); module state avoids an object per entry. */
let tsSec = 0;
let tsNanos = 0;

function decodeEntry(c: Cursor, cols: ColumnBuilder): void {
  let hasTs = false;
  let lineStart = 0;
  let lineEnd = 0;
  let metadata: Label[] | undefined;
  while (c.pos < c.end) {
    const field = c.tag('EntryAdapter');
    const tagLo = c.lo;
    switch (field) {
      case 1: {
        c.expectWireType(tagLo, 2, 'Timestamp');
        const end = c.length();
        const outer = c.end;
        c.end = end;
        decodeTimestamp(c);
        c.end = outer;
        c.pos = end;
        hasTs = true;
        break;
      }
      case 2: {
        c.expectWireType(tagLo, 2, 'Line');
        const end = c.length();
        lineStart = c.pos;
        lineEnd = end;
        c.pos = end;
        break;
      }
      case 3: {
        c.expectWireType(tagLo, 2, 'StructuredMetadata');
        const end = c.length();
        const outer = c.end;
        c.end = end;
        (metadata ??= []).push(decodeLabelPair(c));
        c.end = outer;
        c.pos = end;
        break;
      }
      case 4: {
        // Parsed labels only travel on the query path; they are checked and dropped.
        c.expectWireType(tagLo, 2, 'Parsed');
        const end = c.length();
        const outer = c.end;
        c.end = end;
        decodeLabelPair(c);
        c.end = outer;
        c.pos = end;
        break;
      }
      default:
        c.skip(tagLo);
    }
  }
  const i = hasTs ? cols.add(tsSec, tsNanos, lineStart, lineEnd) : cols.add(ZERO_TIME_SECONDS, 0, lineStart, lineEnd);
  if (metadata !== undefined) cols.setMetadata(i, metadata);
}

function decodeLabelPair(c: Cursor): Label {
  let name = '';
  let value = '';
  while (c.pos < c.end) {
    const field = c.tag('LabelPairAdapter');
    const tagLo = c.lo;
    if (field === 1 || field === 2) {
      c.expectWireType(tagLo, 2, field === 1 ? 'Name' : 'Value');
      const end = c.length();
      const s = c.buf.toString('utf8', c.pos, end);
      if (field === 1) name = s;
      else value = s;
      c.pos = end;
    } else {
      c.skip(tagLo);
    }
  }
  return { name, value };
}

/** google.protobuf.Timestamp into tsSec/tsNanos, validated like gogo's StdTimeUnmarshal. */
function decodeTimestamp(c: Cursor): void {
  let secLo = 0;
  let secHi = 0;
  let nanos = 0;
  while (c.pos < c.end) {
    const field = c.tag('Timestamp');
    const tagLo = c.lo;
    if (field === 1) {
      c.expectWireType(tagLo, 0, 'Seconds');
      c.varint();
      secLo = c.lo;
      secHi = c.hi;
    } else if (field === 2) {
      c.expectWireType(tagLo, 0, 'Nanos');
      c.varint();
      nanos = c.lo | 0;
    } else {
      c.skip(tagLo);
    }
  }
  const hiSigned = secHi | 0;
  // Exact while |seconds| < 2^53, which covers every valid timestamp.
  const seconds = Math.abs(hiSigned) < 0x200000 ? hiSigned * 4294967296 + secLo : NaN;
  if (seconds < ZERO_TIME_SECONDS || (Number.isNaN(seconds) && hiSigned < 0)) {
    throw new ProtoError(`timestamp: ${describeTimestamp(secHi, secLo, nanos)} before 0001-01-01`);
  }
  if (!(seconds < MAX_TIME_SECONDS)) throw new ProtoError(`timestamp: ${describeTimestamp(secHi, secLo, nanos)} after 10000-01-01`);
  if (nanos < 0 || nanos >= 1e9) throw new ProtoError(`timestamp: ${describeTimestamp(secHi, secLo, nanos)}: nanos not in range [0, 1e9)`);
  tsSec = seconds;
  tsNanos = nanos;
}

/** gogo's %#v of a *types.Timestamp. */
function describeTimestamp(secHi: number, secLo: number, nanos: number): string {
  const s = BigInt.asIntN(64, (BigInt(secHi) << 32n) | BigInt(secLo));
  return `&types.Timestamp{Seconds: ${s},\nNanos: ${nanos},\n}`;
}
