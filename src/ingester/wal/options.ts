import type { FsyncPolicy, WalConfig } from '../../config/types.js';
import type { WalLogger } from './logger.js';

export interface WalOptions {
  /**
   * When append() resolves. always: after write + fdatasync (survives power loss).
   * interval: after write; fdatasync every fsyncIntervalMs (survives a process crash).
   * never: after write; the OS decides (survives a process crash).
   */
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** A segment rolls when the next group commit would take it past this size. */
  segmentSize?: number;
  logger?: WalLogger;
  /** Called with each fsync's duration, for a histogram. */
  onFsync?: (seconds: number) => void;
}

export const DEFAULT_SEGMENT_SIZE = 128 << 20;
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;

/** The Wal options and directory that the ingester's `wal` config block describes. */
export function walOptionsFromConfig(cfg: WalConfig, logger?: WalLogger): { dir: string; options: WalOptions } {
  return {
    dir: cfg.dir,
    options: { fsync: cfg.fsync, fsyncIntervalMs: cfg.fsync_interval, segmentSize: cfg.segment_size, logger },
  };
}
