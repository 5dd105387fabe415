import { WalFormatError } from './errors.js';

/**
 * On-disk constants shared by segments and checkpoints (see docs/formats.md, "WAL").
 *
 * File header (8 bytes): magic "SKWL" | version u8 | kind u8 | 2 reserved zero bytes.
 * Frame: length u32 LE (payload bytes) | CRC-32 u32 LE of type+payload | type u8 | payload.
 */
export const FILE_HEADER_SIZE = 8;
export const FRAME_HEADER_SIZE = 9;
export const FORMAT_VERSION = 1;
const MAGIC = Buffer.from('SKWL', 'latin1');

/** A record larger than this is refused on write and taken as a corrupt length on read. */
export const MAX_RECORD_BYTES = 1 << 30;

export const FileKind = { segment: 0, checkpoint: 1 } as const;
export type FileKind = (typeof FileKind)[keyof typeof FileKind];

export function encodeFileHeader(kind: FileKind): Buffer {
  const b = Buffer.alloc(FILE_HEADER_SIZE);
  MAGIC.copy(b, 0);
  b[4] = FORMAT_VERSION;
  b[5] = kind;
  return b;
}

/** Throws WalFormatError unless `b` is a complete header of this version and kind. */
export function checkFileHeader(b: Buffer, kind: FileKind, path: string): void {
  if (!b.subarray(0, 4).equals(MAGIC)) throw new WalFormatError(path, 0, 'not a Skald WAL file (bad magic)');
  if (b[4] !== FORMAT_VERSION) throw new WalFormatError(path, 4, `unsupported WAL format version ${b[4]}`);
  if (b[5] !== kind) throw new WalFormatError(path, 5, `file kind ${b[5]}, expected ${kind}`);
  if (b[6] !== 0 || b[7] !== 0) throw new WalFormatError(path, 6, 'reserved header bytes are not zero');
}
