/**
 * Snappy block decoding into a caller's buffer. The native binding can only return a fresh
 * buffer per push (an external allocation the size of the decoded body); decoding here lets
 * the push path reuse pooled buffers. The checks are those of Go's snappy.Decode
 * (github.com/golang/snappy, decode_other.go), which Loki runs: any failure is
 * `snappy: corrupt input`.
 */

const TAG_LITERAL = 0;
const TAG_COPY1 = 1;
const TAG_COPY2 = 2;

/**
 * Bytes the output buffer should have past the decoded length: short literals and copies are
 * then moved 16 or 8 bytes at a time, the excess being overwritten by the elements after them.
 */
export const SNAPPY_SLACK = 16;

/**
 * Decodes the snappy elements src[start, src.length) (what follows the length preamble) into
 * out[0, outLen). Returns false when the input is corrupt or does not produce exactly outLen
 * bytes. out may be longer than outLen: bytes past outLen are scratch (decoding may write
 * there). Typical log bodies are mostly 4–20 byte elements, hence the word-sized fast paths.
 */
export function snappyDecodeInto(src: Uint8Array, start: number, out: Uint8Array, outLen: number): boolean {
  const sEnd = src.length;
  const oCap = out.length;
  if (outLen > oCap) return false;
  const sv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const ov = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let s = start;
  let d = 0;
  while (s < sEnd) {
    const tag = src[s];
    const kind = tag & 3;
    let length: number;
    let offset: number;
    if (kind === TAG_LITERAL) {
      let x = tag >>> 2;
      if (x < 60) {
        s += 1;
      } else if (x === 60) {
        s += 2;
        if (s > sEnd) return false;
        x = src[s - 1];
      } else if (x === 61) {
        s += 3;
        if (s > sEnd) return false;
        x = src[s - 2] | (src[s - 1] << 8);
      } else if (x === 62) {
        s += 4;
        if (s > sEnd) return false;
        x = src[s - 3] | (src[s - 2] << 8) | (src[s - 1] << 16);
      } else {
        s += 5;
        if (s > sEnd) return false;
        x = (src[s - 4] | (src[s - 3] << 8) | (src[s - 2] << 16) | (src[s - 1] << 24)) >>> 0;
      }
      length = x + 1;
      if (length > outLen - d || length > sEnd - s) return false;
      if (length <= 16 && s + 16 <= sEnd && d + 16 <= oCap) {
        ov.setInt32(d, sv.getInt32(s, true), true);
        ov.setInt32(d + 4, sv.getInt32(s + 4, true), true);
        ov.setInt32(d + 8, sv.getInt32(s + 8, true), true);
        ov.setInt32(d + 12, sv.getInt32(s + 12, true), true);
      } else if (length < 32) {
        for (let i = 0; i < length; i++) out[d + i] = src[s + i];
      } else {
        out.set(src.subarray(s, s + length), d);
      }
      d += length;
      s += length;
      continue;
    }
    if (kind === TAG_COPY1) {
      s += 2;
      if (s > sEnd) return false;
      length = 4 + ((tag >>> 2) & 7);
      offset = ((tag & 0xe0) << 3) | src[s - 1];
    } else if (kind === TAG_COPY2) {
      s += 3;
      if (s > sEnd) return false;
      length = 1 + (tag >>> 2);
      offset = src[s - 2] | (src[s - 1] << 8);
    } else {
      s += 5;
      if (s > sEnd) return false;
      length = 1 + (tag >>> 2);
      offset = (src[s - 4] | (src[s - 3] << 8) | (src[s - 2] << 16) | (src[s - 1] << 24)) >>> 0;
    }
    if (offset <= 0 || d < offset || length > outLen - d) return false;
    const e = d + length;
    if (offset >= 8 && e + 8 <= oCap) {
      // 8 bytes at a time: each read is of bytes already final (offset >= 8), and what the
      // last step writes past e is overwritten later.
      for (let i = d - offset; d < e; i += 8, d += 8) {
        ov.setInt32(d, ov.getInt32(i, true), true);
        ov.setInt32(d + 4, ov.getInt32(i + 4, true), true);
      }
    } else {
      // An overlapping copy repeats the last `offset` bytes: byte by byte, as the format means.
      for (let i = d - offset; d < e; i++, d++) out[d] = out[i];
    }
    d = e;
  }
  return d === outLen;
}
