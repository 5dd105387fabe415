import type { Entry } from '../model/entry.js';

/**
 * One stream of a decoded push, before validation.
 * `labels` is the label text as sent (protobuf), or for JSON the stream object printed
 * with labelsToString after sorting. Entries keep the request order; their metadata is
 * the structured metadata as sent (request order, names not yet normalized or deduplicated).
 */
export interface PushStream {
  labels: string;
  entries: Entry[];
}

export interface PushRequest {
  streams: PushStream[];
}

export interface DecodeOptions {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Cap on the body after Content-Encoding and snappy decoding; exceeding it is a 413. */
  maxDecompressedBytes: number;
  /** `/api/prom/push`: the legacy JSON shape. Protobuf bodies are the same on both paths. */
  legacy?: boolean;
}
