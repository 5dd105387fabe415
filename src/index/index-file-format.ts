/**
 * Index file layout (little-endian). Sections follow the fixed header in this order; their
 * offsets are in the header so readers can find them without scanning.
 *
 *   header (64 bytes) · symbols · series · chunks · postings · u32 CRC-32 of all preceding bytes
 *
 * docs/formats.md draws every field.
 */
export const INDEX_MAGIC = 0x58494b53; // "SKIX" as bytes on disk
/** Version 2 added each chunk's offset in its object (chunk packs); version 1 files are still read. */
export const INDEX_VERSION = 2;
export const INDEX_HEADER_SIZE = 64;
