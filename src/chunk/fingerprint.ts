import { createHash } from 'node:crypto';
import type { Labels } from '../model/labels.js';

/**
 * A stream's fingerprint: the first 8 bytes (big-endian u64) of SHA-256 over
 * name 0xff value 0xff ... of its sorted labels. Used in chunk headers, chunk keys and the index;
 * computed once per stream or chunk, so a strong hash costs nothing that matters.
 */
export function labelsFingerprint(labels: Labels): bigint {
  const h = createHash('sha256');
  const sep = Buffer.from([0xff]);
  for (const l of labels) {
    h.update(l.name);
    h.update(sep);
    h.update(l.value);
    h.update(sep);
  }
  return h.digest().readBigUInt64BE(0);
}
