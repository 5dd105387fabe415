import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { decodePayload } from './codec.js';
import { crc32 } from './crc32.js';
import { WalFormatError, WalIoError } from './errors.js';
import { checkFileHeader, FILE_HEADER_SIZE, FRAME_HEADER_SIZE, MAX_RECORD_BYTES, type FileKind } from './format.js';
import { RecordType, type WalRecord } from './record.js';

export type CorruptionReason = 'torn_header' | 'short_frame' | 'bad_length' | 'bad_crc' | 'bad_payload';

export interface ScanResult {
  /** File size when scanned. */
  size: number;
  /** Offset just past the last good frame; 0 for an empty file or a torn file header. */
  validEnd: number;
  records: number;
  /** The first bad frame; nothing after it is read. */
  corruption: { offset: number; reason: CorruptionReason; detail: string } | null;
}

/** Called per good record with its frame's [start, end) in the file; a returned promise is awaited before reading on. */
export type OnScannedRecord = (r: WalRecord, start: number, end: number) => unknown;

const READ_CHUNK = 4 << 20;

/** Sequential reads through one reused buffer; a frame larger than it gets its own buffer. */
class ChunkReader {
  private buf: Buffer;
  private start = 0;
  private len = 0;
  constructor(private readonly fh: FileHandle, private readonly path: string, size: number) {
    this.buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, size));
  }

  /** File bytes [pos, pos + n), which the caller knows exist. Valid until the next call. */
  async view(pos: number, n: number): Promise<Buffer> {
    if (pos >= this.start && pos + n <= this.start + this.len) {
      return this.buf.subarray(pos - this.start, pos - this.start + n);
    }
    const target = n > this.buf.length ? Buffer.allocUnsafe(n) : this.buf;
    const got = await this.fill(target, pos, n);
    if (target === this.buf) { this.start = pos; this.len = got; }
    if (got < n) return target.subarray(0, got); // file shrank under us: caller sees a short view
    return target.subarray(0, n);
  }

  private async fill(target: Buffer, pos: number, min: number): Promise<number> {
    let got = 0;
    try {
      while (got < target.length) {
        const { bytesRead } = await this.fh.read(target, got, target.length - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
        if (got >= min && target === this.buf) break;
      }
    } catch (err) {
      throw new WalIoError('read', this.path, err);
    }
    return got;
  }
}

/**
 * Reads the frames of one segment or checkpoint file up to the first bad one.
 * Throws WalFormatError for a file this version must not interpret (and so must not truncate).
 */
export async function scanFile(path: string, kind: FileKind, onRecord: OnScannedRecord): Promise<ScanResult> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new WalIoError('open', path, err);
  }
  try {
    const size = (await fh.stat()).size;
    const result: ScanResult = { size, validEnd: 0, records: 0, corruption: null };
    if (size === 0) return result;
    if (size < FILE_HEADER_SIZE) {
      result.corruption = { offset: 0, reason: 'torn_header', detail: `file of ${size} bytes` };
      return result;
    }
    const reader = new ChunkReader(fh, path, size);
    checkFileHeader(await reader.view(0, FILE_HEADER_SIZE), kind, path);
    let pos = FILE_HEADER_SIZE;
    result.validEnd = pos;
    while (pos < size) {
      const bad = (reason: CorruptionReason, detail: string): ScanResult => {
        result.corruption = { offset: pos, reason, detail };
        return result;
      };
      if (size - pos < FRAME_HEADER_SIZE) return bad('short_frame', `${size - pos} bytes left for a frame header`);
      const head = await reader.view(pos, FRAME_HEADER_SIZE);
      const len = head.readUInt32LE(0);
      const crc = head.readUInt32LE(4);
      if (len > MAX_RECORD_BYTES) return bad('bad_length', `length ${len}`);
      const end = pos + FRAME_HEADER_SIZE + len;
      if (end > size) return bad('short_frame', `frame of ${len} bytes, ${size - pos - FRAME_HEADER_SIZE} left`);
      const frame = await reader.view(pos, FRAME_HEADER_SIZE + len);
      if (frame.length < FRAME_HEADER_SIZE + len) return bad('short_frame', 'file shrank while reading');
      if (crc32(frame.subarray(8)) !== crc) return bad('bad_crc', `length ${len}`);
      const type = frame[8];
      if (type !== RecordType.series && type !== RecordType.entries && type !== RecordType.entryColumns) {
        throw new WalFormatError(path, pos, `unknown record type ${type} (written by a newer version?)`);
      }
      let rec: WalRecord;
      try {
        rec = decodePayload(type, frame, FRAME_HEADER_SIZE, frame.length);
      } catch (err) {
        return bad('bad_payload', err instanceof Error ? err.message : String(err));
      }
      const wait = onRecord(rec, pos, end);
      if (wait instanceof Promise) await wait;
      result.records++;
      pos = end;
      result.validEnd = pos;
    }
    return result;
  } finally {
    await fh.close();
  }
}
