/**
 * Bounded decoding of push bodies: Content-Encoding (gzip, deflate) and the snappy block
 * format of protobuf pushes. Inflation is streamed and stopped as soon as the output passes
 * the cap, so a small compressed body cannot expand without limit; snappy's declared length
 * is checked before any decoding. Error texts are those of Go's readers, as Loki returns them.
 */
import {
  createGunzip, createInflate, createInflateRaw, gunzipSync, inflateRawSync, inflateSync,
  type Gunzip, type Inflate, type InflateRaw,
} from 'node:zlib';
import snappy from 'snappy';
import { goQuote } from '../model/labels.js';
import { BadRequestError, PayloadTooLargeError } from '../util/errors.js';
import { releaseBody, takeBody } from './body-pool.js';
import { SNAPPY_SLACK, snappyDecodeInto } from './snappy.js';

/** Loki's text for a body over the size limit (pkg/util: ParseProtoReader). */
export function tooLarge(size: number, max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`received message larger than max (${size} vs ${max})`);
}

/** A decompression failure, with how much output came out before it. */
export class InflateError extends Error {
  constructor(message: string, readonly produced: number) {
    super(message);
  }
}

const CHUNK_SIZE = 64 * 1024;
/** Small bodies are inflated synchronously: twice as cheap as a stream. */
const SYNC_MAX_INPUT = 256 * 1024;
/** ...as long as they expand at most this much; beyond, the streaming path takes over. */
const SYNC_MAX_RATIO = 64;

type Kind = 'gzip' | 'zlib' | 'flate';

/**
 * Synchronous attempt for small bodies, with the output bounded by maxOutputLength (zlib stops
 * as soon as it is passed). Returns undefined to fall back to the stream, which also words errors.
 */
function inflateSmall(kind: Kind, body: Buffer, max: number): Buffer | undefined {
  if (body.length > SYNC_MAX_INPUT) return undefined;
  const limit = Math.min(max, body.length * SYNC_MAX_RATIO + CHUNK_SIZE);
  const opts = { maxOutputLength: limit, chunkSize: CHUNK_SIZE };
  try {
    return kind === 'gzip' ? gunzipSync(body, opts) : kind === 'zlib' ? inflateSync(body, opts) : inflateRawSync(body, opts);
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' && limit === max) throw tooLarge(max + 1, max);
    return undefined;
  }
}

/**
 * gzip.NewReader checks the header before any body byte is read; its errors are the same
 * whichever decoder follows.
 */
function checkGzipHeader(body: Buffer): void {
  if (body.length === 0) throw new BadRequestError('EOF');
  if (body.length < 10) throw new BadRequestError('unexpected EOF');
  if (body[0] !== 0x1f || body[1] !== 0x8b || body[2] !== 8) throw new BadRequestError('gzip: invalid header');
}

/** A zlib-wrapped stream (RFC 1950), which some clients send as `deflate`; Go expects raw deflate. */
function isZlibWrapped(body: Buffer): boolean {
  return body.length >= 2 && (body[0] & 0x0f) === 8 && (body[0] >> 4) <= 7 && ((body[0] << 8) | body[1]) % 31 === 0;
}

function goInflateMessage(err: Error & { code?: string }, kind: Kind, inputLength: number): string {
  if (err.code === 'Z_BUF_ERROR' || err.message === 'unexpected end of file') return 'unexpected EOF';
  if (err.message === 'incorrect data check') return kind === 'flate' ? `flate: corrupt input before offset ${inputLength}` : `${kind}: invalid checksum`;
  if (err.message === 'incorrect header check') return kind === 'gzip' ? 'gzip: invalid header' : 'zlib: invalid header';
  return `flate: corrupt input before offset ${inputLength}`;
}

/** Streams `body` through `z`, stopping once the output exceeds `max` bytes. */
function inflateBounded(z: Gunzip | Inflate | InflateRaw, body: Buffer, max: number, kind: Kind): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let produced = 0;
    let done = false;
    z.on('data', (chunk: Buffer) => {
      if (done) return;
      produced += chunk.length;
      if (produced > max) {
        done = true;
        z.destroy();
        reject(tooLarge(produced, max));
        return;
      }
      chunks.push(chunk);
    });
    z.on('error', (err: Error) => {
      if (done) return;
      done = true;
      reject(new InflateError(goInflateMessage(err, kind, body.length), produced));
    });
    z.on('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, produced));
    });
    z.end(body);
  });
}

/**
 * Removes the Content-Encoding. Rejects with BadRequestError/PayloadTooLargeError, or with
 * InflateError for a corrupt stream (the caller words it per body format).
 */
export async function decodeContentEncoding(body: Buffer, encoding: string, max: number): Promise<Buffer> {
  switch (encoding) {
    case '':
    case 'snappy':
      if (body.length > max) throw tooLarge(body.length, max);
      return body;
    case 'gzip':
      checkGzipHeader(body);
      return inflateSmall('gzip', body, max) ?? inflateBounded(createGunzip({ chunkSize: CHUNK_SIZE }), body, max, 'gzip');
    case 'deflate':
      if (isZlibWrapped(body)) return inflateSmall('zlib', body, max) ?? inflateBounded(createInflate({ chunkSize: CHUNK_SIZE }), body, max, 'zlib');
      return inflateSmall('flate', body, max) ?? inflateBounded(createInflateRaw({ chunkSize: CHUNK_SIZE }), body, max, 'flate');
    default:
      throw new BadRequestError(`Content-Encoding ${goQuote(encoding)} not supported`);
  }
}

const SNAPPY_CORRUPT = 'snappy: corrupt input';
/** Above this, snappy runs on the thread pool rather than on the event loop. */
const SNAPPY_ASYNC_BYTES = 256 * 1024;

/** Length declared in a snappy block header (Go's snappy.DecodedLen), or -1 when corrupt. */
export function snappyDecodedLength(body: Buffer): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < body.length && i < 10; i++) {
    const b = body[i];
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v > 0xffffffff ? -1 : v;
    mul *= 128;
  }
  return -1;
}

/** Bytes of the length preamble of a snappy block whose snappyDecodedLength is not -1. */
function preambleLength(body: Buffer): number {
  let i = 0;
  while (body[i] >= 0x80) i++;
  return i + 1;
}

/** A decoded body; `release()` hands its buffer back for reuse: after it, `data` must not be read. */
export interface DecodedBody {
  readonly data: Buffer;
  release(): void;
}

const NOTHING_TO_RELEASE = (): void => undefined;

/**
 * decodeSnappy into a pooled buffer (see body-pool.ts). Bodies too large for the event loop
 * take decodeSnappy's thread-pool path and a buffer of their own.
 */
export async function decodeSnappyBody(body: Buffer, max: number): Promise<DecodedBody> {
  if (body.length > SNAPPY_ASYNC_BYTES) return { data: await decodeSnappy(body, max), release: NOTHING_TO_RELEASE };
  const declared = snappyDecodedLength(body);
  if (declared < 0) throw new BadRequestError(SNAPPY_CORRUPT);
  if (declared > max) throw tooLarge(declared, max);
  const buf = takeBody(declared + SNAPPY_SLACK);
  if (!snappyDecodeInto(body, preambleLength(body), buf, declared)) {
    releaseBody(buf);
    throw new BadRequestError(SNAPPY_CORRUPT);
  }
  let released = false;
  return {
    data: buf.subarray(0, declared),
    release: () => {
      if (released) return;
      released = true;
      releaseBody(buf);
    },
  };
}

/** Decodes a snappy block, checking the declared length against `max` first. */
export async function decodeSnappy(body: Buffer, max: number): Promise<Buffer> {
  const declared = snappyDecodedLength(body);
  if (declared < 0) throw new BadRequestError(SNAPPY_CORRUPT);
  if (declared > max) throw tooLarge(declared, max);
  try {
    // copyOutputData: a plain Buffer is ~4x faster to make and collect than an external one.
    const out = body.length > SNAPPY_ASYNC_BYTES
      ? await snappy.uncompress(body, { copyOutputData: true })
      : snappy.uncompressSync(body, { copyOutputData: true });
    if (!Buffer.isBuffer(out) || out.length !== declared) throw new BadRequestError(SNAPPY_CORRUPT);
    return out;
  } catch {
    throw new BadRequestError(SNAPPY_CORRUPT);
  }
}
