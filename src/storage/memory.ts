import { ObjectNotFoundError } from './errors.js';
import { checkInto, compareKeys, validateObjectKey, validateRange, type ObjectInfo, type ObjectStore } from './object-store.js';

/** In-process object store, for tests and single-process experiments. Stores copies. */
export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, { data: Buffer; mtimeMs: number }>();

  async get(key: string): Promise<Buffer> {
    validateObjectKey(key);
    const o = this.objects.get(key);
    if (o === undefined) throw new ObjectNotFoundError(key);
    return Buffer.from(o.data);
  }

  async getRange(key: string, offset: number, length: number, into?: Buffer): Promise<Buffer> {
    validateObjectKey(key);
    validateRange(offset, length);
    const o = this.objects.get(key);
    if (o === undefined) throw new ObjectNotFoundError(key);
    const part = o.data.subarray(Math.min(offset, o.data.length), Math.min(offset + length, o.data.length));
    if (into === undefined) return Buffer.from(part);
    checkInto(into, length);
    return into.subarray(0, part.copy(into));
  }

  async put(key: string, data: Buffer): Promise<void> {
    validateObjectKey(key);
    this.objects.set(key, { data: Buffer.from(data), mtimeMs: Date.now() });
  }

  async delete(key: string): Promise<void> {
    validateObjectKey(key);
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    for (const [key, o] of this.objects) if (key.startsWith(prefix)) out.push({ key, size: o.data.length, mtimeMs: o.mtimeMs });
    return out.sort((a, b) => compareKeys(a.key, b.key));
  }
}
