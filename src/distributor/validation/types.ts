import type { StreamEntries } from '../../model/entry.js';

export interface Discarded {
  /** Loki's reason label value, e.g. line_too_long. */
  reason: string;
  lines: number;
  /** Line bytes plus structured metadata bytes (names and values). */
  bytes: number;
}

export interface ValidationResult {
  /** Accepted streams in request order; labels parsed, canonical and sorted. */
  streams: StreamEntries[];
  /** Loki's per-stream / per-entry messages, one per rejection (see formatPushErrors). */
  errors: string[];
  discarded: Discarded[];
  acceptedLines: number;
  /** Accepted line bytes plus structured metadata bytes, as Loki counts them for rate limits. */
  acceptedBytes: number;
}
