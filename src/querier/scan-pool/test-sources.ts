/** Test data for the scan pool: in-memory streams whose chunks have cut blocks (what workers read) and a head. */
import { MemChunk } from '../../chunk/index.js';
import { labelsToString, type Labels } from '../../model/labels.js';
import { BlockScratch } from '../block-decoder.js';
import { memHandle } from '../mem-segments.js';
import type { SeriesSource } from '../sources.js';

export interface TestEntry {
  readonly ts: bigint;
  readonly line: string;
  readonly metadata: Labels;
}

/**
 * `streams` streams (`app` a0..a2, `pod` p<s>) of one zstd chunk each with 2 KiB blocks, holding
 * `entry(s, i)` for i < perStream.
 */
export function memSources(streams: number, perStream: number, entry: (s: number, i: number) => TestEntry): SeriesSource[] {
  const scratch = new BlockScratch();
  const out: SeriesSource[] = [];
  for (let s = 0; s < streams; s++) {
    const labels: Labels = [{ name: 'app', value: `a${s % 3}` }, { name: 'pod', value: `p${s}` }];
    const c = new MemChunk({ encoding: 'zstd', blockSize: 2048, labels });
    for (let i = 0; i < perStream; i++) {
      const e = entry(s, i);
      c.append(e.ts, Buffer.from(e.line), e.metadata);
    }
    out.push({ labels, key: labelsToString(labels), chunks: [memHandle(c, scratch)] });
  }
  return out;
}
