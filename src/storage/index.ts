export { type ObjectStore, type ObjectInfo, validateObjectKey, compareKeys, MAX_KEY_LENGTH } from './object-store.js';
export { ObjectNotFoundError, InvalidObjectKeyError } from './errors.js';
export { FilesystemObjectStore, type FilesystemObjectStoreOptions, type FileOps, type PutObject, NODE_FILE_OPS } from './filesystem.js';
export { MemoryObjectStore } from './memory.js';
