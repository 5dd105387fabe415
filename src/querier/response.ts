import type { Labels } from '../model/labels.js';
import type { ReadStats } from './series-cursor.js';
import type { LogStream } from './select-logs.js';

/** JSON string as Go's encoding/json writes it: HTML-escaped <, >, & and U+2028/U+2029. */
export function goJsonString(s: string): string {
  const j = JSON.stringify(s);
  if (!/[<>&\u2028\u2029]/.test(j)) return j;
  return j.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function labelsJson(labels: Labels): string {
  let out = '{';
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) out += ',';
    out += goJsonString(labels[i].name) + ':' + goJsonString(labels[i].value);
  }
  return out + '}';
}

export interface QueryStatsInput {
  readonly execTimeSec: number;
  readonly read: ReadStats;
  readonly entriesReturned: number;
  readonly headChunkBytes?: number;
}

/** Loki's `stats` object (v3.4 shape); clients read only a few fields, the rest are zeros. */
export function buildStats(s: QueryStatsInput): object {
  const bytes = s.read.decompressedBytes;
  const lines = s.read.decompressedLines;
  const exec = s.execTimeSec;
  const chunk = {
    headChunkBytes: 0, headChunkLines: 0, decompressedBytes: bytes, decompressedLines: lines, compressedBytes: 0,
    totalDuplicates: s.read.duplicates, postFilterLines: lines, headChunkStructuredMetadataBytes: 0, decompressedStructuredMetadataBytes: 0,
  };
  const store = {
    totalChunksRef: s.read.chunksRead, totalChunksDownloaded: s.read.chunksRead, chunksDownloadTime: 0, queryReferencedStructuredMetadata: false,
    chunk, chunkRefsFetchTime: 0, congestionControlLatency: 0, pipelineWrapperFilteredLines: 0,
  };
  const cacheEntry = { entriesFound: 0, entriesRequested: 0, entriesStored: 0, bytesReceived: 0, bytesSent: 0, requests: 0, downloadTime: 0, queryLengthServed: 0 };
  return {
    summary: {
      bytesProcessedPerSecond: exec > 0 ? Math.floor(bytes / exec) : 0,
      linesProcessedPerSecond: exec > 0 ? Math.floor(lines / exec) : 0,
      totalBytesProcessed: bytes, totalLinesProcessed: lines, execTime: exec, queueTime: 0, subqueries: 0,
      totalEntriesReturned: s.entriesReturned, splits: 0, shards: 0, totalPostFilterLines: lines, totalStructuredMetadataBytesProcessed: 0,
    },
    querier: { store },
    ingester: { totalReached: 0, totalChunksMatched: 0, totalBatches: 0, totalLinesSent: 0, store: { ...store, chunk: { ...chunk, decompressedBytes: 0, decompressedLines: 0 } } },
    cache: {
      chunk: cacheEntry, index: cacheEntry, result: cacheEntry, statsResult: cacheEntry, volumeResult: cacheEntry,
      seriesResult: cacheEntry, labelResult: cacheEntry, instantMetricResult: cacheEntry,
    },
    index: { totalChunks: 0, postFilterChunks: 0, shardsDuration: 0, usedBloomFilters: false },
  };
}

/**
 * The query_range body for a log query: `{"status":"success","data":{"resultType":"streams",…}}`.
 * With categorize-labels, each value gets a third element holding its structured metadata.
 */
export function streamsResponseJson(streams: readonly LogStream[], stats: object, categorize = false): string {
  const parts: string[] = [];
  for (const s of streams) {
    let values = '';
    for (let i = 0; i < s.entries.length; i++) {
      const e = s.entries[i];
      if (i > 0) values += ',';
      values += '["' + e.ts.toString() + '",' + goJsonString(e.line.toString('utf8'));
      if (categorize) {
        const sm = e.labels.structuredMetadata, parsed = e.labels.parsed;
        let cat = '';
        if (sm.length > 0) cat += '"structuredMetadata":' + labelsJson(sm);
        if (parsed.length > 0) cat += (cat ? ',' : '') + '"parsed":' + labelsJson(parsed);
        values += ',{' + cat + '}';
      }
      values += ']';
    }
    parts.push('{"stream":' + labelsJson(s.labels) + ',"values":[' + values + ']}');
  }
  const flags = categorize ? '"encodingFlags":["categorize-labels"],' : '';
  return '{"status":"success","data":{"resultType":"streams",' + flags + '"result":[' + parts.join(',') + '],"stats":' + JSON.stringify(stats) + '}}';
}
