/**
 * Chunk encoding benchmark: compresses realistic log blocks with every encoding and reports
 * compress/decompress throughput (MB/s of raw block bytes, single thread) and ratio, plus the
 * end-to-end cost through MemChunk (append + encode) and decodeChunk (+ read every entry).
 *
 *   node --import tsx bench/chunk-encodings.ts [--mb=24] [--rounds=3] [--zstd-levels=1,3,6]
 *
 * --zstd-levels adds block-only rows for other zstd levels (Skald's zstd codec uses level 1).
 *
 * Three streams, one per line format (logfmt, JSON, nginx access; ~250 bytes per line), as
 * Loki chunks hold one stream each. Lines are generated from a fixed seed.
 */
import { encodeBlock } from '../src/chunk/block.js';
import type { EntryBatch } from '../src/chunk/batch.js';
import { Compressor as ZstdCompressor, Decompressor as ZstdDecompressor } from 'zstd-napi';
import { CHUNK_ENCODINGS, getCodec, type Codec } from '../src/chunk/codec.js';
import { MemChunk } from '../src/chunk/mem-chunk.js';
import { decodeChunk } from '../src/chunk/stored-chunk.js';
import type { ChunkEncoding } from '../src/config/types.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const TOTAL_MB = Number(args.get('mb') ?? 24);
const ROUNDS = Number(args.get('rounds') ?? 3);
const ZSTD_LEVELS = (args.get('zstd-levels') ?? '').split(',').filter((x) => x !== '').map(Number);
const BLOCK_SIZE = 256 * 1024;

// Deterministic PRNG (mulberry32) so every run compresses the same bytes.
let seed = 0x5eed;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const skewed = <T>(xs: readonly T[]): T => xs[Math.min(xs.length - 1, Math.floor(-Math.log(1 - rand()) * 1.5))];

const PATHS = ['/api/v1/users', '/api/v1/orders', '/api/v1/cart/items', '/api/v2/search', '/healthz', '/api/v1/payments/authorize', '/static/js/app.js', '/login'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUS = [200, 200, 200, 200, 201, 204, 304, 400, 404, 500, 503];
const LEVELS = ['info', 'info', 'info', 'debug', 'warn', 'error'];
const MSGS = ['request completed', 'cache miss, loading from database', 'user session refreshed', 'retrying upstream call', 'order state changed', 'payment authorized', 'rate limit approaching'];
const UAS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'curl/8.5.0',
  'Go-http-client/2.0',
  'okhttp/4.12.0',
];
const LOGGERS = ['com.example.orders.OrderService', 'com.example.payments.PaymentGateway', 'com.example.web.RequestFilter', 'com.example.cart.CartRepository'];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function logfmt(ms: number): string {
  return `ts=${iso(ms)} level=${pick(LEVELS)} caller=${pick(['handler.go', 'server.go', 'store.go', 'client.go'])}:${int(20, 900)} msg="${pick(MSGS)}" method=${pick(METHODS)} path=${skewed(PATHS)}/${int(1, 99999)} status=${skewed(STATUS)} duration=${int(0, 900)}.${int(100, 999)}ms bytes=${int(80, 90000)} trace_id=${hex(32)} span_id=${hex(16)} tenant=${pick(['acme', 'globex', 'initech', 'umbrella'])}`;
}

function json(ms: number): string {
  return JSON.stringify({
    timestamp: iso(ms),
    level: pick(LEVELS).toUpperCase(),
    logger: pick(LOGGERS),
    thread: `http-nio-8080-exec-${int(1, 40)}`,
    message: pick(MSGS),
    orderId: `ord_${hex(12)}`,
    customerId: int(10000, 99999),
    attempt: int(1, 3),
    latency_ms: int(1, 2000),
    region: pick(['eu-west-1', 'us-east-1', 'ap-south-1']),
    trace_id: hex(32),
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function nginx(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
  return `10.${int(0, 3)}.${int(0, 255)}.${int(1, 254)} - - [${date}] "${pick(METHODS)} ${skewed(PATHS)}/${int(1, 99999)}?page=${int(1, 20)} HTTP/1.1" ${skewed(STATUS)} ${int(100, 60000)} "https://shop.example.com/${pick(['', 'cart', 'checkout', 'account'])}" "${skewed(UAS)}" rt=${(rand() * 0.5).toFixed(3)} uct=0.00${int(0, 9)} req_id=${hex(16)}`;
}

const FORMATS = { logfmt, json, nginx } as const;
type Format = keyof typeof FORMATS;

interface Stream {
  format: Format;
  ts: bigint[];
  lines: Buffer[];
  blocks: Buffer[];
}

function generate(format: Format, bytes: number): Stream {
  const ts: bigint[] = [];
  const lines: Buffer[] = [];
  let ms = Date.UTC(2024, 4, 1);
  let total = 0;
  while (total < bytes) {
    ms += int(0, 40);
    const line = Buffer.from(FORMATS[format](ms));
    ts.push(BigInt(ms) * 1_000_000n + BigInt(int(0, 999_999)));
    lines.push(line);
    total += line.length;
  }
  ts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { format, ts, lines, blocks: toBlocks(ts, lines) };
}

/** Raw blocks exactly as MemChunk cuts them (~256 KiB of lines each). */
function toBlocks(ts: bigint[], lines: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    size += lines[i].length;
    if (size >= BLOCK_SIZE || i === lines.length - 1) {
      const part = lines.slice(start, i + 1);
      const lineStart = new Uint32Array(part.length + 1);
      part.forEach((l, k) => (lineStart[k + 1] = lineStart[k] + l.length));
      const batch: EntryBatch = { count: part.length, ts: BigInt64Array.from(ts.slice(start, i + 1)), lines: Buffer.concat(part), lineStart, metadata: null };
      out.push(encodeBlock(batch));
      start = i + 1;
      size = 0;
    }
  }
  return out;
}

/** Best of ROUNDS timings of fn, in seconds. */
function best(fn: () => void): number {
  fn(); // warm-up
  let min = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, (performance.now() - t0) / 1000);
  }
  return min;
}

interface Row {
  enc: string;
  compressMBs: number;
  decompressMBs: number;
  ratio: number;
  ratioBy: Record<Format, number>;
  appendMBs: number | null;
  readMBs: number | null;
}

function zstdAtLevel(level: number): Codec {
  const c = new ZstdCompressor();
  c.setParameters({ compressionLevel: level });
  const d = new ZstdDecompressor();
  return { encoding: 'zstd', compress: (raw) => c.compress(raw), decompress: (z) => d.decompress(z) };
}

function measureBlocks(label: string, codec: Codec, streams: Stream[]): Row {
  const raw = streams.reduce((n, s) => n + s.blocks.reduce((m, b) => m + b.length, 0), 0);
  let compressed: Buffer[][] = [];
  const tc = best(() => {
    compressed = streams.map((s) => s.blocks.map((b) => codec.compress(b)));
  });
  const td = best(() => {
    streams.forEach((s, i) => s.blocks.forEach((b, j) => codec.decompress(compressed[i][j], b.length)));
  });
  const ratioBy = {} as Record<Format, number>;
  let zTotal = 0;
  streams.forEach((s, i) => {
    const z = compressed[i].reduce((n, b) => n + b.length, 0);
    const r = s.blocks.reduce((n, b) => n + b.length, 0);
    ratioBy[s.format] = r / z;
    zTotal += z;
  });
  const MB = 1024 * 1024;
  return { enc: label, compressMBs: raw / MB / tc, decompressMBs: raw / MB / td, ratio: raw / zTotal, ratioBy, appendMBs: null, readMBs: null };
}

function measure(enc: ChunkEncoding, streams: Stream[]): Row {
  const row = measureBlocks(enc, getCodec(enc), streams);
  const lineBytes = streams.reduce((n, s) => n + s.lines.reduce((m, l) => m + l.length, 0), 0);
  let encoded: Buffer[] = [];
  const ta = best(() => {
    encoded = [];
    for (const s of streams) {
      let c = new MemChunk({ encoding: enc });
      for (let i = 0; i < s.lines.length; i++) {
        c.append(s.ts[i], s.lines[i]);
        if (c.isFull()) {
          encoded.push(c.encode());
          c = new MemChunk({ encoding: enc });
        }
      }
      encoded.push(c.encode());
    }
  });
  const tr = best(() => {
    let n = 0;
    for (const buf of encoded) for (const b of decodeChunk(buf).batches(-(1n << 63n), (1n << 63n) - 1n)) n += b.count;
    if (n !== streams.reduce((k, s) => k + s.lines.length, 0)) throw new Error('entry count mismatch');
  });
  const MB = 1024 * 1024;
  return { ...row, appendMBs: lineBytes / MB / ta, readMBs: lineBytes / MB / tr };
}

function print(r: Row): void {
  const f = (x: number | null, d = 0) => (x === null ? '—' : x.toFixed(d));
  const speed = (x: number) => (r.enc === 'none' ? 'n/a' : f(x));
  console.log(`| ${r.enc} | ${speed(r.compressMBs)} | ${speed(r.decompressMBs)} | ${f(r.ratio, 2)} | ${f(r.ratioBy.logfmt, 2)} | ${f(r.ratioBy.json, 2)} | ${f(r.ratioBy.nginx, 2)} | ${f(r.appendMBs)} | ${f(r.readMBs)} |`);
}

function main(): void {
  const per = (TOTAL_MB * 1024 * 1024) / 3;
  const streams = (Object.keys(FORMATS) as Format[]).map((f) => generate(f, per));
  const lines = streams.reduce((n, s) => n + s.lines.length, 0);
  const bytes = streams.reduce((n, s) => n + s.lines.reduce((m, l) => m + l.length, 0), 0);
  console.log(`# Chunk encodings: ${(bytes / 1024 / 1024).toFixed(1)} MiB of lines, ${lines} lines (avg ${(bytes / lines).toFixed(0)} B), blocks of ${BLOCK_SIZE / 1024} KiB, best of ${ROUNDS}`);
  console.log(`# node ${process.version}, ${process.arch}`);
  console.log('');
  console.log('| encoding | compress MB/s | decompress MB/s | ratio | logfmt | json | nginx | MemChunk append+encode MB/s | decodeChunk+read MB/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const enc of CHUNK_ENCODINGS) print(measure(enc, streams));
  for (const level of ZSTD_LEVELS) print(measureBlocks(`zstd level ${level}`, zstdAtLevel(level), streams));
}

main();
