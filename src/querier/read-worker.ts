/** A read worker: answers ReadTasks (see read-tasks.ts) for the main thread's ReadPool. */
import { parentPort } from 'node:worker_threads';
import { decodeChunk } from '../chunk/index.js';
import { Counter } from '../logql/engine/range-count.js';
import { extractSegment, SampleBuffer } from '../logql/engine/range-window.js';
import { compileLogPipeline, compileSampleExtractor, type LogPipeline, type SampleExtractor } from '../logql/log/index.js';
import { parseQuery, type Grouping, type LogSelector, type RangeAggregation } from '../logql/syntax/index.js';
import { BlockScratch } from './block-decoder.js';
import { IDENTITY_PIPELINE } from './identity-pipeline.js';
import { LiteralScan, requiredLiterals } from './line-prefilter.js';
import { LogKeeper, SegmentScanner } from './log-scan.js';
import { FilesystemObjectStore } from '../storage/index.js';
import type { ChunkSource, CountResult, CountTask, LogsResult, LogsTask, ReadTask, ReadTaskResult, SamplesResult, SamplesTask } from './read-tasks.js';
import { newReadStats } from './series-plan.js';
import { storedSegments } from './store-reader.js';

const scratch = new BlockScratch();

/** Compiled queries of recent tasks: a query's tasks all compile the same text. */
const compiled = new Map<string, unknown>();

function cached<T>(key: string, make: () => T): T {
  let v = compiled.get(key) as T | undefined;
  if (v === undefined) {
    if (compiled.size >= 64) compiled.clear();
    v = make();
    compiled.set(key, v);
  }
  return v;
}

const stores = new Map<string, FilesystemObjectStore>();

/** A chunk the main thread did not fetch is counted here. */
function taskStats(source: ChunkSource) {
  const stats = newReadStats();
  if (!('bytes' in source)) stats.chunksRead++;
  return stats;
}

async function chunkOf(source: ChunkSource) {
  let buf: Buffer;
  if ('bytes' in source) buf = Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength);
  else {
    let store = stores.get(source.root);
    if (store === undefined) stores.set(source.root, (store = new FilesystemObjectStore(source.root)));
    buf = await store.get(source.key);
  }
  return storedSegments(decodeChunk(buf), buf, scratch);
}

async function logs(t: LogsTask): Promise<LogsResult> {
  const { pipeline, scan } = cached('logs\0' + t.query, () => {
    const selector = parseQuery(t.query) as LogSelector;
    const p: LogPipeline = selector.pipeline.length === 0 ? IDENTITY_PIPELINE : compileLogPipeline(selector);
    const literals = requiredLiterals(selector.pipeline);
    // Kept with the query: its choice of literal and search carries over from chunk to chunk.
    return { pipeline: p, scan: literals.length > 0 ? new LiteralScan(literals) : undefined };
  });
  const stats = taskStats(t.chunk);
  const keeper = new LogKeeper(t.forward, t.limit);
  keeper.floor = t.floor;
  const scanner = new SegmentScanner(t.start, t.end, keeper, scan);
  const segments = await chunkOf(t.chunk);
  const sp = pipeline.forStream(t.labels);
  for (let s = 0; s < segments.length; s++) {
    if (!scanner.scanSegment(segments[t.forward ? s : segments.length - 1 - s], sp, 0, stats)) break;
  }
  const entries = keeper.drain().map((k) => {
    const l = k.entry.labels;
    // Result labels may be lazy objects: send their values.
    return { rel: k.rel, pos: k.pos, ts: k.entry.ts, line: k.entry.line, labels: { all: l.all, key: l.key, stream: l.stream, structuredMetadata: l.structuredMetadata, parsed: l.parsed } };
  });
  return { kind: 'logs', entries, stats };
}

function extractor(query: string, grouping: Grouping | undefined): { agg: RangeAggregation; ext: SampleExtractor } {
  return cached(`agg\0${query}\0${JSON.stringify(grouping ?? null)}`, () => {
    const agg = parseQuery(query) as RangeAggregation;
    return { agg, ext: compileSampleExtractor({ ...agg, grouping }) };
  });
}

async function count(t: CountTask): Promise<CountResult> {
  const { agg, ext } = extractor(t.query, t.grouping);
  const stats = taskStats(t.chunk);
  const counter = new Counter(t.frame, agg, t.grouping, t.withBytes, ext);
  counter.stream(t.labels);
  for (const seg of await chunkOf(t.chunk)) counter.countSegment(seg, stats);
  return { kind: 'count', series: counter.export(), stats };
}

async function samples(t: SamplesTask): Promise<SamplesResult> {
  const { agg, ext } = extractor(t.query, t.grouping);
  const stats = taskStats(t.chunk);
  const buf = new SampleBuffer(t.frame, agg);
  const sp = ext.forStream(t.labels);
  for (const seg of await chunkOf(t.chunk)) extractSegment(seg, sp, buf, stats);
  return { kind: 'samples', ...buf.export(), stats };
}

function handle(task: ReadTask): Promise<ReadTaskResult> {
  switch (task.kind) {
    case 'logs': return logs(task);
    case 'count': return count(task);
    case 'samples': return samples(task);
  }
}

parentPort?.on('message', async (msg: { id: number; task: ReadTask }) => {
  try {
    const result = await handle(msg.task);
    const transfer: ArrayBuffer[] = [];
    if (result.kind === 'samples') transfer.push(result.rel.buffer as ArrayBuffer, result.val.buffer as ArrayBuffer, result.sid.buffer as ArrayBuffer);
    parentPort!.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort!.postMessage({ id: msg.id, ok: false, name: e.name, message: e.message });
  }
});
