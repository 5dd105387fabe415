/**
 * Entry rules (Loki's Validator.ValidateEntry), in Loki's order: too old, too new, line too
 * long, then structured metadata: disallowed, too large, too many.
 */
import type { LimitsConfig } from '../../config/types.js';
import type { Entry } from '../../model/entry.js';
import * as msg from './messages.js';
import { Reason } from './messages.js';
import { formatRFC3339Seconds } from './time-format.js';
import type { Rejection } from './validate-labels.js';

const NS_PER_MS = 1_000_000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The limits an entry is checked against, resolved once per push. */
export interface EntryLimits {
  rejectOld: boolean;
  /** Oldest accepted timestamp (ns) when rejectOld. */
  oldestNs: bigint;
  /** Newest accepted timestamp (ns): now + creation_grace_period. */
  newestNs: bigint;
  maxLineSize: number;
  allowMetadata: boolean;
  maxMetadataSize: number;
  maxMetadataCount: number;
}

export function entryLimits(limits: LimitsConfig, now: bigint): EntryLimits {
  return {
    rejectOld: limits.reject_old_samples,
    oldestNs: now - BigInt(Math.round(limits.reject_old_samples_max_age)) * NS_PER_MS,
    newestNs: now + BigInt(Math.round(limits.creation_grace_period)) * NS_PER_MS,
    maxLineSize: limits.max_line_size,
    allowMetadata: limits.allow_structured_metadata,
    maxMetadataSize: limits.max_structured_metadata_size,
    maxMetadataCount: limits.max_structured_metadata_entries_count,
  };
}

/** Go's time.UnixNano: timestamps outside the int64 range wrap around. */
export function unixNano(ts: bigint): bigint {
  return ts < INT64_MIN || ts > INT64_MAX ? BigInt.asIntN(64, ts) : ts;
}

/** `metadataBytes` is the size of the entry's structured metadata as sent. */
export function validateEntry(l: EntryLimits, entry: Entry, metadataBytes: number, stream: string): Rejection | undefined {
  const ts = unixNano(entry.ts);
  if (l.rejectOld && ts < l.oldestNs) {
    return {
      reason: Reason.GreaterThanMaxSampleAge,
      message: msg.timestampTooOld(stream, formatRFC3339Seconds(entry.ts), formatRFC3339Seconds(l.oldestNs)),
    };
  }
  if (ts > l.newestNs) {
    return { reason: Reason.TooFarInFuture, message: msg.timestampTooNew(stream, formatRFC3339Seconds(entry.ts)) };
  }
  if (l.maxLineSize !== 0 && entry.line.length > l.maxLineSize) {
    return { reason: Reason.LineTooLong, message: msg.lineTooLong(l.maxLineSize, stream, entry.line.length) };
  }
  const count = entry.metadata.length;
  if (count > 0) {
    if (!l.allowMetadata) return { reason: Reason.DisallowedStructuredMetadata, message: msg.structuredMetadataDisallowed(stream) };
    if (l.maxMetadataSize !== 0 && metadataBytes > l.maxMetadataSize) {
      return { reason: Reason.StructuredMetadataTooLarge, message: msg.structuredMetadataTooLarge(stream, metadataBytes, l.maxMetadataSize) };
    }
    if (l.maxMetadataCount !== 0 && count > l.maxMetadataCount) {
      return { reason: Reason.StructuredMetadataTooMany, message: msg.structuredMetadataTooMany(stream, count, l.maxMetadataCount) };
    }
  }
  return undefined;
}
