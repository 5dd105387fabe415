export { type ObjectStore, type ObjectInfo, validateObjectKey, compareKeys, MAX_KEY_LENGTH } from './object-store.js';
export { ObjectNotFoundError, InvalidObjectKeyError } from './errors.js';
export { FilesystemObjectStore, type FilesystemObjectStoreOptions } from './filesystem.js';
export { MemoryObjectStore } from './memory.js';
