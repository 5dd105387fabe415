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
import { HI, LO, tsHalves, type EntryColumns, type StreamEntries } from '../../model/entry.js';
import { EMPTY_LABELS, type Label, type Labels } from '../../model/labels.js';
import type { PushEntries, PushRequest } from '../../push/types.js';
import { DETECTED_LEVEL, LevelDetector } from './detected-level.js';
import { resolveStreamLabels, type StreamLabels } from './stream-labels.js';
import { canonicalMetadata, metadataSize, normalizeMetadata } from './structured-metadata.js';
import type { Discarded, ValidationResult } from './types.js';
import { entryLimits, validateEntry, type EntryLimits } from './validate-entry.js';
import { validateStreamLabels, type Rejection } from './validate-labels.js';

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

function entriesSize(entries: PushEntries): number {
  let n = 0;
  const md = entries.metadata;
  for (let i = 0; i < entries.count; i++) {
    n += entries.lineEnd[i] - entries.lineStart[i];
    if (md !== null && md[i].length > 0) n += metadataSize(md[i]);
  }
  return n;
}

/** max_line_size_truncate: lines are cut to max_line_size bytes before any check (in place). */
function truncateLines(entries: PushEntries, max: number): void {
  if (max === 0) return;
  const ls = entries.lineStart;
  const le = entries.lineEnd as Uint32Array;
  for (let i = 0; i < entries.count; i++) if (le[i] - ls[i] > max) le[i] = ls[i] + max;
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
    const entries = req.streams[i].entries;
    if (entries.count === 0) continue;
    if (limits.max_line_size_truncate) truncateLines(entries, limits.max_line_size);
    const stream = resolved[i];
    const rejected = checkStreamLabels(stream, limits);
    if (rejected) {
      result.errors.push(rejected.message);
      tally.add(rejected.reason, entries.count, entriesSize(entries));
      continue;
    }
    const accepted = acceptEntries(entries, stream, ctx, detector, limits.increment_duplicate_timestamp, result, tally);
    if (accepted.count > 0) result.streams.push({ labels: stream.labels, key: stream.key, entries: accepted } satisfies StreamEntries);
  }

  result.discarded = [...tally.byReason.values()];
  return result;
}

/** validateStreamLabels, remembered on the (cached) stream labels for the limits object it ran with. */
function checkStreamLabels(stream: StreamLabels, limits: LimitsConfig): Rejection | undefined {
  const c = stream.checked;
  if (c !== undefined && c.limits === limits) return c.rejection;
  const rejection = validateStreamLabels(stream, limits);
  stream.checked = { limits, rejection };
  return rejection;
}

/** detector.fromLabels(stream labels), remembered like checkStreamLabels. */
function streamLevel(stream: StreamLabels, detector: LevelDetector): string | undefined {
  const c = stream.level;
  if (c !== undefined && c.detector === detector) return c.value;
  const value = detector.fromLabels(stream.labels);
  stream.level = { detector, value };
  return value;
}

/**
 * Checks each entry and compacts the accepted ones to the front of the stream's columns, in
 * place (the columns belong to this request); returns them as columns.
 */
function acceptEntries(
  entries: PushEntries, stream: StreamLabels, ctx: EntryLimits, detector: LevelDetector | undefined,
  incrementDuplicates: boolean, result: ValidationResult, tally: Tally,
): EntryColumns {
  const n = entries.count;
  const v = tsHalves(entries);
  const ls = entries.lineStart as Uint32Array;
  const le = entries.lineEnd as Uint32Array;
  const buf = entries.buf;
  const inMd = entries.metadata;
  let outMd: Labels[] | null = null;
  let w = 0;
  let acceptedBytes = 0;
  let prevTs = incrementDuplicates ? entries.ts[0] : 0n;
  // A level field among the stream labels decides for every entry ('' means: add none).
  const fromStream = detector === undefined ? undefined : streamLevel(stream, detector);
  const streamMeta = fromStream ? levelLabel(fromStream) : EMPTY_LABELS;
  for (let i = 0; i < n; i++) {
    const raw = inMd === null ? EMPTY_LABELS : inMd[i];
    const rawMetadataBytes = raw.length > 0 ? metadataSize(raw) : 0;
    const lineLength = le[i] - ls[i];
    const tsHi = v[2 * i + HI];
    const tsLo = v[2 * i + LO];
    const rejected = validateEntry(ctx, tsHi, tsLo, entries, i, lineLength, raw.length, rawMetadataBytes, stream.key);
    if (rejected) {
      result.errors.push(rejected.message);
      tally.add(rejected.reason, 1, lineLength + rawMetadataBytes);
      continue;
    }
    let metadata: Labels = EMPTY_LABELS;
    let metadataBytes = 0;
    if (raw.length === 0 && (detector === undefined || fromStream !== undefined)) {
      // The common case: no metadata sent; the level, if any, comes from the stream labels.
      metadata = streamMeta;
      if (fromStream) metadataBytes = DETECTED_LEVEL.length + fromStream.length;
    } else {
      const pairs: Label[] = raw.length > 0 ? normalizeMetadata(raw) : NO_PAIRS;
      let level: string | undefined;
      if (detector !== undefined && !hasName(pairs, DETECTED_LEVEL)) {
        level = fromStream !== undefined ? fromStream || undefined : detector.detectEntry(pairs, buf.subarray(ls[i], le[i]));
      }
      if (pairs.length === 0 && level !== undefined) {
        metadata = levelLabel(level);
        metadataBytes = DETECTED_LEVEL.length + level.length;
      } else if (pairs.length > 0) {
        if (level !== undefined) pairs.push({ name: DETECTED_LEVEL, value: level });
        metadataBytes = metadataSize(pairs);
        metadata = canonicalMetadata(pairs);
      }
    }

    if (incrementDuplicates) {
      // Same timestamp, different line → 1ns later than the previous accepted entry (Loki's rule).
      const ts = entries.ts[i];
      if (w > 0) {
        const lastTs = entries.ts[w - 1];
        const same = le[w - 1] - ls[w - 1] === lineLength && buf.compare(buf, ls[i], le[i], ls[w - 1], le[w - 1]) === 0;
        if (!same && (ts === prevTs || ts === lastTs)) entries.ts[w] = BigInt.asIntN(64, lastTs + 1n);
        else {
          prevTs = ts;
          entries.ts[w] = ts;
        }
      } else {
        entries.ts[w] = ts;
      }
    } else if (w !== i) {
      v[2 * w + LO] = tsLo;
      v[2 * w + HI] = tsHi;
    }
    if (w !== i) {
      ls[w] = ls[i];
      le[w] = le[i];
    }
    if (metadata.length > 0 && outMd === null) outMd = new Array<Labels>(n).fill(EMPTY_LABELS);
    if (outMd !== null) outMd[w] = metadata;
    w++;
    acceptedBytes += lineLength + metadataBytes;
  }
  result.acceptedLines += w;
  result.acceptedBytes += acceptedBytes;
  if (outMd !== null && w < n) outMd.length = w;
  if (w === n) return { count: n, ts: entries.ts, buf, lineStart: ls, lineEnd: le, metadata: outMd, ts32: v };
  return {
    count: w,
    ts: entries.ts.subarray(0, w),
    ts32: v.subarray(0, 2 * w),
    buf,
    lineStart: ls.subarray(0, w),
    lineEnd: le.subarray(0, w),
    metadata: outMd,
  };
}
