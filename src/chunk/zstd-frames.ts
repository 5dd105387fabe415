/**
 * The frames of zstd data (RFC 8878 §3.1): where each ends in the compressed bytes and in the
 * decompressed ones. A merged block's lines are several frames back to back (mergeBlocks), and a
 * reader that wants a few entries decompresses only the frames holding their lines. Written here
 * because zstd-napi exposes no frame-size call (ZSTD_findFrameCompressedSize); only headers and
 * block headers are read, nothing is decompressed.
 */

const ZSTD_MAGIC = 0xfd2fb528;
const DICT_ID_BYTES = [0, 1, 2, 4];
const FCS_BYTES = [1, 2, 4, 8];

/** Per frame, its end in the compressed data and in the decompressed data (cumulative). */
export interface FrameMap {
  readonly compressedEnd: readonly number[];
  readonly rawEnd: readonly number[];
}

/**
 * The frame map of `data`, or undefined when it cannot be told without decompressing (a frame
 * without its content size, a skippable frame) or the data is malformed: the caller then
 * decompresses everything, which reports any corruption.
 */
export function zstdFrames(data: Uint8Array): FrameMap | undefined {
  const compressedEnd: number[] = [];
  const rawEnd: number[] = [];
  let p = 0;
  let raw = 0;
  while (p < data.length) {
    if (p + 5 > data.length || readU32(data, p) !== ZSTD_MAGIC) return undefined;
    const fhd = data[p + 4];
    p += 5;
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const hasChecksum = (fhd >> 2) & 1;
    if (!singleSegment) p++; // window descriptor
    p += DICT_ID_BYTES[fhd & 3];
    const fcsBytes = fcsFlag === 0 ? singleSegment : FCS_BYTES[fcsFlag];
    if (fcsBytes === 0 || p + fcsBytes > data.length) return undefined;
    let size = 0;
    for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + data[p + i];
    if (fcsBytes === 2) size += 256;
    p += fcsBytes;
    for (;;) {
      if (p + 3 > data.length) return undefined;
      const h = data[p] | (data[p + 1] << 8) | (data[p + 2] << 16);
      const type = (h >> 1) & 3;
      if (type === 3) return undefined;
      p += 3 + (type === 1 ? 1 : h >>> 3);
      if (h & 1) break;
    }
    if (hasChecksum) p += 4;
    if (p > data.length) return undefined;
    raw += size;
    compressedEnd.push(p);
    rawEnd.push(raw);
  }
  return { compressedEnd, rawEnd };
}

function readU32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}
