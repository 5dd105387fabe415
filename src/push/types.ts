import type { EntryColumns } from '../model/entry.js';

/**
 * Entries of one pushed stream as columns (see EntryColumns): lines are ranges of the
 * (decompressed) body, timestamps int64 ns. Metadata is as sent (request order, names not yet
 * normalized or deduplicated).
 */
export interface PushEntries extends EntryColumns {
  /**
   * Timestamps outside the int64 range (protobuf allows years 1 to 9999): ts[i] holds the
   * value wrapped as Go's UnixNano does, this map the exact one, by entry index. Null when none.
   */
  readonly exact: ReadonlyMap<number, bigint> | null;
}

/**
 * One stream of a decoded push, before validation.
 * `labels` is the label text as sent (protobuf), or for JSON the stream object printed
 * with labelsToString after sorting. Entries keep the request order.
 */
export interface PushStream {
  labels: string;
  entries: PushEntries;
}

export interface PushRequest {
  streams: PushStream[];
  /**
   * Set when the lines are in a pooled buffer: gives it back. Call it once nothing reads the
   * lines any more (the distributor does, after handing the entries over); calling it again does
   * nothing, and not calling it only costs the buffer's reuse.
   */
  release?: () => void;
}

export interface DecodeOptions {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Cap on the body after Content-Encoding and snappy decoding; exceeding it is a 413. */
  maxDecompressedBytes: number;
  /** `/api/prom/push`: the legacy JSON shape. Protobuf bodies are the same on both paths. */
  legacy?: boolean;
}
