import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, as zlib and gzip) of `data`, continuing from `crc`.
 * Node >= 20.15 ships a native one; older Node 20 falls back to a table-driven version.
 */
export type Crc32 = (data: Uint8Array, crc?: number) => number;

const TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export const crc32Table: Crc32 = (data, crc = 0) => {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
};

// The typings declare zlib.crc32 unconditionally, but Node 20.0–20.14 lack it.
const native = (zlib as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = typeof native === 'function' ? (data, crc = 0) => native(data, crc) : crc32Table;
