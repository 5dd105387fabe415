import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { WalIoError } from './errors.js';
import { checkpointName, listDir, segmentName } from './files.js';
import { FileKind } from './format.js';
import { NOOP_LOGGER, type WalLogger } from './logger.js';
import type { WalRecord } from './record.js';
import { scanFile, type CorruptionReason } from './segment-reader.js';

export interface WalCorruption {
  file: string;
  /** Where the bad frame starts; everything before it was delivered. */
  offset: number;
  reason: CorruptionReason | 'missing_segment';
  detail: string;
  /** The file was cut at `offset` (only ever the last segment). */
  truncated: boolean;
}

export interface ReplayStats {
  /** Number N of the checkpoint read, null if none. */
  checkpoint: number | null;
  checkpointRecords: number;
  /** Segment files read. */
  segments: number;
  /** Records delivered, checkpoint included. */
  records: number;
  /** Bytes of good frames read. */
  bytes: number;
  /** Largest stream id seen, -1 if none: allocate new ids above it. */
  maxStreamId: number;
  corruptions: WalCorruption[];
  durationMs: number;
}

export interface ReplayOptions {
  logger?: WalLogger;
}

/**
 * Replays the latest complete checkpoint N, then segments >= N in order. When `onRecord`
 * returns a promise, reading waits for it (e.g. while memory is flushed).
 * A bad frame in the last segment is a torn write: the segment is truncated there so the
 * next open starts from a clean end. A bad frame anywhere else is damage: it is reported,
 * the rest of that file is skipped and replay goes on with the next file, because the later
 * segments hold acknowledged data that is still good.
 */
export async function replayWal(dir: string, onRecord: (r: WalRecord) => unknown, options: ReplayOptions = {}): Promise<ReplayStats> {
  const logger = options.logger ?? NOOP_LOGGER;
  const t0 = performance.now();
  const listing = await listDir(dir);
  const cp = listing.checkpoints.at(-1) ?? null;
  const stats: ReplayStats = {
    checkpoint: cp, checkpointRecords: 0, segments: 0, records: 0, bytes: 0, maxStreamId: -1, corruptions: [], durationMs: 0,
  };
  const deliver = (r: WalRecord, start: number, end: number): unknown => {
    if (r.streamId > stats.maxStreamId) stats.maxStreamId = r.streamId;
    stats.records++;
    stats.bytes += end - start;
    return onRecord(r);
  };
  const report = (c: WalCorruption): void => {
    stats.corruptions.push(c);
    const fields = { file: c.file, offset: c.offset, reason: c.reason, detail: c.detail };
    if (c.truncated) logger.warn('WAL: torn or corrupt record at the end of the last segment, truncated', fields);
    else logger.error('WAL: corrupt or missing data, skipped to the next file', fields);
  };

  if (cp !== null) {
    const path = join(dir, checkpointName(cp));
    const res = await scanFile(path, FileKind.checkpoint, deliver);
    stats.checkpointRecords = res.records;
    if (res.corruption) report({ file: path, ...res.corruption, truncated: false });
  }

  const segments = listing.segments.filter((s) => cp === null || s >= cp);
  let expected = cp ?? segments[0];
  for (let i = 0; i < segments.length; i++) {
    const n = segments[i];
    if (n !== expected) {
      report({ file: join(dir, segmentName(expected)), offset: 0, reason: 'missing_segment', detail: `segments ${expected}..${n - 1} missing`, truncated: false });
    }
    expected = n + 1;
    const path = join(dir, segmentName(n));
    const res = await scanFile(path, FileKind.segment, deliver);
    stats.segments++;
    if (!res.corruption) continue;
    const last = i === segments.length - 1;
    if (last) await truncate(path, res.validEnd);
    report({
      file: path, ...res.corruption, truncated: last,
      detail: `${res.corruption.detail}; ${res.size - res.validEnd} bytes ${last ? 'dropped' : 'skipped'}`,
    });
  }
  stats.durationMs = performance.now() - t0;
  logger.info('WAL replayed', { dir, checkpoint: cp, segments: stats.segments, records: stats.records, durationMs: Math.round(stats.durationMs) });
  return stats;
}

async function truncate(path: string, size: number): Promise<void> {
  try {
    const fh = await open(path, 'r+');
    try {
      await fh.truncate(size);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new WalIoError('truncate', path, err);
  }
}
