/**
 * Directories derived from common.path_prefix and common.storage, the way Loki's
 * config wrapper fills them when the specific keys are left at their defaults.
 */
import type { SkaldConfig } from './types.js';

export const DEFAULT_PATH_PREFIX = './data';

export function applyDerivedDefaults(c: SkaldConfig): void {
  if (c.common.path_prefix === '') c.common.path_prefix = DEFAULT_PATH_PREFIX;
  const prefix = c.common.path_prefix.replace(/\/+$/, '') || '/';
  const under = (name: string): string => (prefix === '/' ? `/${name}` : `${prefix}/${name}`);

  if (c.ingester.wal.dir === 'wal') c.ingester.wal.dir = under('wal');

  const fs = c.common.storage.filesystem;
  if (c.storage_config.filesystem.directory === '') {
    c.storage_config.filesystem.directory = fs?.chunks_directory || under('chunks');
  }
  c.common.storage.filesystem = {
    chunks_directory: fs?.chunks_directory || c.storage_config.filesystem.directory,
    rules_directory: fs?.rules_directory || under('rules'),
  };

  const tsdb = c.storage_config.tsdb_shipper;
  if (tsdb.active_index_directory === '') tsdb.active_index_directory = under('tsdb-shipper-active');
  if (tsdb.cache_location === '') tsdb.cache_location = under('tsdb-shipper-cache');
}
