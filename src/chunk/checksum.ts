import { crc32 } from 'node:zlib';

/**
 * CRC-32 (IEEE) of a byte range. zlib's native crc32 runs at GB/s; a JS CRC-32C would be
 * several times slower, and the checksum only guards against corruption, not tampering.
 */
export function checksum(data: Uint8Array): number {
  return crc32(data) >>> 0;
}
