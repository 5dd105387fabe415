import type { Ingester } from '../ingester/ingester.js';
import type { LogPipeline } from '../logql/log/types.js';
import type { LogSelector } from '../logql/syntax/index.js';
import { sortLabels, type Label, type Labels } from '../model/labels.js';
import type { LabelMatcher } from '../model/matcher.js';
import type { Nanos } from '../model/time.js';
import type { Direction } from './params.js';
import { selectLogs, type SelectLogsResult } from './select-logs.js';
import { BlockScratch } from './block-decoder.js';
import { memHandle } from './mem-segments.js';
import { mergeSeries, type SeriesSource } from './sources.js';

/** Reads series from long-term storage (index → chunk refs → chunks). */
export interface StoreSeriesReader {
  series(tenant: string, from: Nanos, through: Nanos, matchers: readonly LabelMatcher[]): Promise<SeriesSource[]>;
}

export interface LogQueryRequest {
  readonly tenant: string;
  readonly matchers: readonly LabelMatcher[];
  readonly start: Nanos;
  readonly end: Nanos;
  readonly direction: Direction;
  readonly limit: number;
  readonly pipeline: LogPipeline;
  readonly intervalNs?: bigint;
  readonly categorize: boolean;
  readonly signal?: AbortSignal;
  /** The query's selector: its line filters let the reader skip lines without running the pipeline. */
  readonly selector?: LogSelector;
}

/** Answers queries from the ingester's memory and the store, merged and de-duplicated. */
export class Querier {
  constructor(
    private readonly ingester: Ingester,
    private readonly store: StoreSeriesReader,
  ) {}

  /** Every stream of the tenant matching the selector with data possibly in [start, end). */
  async selectSeries(tenant: string, matchers: readonly LabelMatcher[], start: Nanos, end: Nanos): Promise<SeriesSource[]> {
    const mem: SeriesSource[] = [];
    // One scratch per selection: a query reads its blocks one at a time.
    const scratch = new BlockScratch();
    for (const s of this.ingester.select(tenant, matchers)) {
      const chunks = s.chunksOverlapping(start, end);
      if (chunks.length > 0) mem.push({ labels: s.labels, key: s.key, chunks: chunks.map((c) => memHandle(c, scratch)) });
    }
    const stored = await this.store.series(tenant, start, end, matchers);
    return mergeSeries([mem, stored]);
  }

  async logQuery(req: LogQueryRequest): Promise<SelectLogsResult> {
    const series = await this.selectSeries(req.tenant, req.matchers, req.start, req.end);
    return selectLogs({ ...req, series });
  }
}

/** Stream labels plus structured metadata; a metadata name clashing with a stream label gets `_extracted`. */
export function mergeMetadata(stream: Labels, metadata: Labels): Labels {
  const names = new Set(stream.map((l) => l.name));
  const merged: Label[] = [...stream];
  for (const m of metadata) merged.push(names.has(m.name) ? { name: m.name + '_extracted', value: m.value } : m);
  return sortLabels(merged);
}
