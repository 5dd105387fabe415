import { MemoryObjectStore } from './memory.js';
import { runObjectStoreConformance } from './object-store.conformance.js';

runObjectStoreConformance('memory', async () => ({ store: new MemoryObjectStore(), cleanup: async () => undefined }));
