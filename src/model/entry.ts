import type { Labels } from './labels.js';
import type { Nanos } from './time.js';

/** One log entry on the write path. The line stays bytes from the push body to the chunk. */
export interface Entry {
  readonly ts: Nanos;
  readonly line: Buffer;
  /** Structured metadata, sorted by name; EMPTY_LABELS when none. */
  readonly metadata: Labels;
}

/** Entries of one stream of one push request, labels already validated and canonical. */
export interface StreamEntries {
  readonly labels: Labels;
  /** labelsToString(labels): the stream's identity within a tenant. */
  readonly key: string;
  readonly entries: Entry[];
}
