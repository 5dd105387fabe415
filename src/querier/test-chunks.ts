/**
 * Test helpers: one stream's entries as chunk handles of every kind the querier reads — plain
 * batches only, ingester chunks (cut blocks plus an unordered head) and stored chunks.
 */
import { MemChunk, sliceBatchByTime, type EntryBatch } from '../chunk/index.js';
import { EMPTY_LABELS, labelsFromRecord, labelsToString, type Labels } from '../model/labels.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemObjectStore, MemoryObjectStore } from '../storage/index.js';
import { memHandle } from './mem-segments.js';
import type { ChunkHandle, SeriesSource } from './sources.js';
import { storedChunkHandle } from './store-reader.js';

export interface TestEntry {
  readonly ts: bigint;
  readonly line: string;
  readonly metadata?: Record<string, string>;
}

export type ChunkKind = 'batches' | 'memory' | 'stored' | 'file';

function toBatch(entries: readonly TestEntry[]): EntryBatch {
  const lines = entries.map((e) => Buffer.from(e.line));
  const lineStart = new Uint32Array(entries.length + 1);
  for (let i = 0; i < lines.length; i++) lineStart[i + 1] = lineStart[i] + lines[i].length;
  const anyMeta = entries.some((e) => e.metadata !== undefined);
  return {
    count: entries.length,
    ts: BigInt64Array.from(entries.map((e) => e.ts)),
    lines: Buffer.concat(lines),
    lineStart,
    metadata: anyMeta ? entries.map((e) => (e.metadata ? labelsFromRecord(e.metadata) : EMPTY_LABELS)) : null,
  };
}

const objects = new MemoryObjectStore();
let files: FilesystemObjectStore | undefined;
let nextKey = 0;

/**
 * Handles over `chunks` (each a list of entries in push order). `memory` and `stored` build real
 * chunks with tiny blocks (`blockSize` bytes), so blocks, block groups and heads all occur.
 */
export async function chunkHandles(kind: ChunkKind, labels: Labels, chunks: readonly (readonly TestEntry[])[], blockSize = 200): Promise<ChunkHandle[]> {
  const out: ChunkHandle[] = [];
  for (const entries of chunks) {
    if (entries.length === 0) continue;
    if (kind === 'batches') {
      const sorted = [...entries].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      const batch = toBatch(sorted);
      out.push({ minTs: batch.ts[0], maxTs: batch.ts[batch.count - 1], batches: async (from, through) => [sliceBatchByTime(batch, from, through)] });
      continue;
    }
    const c = new MemChunk({ encoding: 'zstd', blockSize, labels });
    for (const e of entries) c.append(e.ts, Buffer.from(e.line), e.metadata ? labelsFromRecord(e.metadata) : EMPTY_LABELS);
    if (kind === 'memory') {
      out.push(memHandle(c));
      continue;
    }
    const bytes = c.encode();
    const key = `test/chunk-${nextKey++}`;
    // Files live in a temporary directory removed at exit.
    files ??= new FilesystemObjectStore(mkdtempSync(join(tmpdir(), 'skald-test-chunks-')), { fsync: false });
    const store = kind === 'file' ? files : objects;
    await store.put(key, bytes);
    out.push(storedChunkHandle({
      labels, fingerprint: c.fingerprint, from: c.minTs, through: c.maxTs, key, compressedSize: bytes.length, rawSize: c.rawBytes, entries: c.entryCount,
    }, store));
  }
  return out;
}

export async function testSeries(kind: ChunkKind, labels: Record<string, string>, chunks: readonly (readonly TestEntry[])[], blockSize?: number): Promise<SeriesSource> {
  const l = labelsFromRecord(labels);
  return { labels: l, key: labelsToString(l), chunks: await chunkHandles(kind, l, chunks, blockSize) };
}

process.once('exit', () => {
  if (files !== undefined) rmSync(files.root, { recursive: true, force: true });
});
