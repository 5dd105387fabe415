import { InvalidObjectKeyError } from './errors.js';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Flat key → bytes storage (filesystem, S3, memory). Keys are '/'-separated paths of
 * non-empty segments (see validateObjectKey). Objects are immutable once written: a put
 * replaces an object atomically, readers see the old or the new bytes, never a mix.
 */
export interface ObjectStore {
  /** The whole object; ObjectNotFoundError when missing. */
  get(key: string): Promise<Buffer>;
  /**
   * Bytes [offset, offset+length) of the object, shorter when the object ends first and empty
   * when offset is at or past its end; ObjectNotFoundError when missing. With `into` (at least
   * `length` bytes), the bytes are read into it and a view of it is returned: a reader that
   * recycles its buffers allocates nothing.
   */
  getRange(key: string, offset: number, length: number, into?: Buffer): Promise<Buffer>;
  /** Stores `data` atomically under `key`; keeps no reference to `data` once it resolves (callers reuse buffers). */
  put(key: string, data: Buffer): Promise<void>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Objects whose key starts with `prefix` (a plain string prefix, as in S3), sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
}

export const MAX_KEY_LENGTH = 1024;

/** Throws InvalidObjectKeyError unless `key` is safe on every backend, including a filesystem. */
export function validateObjectKey(key: string): void {
  if (key.length === 0) throw new InvalidObjectKeyError(key, 'empty');
  if (Buffer.byteLength(key) > MAX_KEY_LENGTH) throw new InvalidObjectKeyError(key, `longer than ${MAX_KEY_LENGTH} bytes`);
  if (/[\u0000-\u001f\u007f\\]/.test(key)) throw new InvalidObjectKeyError(key, 'control character or backslash');
  for (const seg of key.split('/')) {
    if (seg === '') throw new InvalidObjectKeyError(key, 'empty path segment (leading, trailing or double slash)');
    if (seg === '.' || seg === '..') throw new InvalidObjectKeyError(key, `"${seg}" segment`);
  }
}

/** Checks getRange arguments shared by all backends. */
export function validateRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid range offset ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid range length ${length}`);
}

/** getRange's `into` must hold the whole range. */
export function checkInto(into: Buffer, length: number): void {
  if (into.length < length) throw new RangeError(`read buffer of ${into.length} bytes for a range of ${length}`);
}

/**
 * Sort order of list(): UTF-8 byte order, as S3 lists keys. That is code point order, which
 * differs from JavaScript's code unit order only where a surrogate meets a char >= U+E000.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return a.codePointAt(i)! - b.codePointAt(i)!;
    return x - y;
  }
  return a.length - b.length;
}
