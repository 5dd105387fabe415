/**
 * What read workers are asked and answer. A task carries one serialized stored chunk, moved
 * (not copied) to the worker, and the query text, compiled there once per query.
 */
import type { RangeFrame } from '../logql/engine/range-common.js';
import type { CountedSeries } from '../logql/engine/range-count.js';
import type { ResultLabels } from '../logql/log/types.js';
import type { Grouping } from '../logql/syntax/index.js';
import type { Labels } from '../model/labels.js';
import type { ChunkGroup, ReadStats } from './series-plan.js';
import type { ChunkBlocks, ChunkLocation } from './sources.js';

/** The chunk of a task: its bytes (moved to the worker), or where the worker reads it. */
export type ChunkSource = { readonly bytes: Uint8Array } | ChunkLocation;

/** Log query: the best `limit` entries of the chunk that pass the selector's pipeline. */
export interface LogsTask {
  readonly kind: 'logs';
  /** The log selector, as text. */
  readonly query: string;
  readonly labels: Labels;
  readonly chunk: ChunkSource;
  readonly start: bigint;
  readonly end: bigint;
  readonly forward: boolean;
  readonly limit: number;
  /** The main thread's worst kept time when its set is full (NaN: not full). */
  readonly floor: number;
}

export interface KeptEntry {
  readonly rel: number;
  readonly pos: number;
  readonly ts: bigint;
  readonly line: Uint8Array;
  readonly labels: ResultLabels;
}

export interface LogsResult {
  readonly kind: 'logs';
  /** Best first. */
  readonly entries: KeptEntry[];
  readonly stats: ReadStats;
}

/** count_over_time and friends over one chunk. */
export interface CountTask {
  readonly kind: 'count';
  /** The range aggregation, as text. */
  readonly query: string;
  readonly grouping: Grouping | undefined;
  readonly frame: RangeFrame;
  readonly withBytes: boolean;
  readonly labels: Labels;
  readonly chunk: ChunkSource;
}

export interface CountResult {
  readonly kind: 'count';
  readonly series: CountedSeries[];
  readonly stats: ReadStats;
}

/** Unwrapped range functions: the chunk's samples that fall in some window. */
export interface SamplesTask {
  readonly kind: 'samples';
  readonly query: string;
  readonly grouping: Grouping | undefined;
  readonly frame: RangeFrame;
  readonly labels: Labels;
  readonly chunk: ChunkSource;
}

export interface SamplesResult {
  readonly kind: 'samples';
  readonly n: number;
  readonly rel: Float64Array;
  readonly val: Float64Array;
  /** Index into `labels` of each sample's label set. */
  readonly sid: Int32Array;
  readonly labels: { readonly all: Labels; readonly key: string }[];
  readonly stats: ReadStats;
}

export type ReadTask = LogsTask | CountTask | SamplesTask;
export type ReadTaskResult = LogsResult | CountResult | SamplesResult;

/**
 * The source of a group's chunk for a worker: its location when the worker can read it itself
 * (nothing to fetch here), else the fetched bytes, copied into a buffer of their own to move: the
 * original may be a view of a larger or cached buffer. Undefined: the group is read here.
 */
export async function taskSource(
  group: ChunkGroup, from: bigint, through: bigint, stats: ReadStats,
): Promise<{ source: ChunkSource; transfer: ArrayBuffer[] } | { local: ChunkBlocks }> {
  if (group.location !== undefined) return { source: group.location, transfer: [] };
  const blocks = await group.blocks(from, through, stats);
  if (blocks.serialized === undefined) return { local: blocks };
  const copy = new Uint8Array(blocks.serialized.length);
  copy.set(blocks.serialized);
  return { source: { bytes: copy }, transfer: [copy.buffer] };
}

export function addStats(into: ReadStats, s: ReadStats): void {
  into.chunksRead += s.chunksRead;
  into.decompressedLines += s.decompressedLines;
  into.decompressedBytes += s.decompressedBytes;
  into.duplicates += s.duplicates;
}
