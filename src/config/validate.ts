/** Checks that span several keys, after all sources are merged. Returns warnings; throws on errors. */
import { ConfigError } from './errors.js';
import type { PeriodConfig, SkaldConfig } from './types.js';

const DAY_MS = 86_400_000;
const OBJECT_STORES = new Set(['filesystem', 's3', 'aws', 'inmemory']);
const SCHEMA_VERSION = /^v(9|1[0-3])$/;

function checkPeriods(periods: readonly PeriodConfig[], errors: string[], warnings: string[]): void {
  if (periods.length === 0) {
    errors.push('schema_config.configs: at least one period config is required');
    return;
  }
  periods.forEach((p, i) => {
    const at = `schema_config.configs[${i}]`;
    if (p.from === '') errors.push(`${at}.from: a start date (YYYY-MM-DD) is required`);
    if (i > 0 && p.from !== '' && periods[i - 1].from !== '' && p.from <= periods[i - 1].from) {
      errors.push(`${at}.from: ${p.from} must be after the previous period's ${periods[i - 1].from}`);
    }
    if (p.store === '') errors.push(`${at}.store: an index type is required (tsdb)`);
    if (!SCHEMA_VERSION.test(p.schema)) errors.push(`${at}.schema: invalid schema version "${p.schema}" (v9 to v13; v13 recommended)`);
    if (p.index.period !== DAY_MS) {
      errors.push(`${at}.index.period: must be 24h, Skald's index is per day like Loki's tsdb and boltdb-shipper`);
    }
    if (p.store !== '' && (p.store !== 'tsdb' || (p.schema !== 'v13' && SCHEMA_VERSION.test(p.schema)))) {
      warnings.push(`${at}: store "${p.store}" with schema "${p.schema}" accepted; Skald keeps its own index format for every period`);
    }
    const objectStore = p.object_store === '' ? p.store : p.object_store;
    if (!OBJECT_STORES.has(objectStore)) {
      warnings.push(`${at}.object_store: "${objectStore}" is not implemented by Skald (filesystem, s3); chunks go to the filesystem store`);
    }
  });
}

export function validateConfig(c: SkaldConfig): string[] {
  const errors: string[] = [];
  const warnings: string[] = [];
  checkPeriods(c.schema_config.configs, errors, warnings);
  if (c.ingester.wal.fsync === 'interval' && c.ingester.wal.fsync_interval <= 0) {
    errors.push('ingester.wal.fsync_interval: must be positive when ingester.wal.fsync is "interval"');
  }
  if (c.ingester.wal.segment_size <= 0) errors.push('ingester.wal.segment_size: must be positive');
  if (c.runtime_config.file !== '' && c.runtime_config.period <= 0) {
    errors.push('runtime_config.period: must be positive when runtime_config.file is set');
  }
  if (c.ingester.max_chunk_age <= 0) errors.push('ingester.max_chunk_age: must be positive');
  if (errors.length > 0) {
    const message = errors.length === 1 ? `invalid config: ${errors[0]}` : `invalid config:\n  ${errors.join('\n  ')}`;
    throw new ConfigError(message, { problems: errors });
  }
  return warnings;
}
