import { BadRequestError } from '../../util/errors.js';
/**
 * Validation of a decoded push against a tenant's limits, as Loki's distributor does it: each
 * stream and entry is checked; valid ones are kept (partial success) and the others produce
 * Loki's messages and discard counts. Accepted entries get normalized structured metadata and
 * detected_level. Streams and entries keep the request order.
 *
 * One deliberate difference: Loki's HTTP push parser fails the whole request when any stream's
 * labels do not parse (400 `couldn't parse labels: …`); here only that stream is rejected, with
 * the same message, and the other streams are kept.
 */
import type { LimitsConfig } from '../../config/types.js';
import type { Entry, StreamEntries } from '../../model/entry.js';
import { EMPTY_LABELS, type Label, type Labels } from '../../model/labels.js';
import type { PushRequest } from '../../push/types.js';
import { DETECTED_LEVEL, LevelDetector } from './detected-level.js';
import { Reason } from './messages.js';
import { resolveStreamLabels, type StreamLabels } from './stream-labels.js';
import { canonicalMetadata, metadataSize, normalizeMetadata } from './structured-metadata.js';
import type { Discarded, ValidationResult } from './types.js';
import { entryLimits, unixNano, validateEntry, type EntryLimits } from './validate-entry.js';
import { validateStreamLabels } from './validate-labels.js';

const detectors = new WeakMap<readonly string[], LevelDetector>();

function detectorFor(limits: LimitsConfig): LevelDetector | undefined {
  if (!limits.discover_log_levels || !limits.allow_structured_metadata) return undefined;
  let d = detectors.get(limits.log_level_fields);
  if (d === undefined) detectors.set(limits.log_level_fields, (d = new LevelDetector(limits.log_level_fields)));
  return d;
}

/** Shared, frozen metadata for the common case of detected_level alone. */
const levelOnly = new Map<string, Labels>();
function levelLabel(level: string): Labels {
  let l = levelOnly.get(level);
  if (l === undefined) {
    l = Object.freeze([Object.freeze({ name: DETECTED_LEVEL, value: level })]) as Labels;
    if (levelOnly.size < 64) levelOnly.set(level, l);
  }
  return l;
}

const NO_PAIRS: Label[] = [];

function hasName(labels: readonly Label[], name: string): boolean {
  for (let i = 0; i < labels.length; i++) if (labels[i].name === name) return true;
  return false;
}

class Tally {
  readonly byReason = new Map<string, Discarded>();
  add(reason: string, lines: number, bytes: number): void {
    const d = this.byReason.get(reason);
    if (d) { d.lines += lines; d.bytes += bytes; } else this.byReason.set(reason, { reason, lines, bytes });
  }
}

function entriesSize(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += e.line.length + (e.metadata.length > 0 ? metadataSize(e.metadata) : 0);
  return n;
}

/** max_line_size_truncate: lines are cut to max_line_size bytes before any check. */
function truncateLines(entries: Entry[], max: number): Entry[] {
  if (max === 0 || !entries.some((e) => e.line.length > max)) return entries;
  return entries.map((e) => (e.line.length > max ? { ...e, line: e.line.subarray(0, max) } : e));
}

export function validatePush(_tenant: string, req: PushRequest, limits: LimitsConfig, now: bigint): ValidationResult {
  const ctx = entryLimits(limits, now);
  const detector = detectorFor(limits);
  const result: ValidationResult = { streams: [], errors: [], discarded: [], acceptedLines: 0, acceptedBytes: 0 };
  const tally = new Tally();

  // Like Loki's push parser, a stream whose labels do not parse fails the whole request: nothing is written.
  const resolved: StreamLabels[] = [];
  for (const s of req.streams) {
    const stream = resolveStreamLabels(s.labels, limits.discover_service_name);
    if (typeof stream === 'string') throw new BadRequestError(stream);
    resolved.push(stream);
  }
  for (let i = 0; i < req.streams.length; i++) {
    const s = req.streams[i];
    if (s.entries.length === 0) continue;
    const entries = limits.max_line_size_truncate ? truncateLines(s.entries, limits.max_line_size) : s.entries;
    const stream = resolved[i];
    const rejected = validateStreamLabels(stream, limits);
    if (rejected) {
      result.errors.push(rejected.message);
      tally.add(rejected.reason, entries.length, entriesSize(entries));
      continue;
    }
    const accepted = acceptEntries(entries, stream, ctx, detector, limits.increment_duplicate_timestamp, result, tally);
    if (accepted.length > 0) result.streams.push({ labels: stream.labels, key: stream.key, entries: accepted } satisfies StreamEntries);
  }

  result.discarded = [...tally.byReason.values()];
  return result;
}

function acceptEntries(
  entries: readonly Entry[], stream: StreamLabels, ctx: EntryLimits, detector: LevelDetector | undefined,
  incrementDuplicates: boolean, result: ValidationResult, tally: Tally,
): Entry[] {
  const out: Entry[] = [];
  let prevTs = entries[0].ts;
  // A level field among the stream labels decides for every entry ('' means: add none).
  const streamLevel = detector?.fromLabels(stream.labels);
  for (const entry of entries) {
    const rawMetadataBytes = entry.metadata.length > 0 ? metadataSize(entry.metadata) : 0;
    const rejected = validateEntry(ctx, entry, rawMetadataBytes, stream.key);
    if (rejected) {
      result.errors.push(rejected.message);
      tally.add(rejected.reason, 1, entry.line.length + rawMetadataBytes);
      continue;
    }
    let metadata: Labels = EMPTY_LABELS;
    let metadataBytes = 0;
    const pairs: Label[] = entry.metadata.length > 0 ? normalizeMetadata(entry.metadata) : NO_PAIRS;
    let level: string | undefined;
    if (detector !== undefined && !hasName(pairs, DETECTED_LEVEL)) {
      level = streamLevel !== undefined ? streamLevel || undefined : detector.detectEntry(pairs, entry.line);
    }
    if (pairs.length === 0 && level !== undefined) {
      metadata = levelLabel(level);
      metadataBytes = DETECTED_LEVEL.length + level.length;
    } else if (pairs.length > 0) {
      if (level !== undefined) pairs.push({ name: DETECTED_LEVEL, value: level });
      metadataBytes = metadataSize(pairs);
      metadata = canonicalMetadata(pairs);
    }

    let ts = unixNano(entry.ts);
    // increment_duplicate_timestamp: same timestamp, different line → 1ns later (Loki's rule).
    if (incrementDuplicates && out.length > 0) {
      const last = out[out.length - 1];
      if (!last.line.equals(entry.line) && (entry.ts === prevTs || entry.ts === last.ts)) ts = last.ts + 1n;
      else prevTs = entry.ts;
    }
    out.push({ ts, line: entry.line, metadata });
    result.acceptedLines++;
    result.acceptedBytes += entry.line.length + metadataBytes;
  }
  return out;
}
