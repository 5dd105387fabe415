/**
 * Entry rules (Loki's Validator.ValidateEntry), in Loki's order: too old, too new, line too
 * long, then structured metadata: disallowed, too large, too many.
 */
import type { LimitsConfig } from '../../config/types.js';
import { hiOf, loOf, lt64 } from '../../model/entry.js';
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
  /** oldestNs and newestNs as int64 halves (see Halves), for comparing without a bigint. */
  oldestHi: number;
  oldestLo: number;
  newestHi: number;
  newestLo: number;
  maxLineSize: number;
  allowMetadata: boolean;
  maxMetadataSize: number;
  maxMetadataCount: number;
}

export function entryLimits(limits: LimitsConfig, now: bigint): EntryLimits {
  const oldestNs = now - BigInt(Math.round(limits.reject_old_samples_max_age)) * NS_PER_MS;
  const newestNs = now + BigInt(Math.round(limits.creation_grace_period)) * NS_PER_MS;
  // Bounds past int64 clamp to its ends: every stored timestamp lies within them.
  const oldest = oldestNs < INT64_MIN ? INT64_MIN : oldestNs > INT64_MAX ? INT64_MAX : oldestNs;
  const newest = newestNs < INT64_MIN ? INT64_MIN : newestNs > INT64_MAX ? INT64_MAX : newestNs;
  return {
    rejectOld: limits.reject_old_samples,
    oldestNs,
    newestNs,
    oldestHi: hiOf(oldest),
    oldestLo: loOf(oldest),
    newestHi: hiOf(newest),
    newestLo: loOf(newest),
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

/** Where validateEntry finds an entry's timestamp as sent, for its messages. */
export interface ExactTs {
  readonly ts: BigInt64Array;
  readonly exact: ReadonlyMap<number, bigint> | null;
}

function exactTs(e: ExactTs, i: number): bigint {
  return e.exact?.get(i) ?? e.ts[i];
}

/**
 * Entry rules for entry i of `e`, whose int64 timestamp halves are (hi, lo) (already wrapped
 * like Go's UnixNano); `lineLength`, and `metadataCount` pairs of `metadataBytes`.
 */
export function validateEntry(
  l: EntryLimits, hi: number, lo: number, e: ExactTs, i: number, lineLength: number, metadataCount: number, metadataBytes: number, stream: string,
): Rejection | undefined {
  if (l.rejectOld && lt64(hi, lo, l.oldestHi, l.oldestLo)) {
    return {
      reason: Reason.GreaterThanMaxSampleAge,
      message: msg.timestampTooOld(stream, formatRFC3339Seconds(exactTs(e, i)), formatRFC3339Seconds(l.oldestNs)),
    };
  }
  if (lt64(l.newestHi, l.newestLo, hi, lo)) {
    return { reason: Reason.TooFarInFuture, message: msg.timestampTooNew(stream, formatRFC3339Seconds(exactTs(e, i))) };
  }
  if (l.maxLineSize !== 0 && lineLength > l.maxLineSize) {
    return { reason: Reason.LineTooLong, message: msg.lineTooLong(l.maxLineSize, stream, lineLength) };
  }
  if (metadataCount > 0) {
    if (!l.allowMetadata) return { reason: Reason.DisallowedStructuredMetadata, message: msg.structuredMetadataDisallowed(stream) };
    if (l.maxMetadataSize !== 0 && metadataBytes > l.maxMetadataSize) {
      return { reason: Reason.StructuredMetadataTooLarge, message: msg.structuredMetadataTooLarge(stream, metadataBytes, l.maxMetadataSize) };
    }
    if (l.maxMetadataCount !== 0 && metadataCount > l.maxMetadataCount) {
      return { reason: Reason.StructuredMetadataTooMany, message: msg.structuredMetadataTooMany(stream, metadataCount, l.maxMetadataCount) };
    }
  }
  return undefined;
}
