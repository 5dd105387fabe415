/**
 * Push body decoding for `/loki/api/v1/push` and `/api/prom/push`, following Loki's
 * pkg/loghttp/push.ParseLokiRequest: Content-Encoding first, then `application/json`
 * (with any parameters) as JSON and anything else as snappy-compressed protobuf.
 */
import { goQuote } from '../model/labels.js';
import { BadRequestError } from '../util/errors.js';
import { parseMediaType } from './content-type.js';
import { decodeContentEncoding, decodeSnappyBody, InflateError } from './decompress.js';
import { JsonIterError } from './json/iterator.js';
import { decodeJsonLegacy } from './json/legacy.js';
import { decodeJsonV1 } from './json/v1.js';
import { decodePushProto } from './protobuf.js';
import type { DecodeOptions, PushRequest } from './types.js';

const SUPPORTED_ENCODINGS = new Set(['', 'snappy', 'gzip', 'deflate']);

/**
 * Decodes a push body. Lines of the result are subarrays of the (decompressed) body; a snappy
 * body is decoded into a pooled buffer, which the result's release() gives back.
 * Rejects with HttpError subclasses carrying Loki's status and text.
 */
export async function decodePushRequest(body: Buffer, opts: DecodeOptions): Promise<PushRequest> {
  const encoding = opts.contentEncoding ?? '';
  // Unsupported encodings fail before the media type is looked at, as in Loki.
  if (!SUPPORTED_ENCODINGS.has(encoding)) throw new BadRequestError(`Content-Encoding ${goQuote(encoding)} not supported`);
  const isJson = parseMediaType(opts.contentType) === 'application/json';
  let raw: Buffer;
  try {
    raw = await decodeContentEncoding(body, encoding, opts.maxDecompressedBytes);
  } catch (err) {
    if (!(err instanceof InflateError)) throw err;
    // The JSON decoder reports a reader that fails before yielding any byte as plain EOF.
    throw new BadRequestError(isJson && err.produced === 0 ? 'EOF' : err.message);
  }
  if (isJson) {
    try {
      return opts.legacy ? decodeJsonLegacy(raw) : decodeJsonV1(raw);
    } catch (err) {
      if (err instanceof JsonIterError) throw new BadRequestError(err.message);
      throw err;
    }
  }
  const decoded = await decodeSnappyBody(raw, opts.maxDecompressedBytes);
  try {
    const req = decodePushProto(decoded.data);
    req.release = decoded.release;
    return req;
  } catch (err) {
    decoded.release();
    throw err;
  }
}
