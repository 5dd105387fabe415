export { type ChunkRef, chunkId, refOverlaps } from './chunk-ref.js';
export { encodeIndexFile } from './index-file-writer.js';
export { IndexFile } from './index-file.js';
export { IndexStore, type IndexStoreOptions, type IndexStats, overlapShare } from './index-store.js';
export { type IndexPeriod, type IndexTable, DEFAULT_INDEX_PERIODS, DAY_MS, indexPeriodsFromSchema, tablesForRange } from './period.js';
export { chunkKey, packKey, parseChunkKey, indexFileKey, indexTableName, indexTenantPrefix, validateTenant, type ParsedChunkKey } from './keys.js';
export { chunkRefAt, chunkRefFor, type ChunkSummary } from './chunk-ref-for.js';
export { CorruptIndexError, InvalidTenantError } from './errors.js';
