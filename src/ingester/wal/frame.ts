import { payloadSize, recordTypeByte, writePayload } from './codec.js';
import { crc32 } from './crc32.js';
import { WalError } from './errors.js';
import { FRAME_HEADER_SIZE } from './format.js';
import type { WalAppendRecord } from './record.js';

/**
 * Frames `records` into one Buffer: one frame per record, so a torn write loses whole
 * records only. Throws WalRecordError before allocating if a record is invalid. `alloc`, when
 * given, supplies a buffer of at least the size asked; the result is a view of it.
 */
export function encodeFrames(records: readonly WalAppendRecord[], alloc?: (size: number) => Buffer): Buffer {
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    sizes[i] = payloadSize(records[i]);
    total += FRAME_HEADER_SIZE + sizes[i];
  }
  const buf = alloc === undefined ? Buffer.allocUnsafe(total) : alloc(total).subarray(0, total);
  let off = 0;
  for (let i = 0; i < records.length; i++) {
    const start = off;
    buf[start + 8] = recordTypeByte(records[i]);
    off = writePayload(buf, start + FRAME_HEADER_SIZE, records[i]);
    if (off !== start + FRAME_HEADER_SIZE + sizes[i]) throw new WalError('wal_internal', 'record size mismatch');
    buf.writeUInt32LE(sizes[i], start);
    buf.writeUInt32LE(crc32(buf.subarray(start + 8, off)), start + 4);
  }
  return buf;
}
