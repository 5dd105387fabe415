import type { Logger } from '../../util/logger.js';

/** What the WAL needs from the process logger. */
export type WalLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export const NOOP_LOGGER: WalLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
