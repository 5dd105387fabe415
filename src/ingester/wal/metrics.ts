/**
 * Counters of a Wal, as plain numbers for the caller to export. The suggested Loki names
 * are in brackets; the rest have no Loki equivalent.
 */
export interface WalMetrics {
  /** Records written (loki_ingester_wal_records_logged_total). */
  recordsLogged: number;
  /** Frame bytes written to segments (loki_ingester_wal_logged_bytes_total). */
  bytesLogged: number;
  /** Bytes of segments and checkpoints on disk (loki_ingester_wal_bytes_in_use). */
  bytesInUse: number;
  /** Writes or fsyncs that failed with ENOSPC/EDQUOT (loki_ingester_wal_disk_full_failures_total). */
  diskFullFailures: number;
  /** Writes or fsyncs that failed for any reason, disk full included. */
  ioFailures: number;
  /** append() calls resolved. */
  appends: number;
  /** Group commits: one writev each, shared by every append queued while the previous one ran. */
  writes: number;
  fsyncs: number;
  fsyncSecondsTotal: number;
  segmentsCreated: number;
  checkpoints: number;
  checkpointFailures: number;
  checkpointSecondsTotal: number;
  /** Size of the newest checkpoint file. */
  lastCheckpointBytes: number;
}

export function newWalMetrics(): WalMetrics {
  return {
    recordsLogged: 0, bytesLogged: 0, bytesInUse: 0, diskFullFailures: 0, ioFailures: 0, appends: 0,
    writes: 0, fsyncs: 0, fsyncSecondsTotal: 0, segmentsCreated: 0, checkpoints: 0, checkpointFailures: 0,
    checkpointSecondsTotal: 0, lastCheckpointBytes: 0,
  };
}
