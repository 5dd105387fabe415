export { type EntryBatch, EMPTY_BATCH, batchLine, batchLineString, entryMetadata, sliceBatch, sliceBatchByTime, mergeBatches } from './batch.js';
export { type Codec, getCodec, CHUNK_ENCODINGS, ENCODING_CODES } from './codec.js';
export { type BlockMeta, type ChunkHeader, decodeChunkHeader, chunkHeaderLength, CHUNK_VERSION } from './chunk-format.js';
export { MemChunk, type MemChunkOptions, DEFAULT_BLOCK_SIZE, DEFAULT_TARGET_SIZE } from './mem-chunk.js';
export { StoredChunk, decodeChunk } from './stored-chunk.js';
export { CorruptChunkError, ChunkClosedError } from './errors.js';
export { labelsFingerprint } from './fingerprint.js';
export { checksum } from './checksum.js';
