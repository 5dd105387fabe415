import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import * as snappy from 'snappy';
import type * as Lz4 from 'lz4-napi';
import type * as ZstdNapi from 'zstd-napi';
import type { ChunkEncoding } from '../config/types.js';
import { CorruptChunkError } from './errors.js';

/** Compresses one block at a time; blocks are independent so a reader decompresses only what it needs. */
export interface Codec {
  readonly encoding: ChunkEncoding;
  compress(raw: Buffer): Buffer;
  /** rawSize is the exact decompressed length recorded in the block table; a mismatch is corruption. */
  decompress(compressed: Buffer, rawSize: number): Buffer;
}

/** Encoding byte in the chunk header. Values are part of the format: never renumber. */
export const ENCODING_CODES: Readonly<Record<ChunkEncoding, number>> = Object.freeze({
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
});

const ENCODINGS_BY_CODE: readonly ChunkEncoding[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function encodingFromCode(code: number): ChunkEncoding {
  const enc = ENCODINGS_BY_CODE[code];
  if (enc === undefined) throw new CorruptChunkError(`unknown chunk encoding code ${code}`);
  return enc;
}

function checkSize(out: Buffer, rawSize: number, enc: ChunkEncoding): Buffer {
  if (out.length !== rawSize) throw new CorruptChunkError(`${enc} block decompressed to ${out.length} bytes, expected ${rawSize}`);
  return out;
}

function wrap<T>(enc: ChunkEncoding, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof CorruptChunkError) throw err;
    throw new CorruptChunkError(`${enc} block does not decompress: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const none: Codec = {
  encoding: 'none',
  compress: (raw) => raw,
  decompress: (c, rawSize) => checkSize(c, rawSize, 'none'),
};

/**
 * "gzip" keeps Loki's name, but blocks hold a raw DEFLATE stream (level 6, as Loki): the
 * gzip wrapper's header and CRC would repeat what the block table already records.
 */
const gzip: Codec = {
  encoding: 'gzip',
  compress: (raw) => deflateRawSync(raw, { level: 6 }),
  decompress: (c, rawSize) =>
    wrap('gzip', () => checkSize(inflateRawSync(c, { maxOutputLength: Math.max(rawSize, 1) }), rawSize, 'gzip')),
};

/**
 * copyOutputData: napi "external" output buffers carry a finalizer each and measured ~8x slower
 * (230 vs 1800 MB/s compressing 160 KiB) than copying into a plain Buffer.
 */
const snappyCodec: Codec = {
  encoding: 'snappy',
  compress: (raw) => snappy.compressSync(raw, { copyOutputData: true }),
  decompress: (c, rawSize) => wrap('snappy', () => checkSize(snappy.uncompressSync(c, { asBuffer: true, copyOutputData: true }) as Buffer, rawSize, 'snappy')),
};

/**
 * lz4-napi and zstd-napi are loaded on first use: together they hold ~13 MB of resident memory
 * (native code, lz4's runtime threads) that a server writing and reading another encoding never
 * needs (measured with snappy chunks, where RSS is what caps the memory flush threshold).
 */
const requireNative = createRequire(import.meta.url);
let lz4Module: typeof Lz4 | undefined;
let zstdModule: typeof ZstdNapi | undefined;
function lz4(): typeof Lz4 {
  lz4Module ??= requireNative('lz4-napi') as typeof Lz4;
  return lz4Module;
}
function zstdNapi(): typeof ZstdNapi {
  zstdModule ??= requireNative('zstd-napi') as typeof ZstdNapi;
  return zstdModule;
}

/**
 * lz4-napi's block format prefixes the raw size (u32 LE). It is checked before decompressing:
 * the library would otherwise allocate whatever a corrupt prefix claims.
 */
const lz4Codec: Codec = {
  encoding: 'lz4',
  compress: (raw) => lz4().compressSync(raw),
  decompress: (c, rawSize) =>
    wrap('lz4', () => {
      if (c.length < 4 || c.readUInt32LE(0) !== rawSize) throw new CorruptChunkError(`lz4 block size prefix does not match ${rawSize}`);
      return checkSize(lz4().uncompressSync(c), rawSize, 'lz4');
    }),
};

// One context each, reused: creating zstd contexts per block costs more than small blocks take.
let zstdC: ZstdNapi.Compressor | undefined;
let zstdD: ZstdNapi.Decompressor | undefined;

/**
 * zstd level 1: on 256 KiB blocks of logfmt, JSON and access logs it compressed both faster
 * and slightly smaller than level 3 (bench/chunk-encodings.ts --zstd-levels). The level is
 * not part of the format; any level decodes.
 */
const zstd: Codec = {
  encoding: 'zstd',
  compress: (raw) => {
    if (zstdC === undefined) {
      zstdC = new (zstdNapi().Compressor)();
      zstdC.setParameters({ compressionLevel: 1 });
    }
    return zstdC.compress(raw);
  },
  decompress: (c, rawSize) =>
    wrap('zstd', () => {
      zstdD ??= new (zstdNapi().Decompressor)();
      return checkSize(zstdD.decompress(c), rawSize, 'zstd');
    }),
};

const CODECS: Readonly<Record<ChunkEncoding, Codec>> = Object.freeze({ none, gzip, snappy: snappyCodec, lz4: lz4Codec, zstd });

export function getCodec(encoding: ChunkEncoding): Codec {
  const c = CODECS[encoding];
  if (c === undefined) throw new TypeError(`unknown chunk encoding ${String(encoding)}`);
  return c;
}

export const CHUNK_ENCODINGS: readonly ChunkEncoding[] = ENCODINGS_BY_CODE;
