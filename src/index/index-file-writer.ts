import { compareLabels, labelsToString, type Labels } from '../model/labels.js';
import { ByteWriter } from '../chunk/bytes.js';
import { checksum } from '../chunk/checksum.js';
import type { ChunkRef } from './chunk-ref.js';
import { INDEX_HEADER_SIZE, INDEX_MAGIC, INDEX_VERSION } from './index-file-format.js';

interface SeriesEntry {
  labels: Labels;
  fingerprint: bigint;
  chunks: ChunkRef[];
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups refs into series (same labels), drops repeated chunks (same key and offset), sorts everything. */
function groupSeries(refs: Iterable<ChunkRef>): SeriesEntry[] {
  const byLabels = new Map<string, SeriesEntry>();
  for (const r of refs) {
    const id = labelsToString(r.labels);
    let s = byLabels.get(id);
    if (s === undefined) {
      s = { labels: r.labels, fingerprint: r.fingerprint, chunks: [] };
      byLabels.set(id, s);
    }
    s.chunks.push(r);
  }
  const series = [...byLabels.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  for (const s of series) {
    s.chunks.sort((a, b) => cmpBig(a.from, b.from) || cmpBig(a.through, b.through) || cmpStr(a.key, b.key) || a.offset - b.offset);
    s.chunks = s.chunks.filter((c, i) => i === 0 || c.key !== s.chunks[i - 1].key || c.offset !== s.chunks[i - 1].offset);
  }
  return series;
}

/** Serializes chunk refs (any order, possibly repeated) into one immutable index file. */
export function encodeIndexFile(refs: Iterable<ChunkRef>): Buffer {
  const series = groupSeries(refs);
  const symSet = new Set<string>();
  for (const s of series) for (const l of s.labels) symSet.add(l.name).add(l.value);
  const symbols = [...symSet].sort(cmpStr);
  const symId = new Map<string, number>();
  symbols.forEach((s, i) => symId.set(s, i));

  let chunkCount = 0;
  let minFrom = 0n;
  let maxThrough = 0n;
  for (const s of series) {
    for (const c of s.chunks) {
      if (chunkCount === 0 || c.from < minFrom) minFrom = c.from;
      if (chunkCount === 0 || c.through > maxThrough) maxThrough = c.through;
      chunkCount++;
    }
  }

  const w = new ByteWriter(INDEX_HEADER_SIZE + series.length * 64 + chunkCount * 96);
  w.u32(INDEX_MAGIC);
  w.u8(INDEX_VERSION);
  w.u8(0);
  w.u16(0);
  w.u32(symbols.length);
  w.u32(series.length);
  w.u32(chunkCount);
  w.u32(0);
  w.i64(minFrom);
  w.i64(maxThrough);
  const offsetsAt = w.length;
  for (let i = 0; i < 4; i++) w.u32(0); // section offsets, patched below
  w.u64(0); // reserved

  const symbolsOffset = w.length;
  for (const s of symbols) w.string(s);

  const seriesOffset = w.length;
  for (const s of series) {
    w.bigU64(BigInt.asUintN(64, s.fingerprint));
    w.uvarint(s.labels.length);
    for (const l of s.labels) {
      w.uvarint(symId.get(l.name)!);
      w.uvarint(symId.get(l.value)!);
    }
    w.uvarint(s.chunks.length);
  }

  const chunksOffset = w.length;
  for (const s of series) {
    for (const c of s.chunks) {
      w.i64(c.from);
      w.i64(c.through);
      w.uvarint(c.compressedSize);
      w.uvarint(c.rawSize);
      w.uvarint(c.entries);
      w.string(c.key);
      w.uvarint(c.offset);
    }
  }

  const postingsOffset = w.length;
  const postings = new Map<string, Map<string, number[]>>();
  series.forEach((s, id) => {
    for (const l of s.labels) {
      let byValue = postings.get(l.name);
      if (byValue === undefined) postings.set(l.name, (byValue = new Map()));
      let ids = byValue.get(l.value);
      if (ids === undefined) byValue.set(l.value, (ids = []));
      ids.push(id);
    }
  });
  const names = [...postings.keys()].sort(cmpStr);
  w.uvarint(names.length);
  for (const name of names) {
    const byValue = postings.get(name)!;
    const values = [...byValue.keys()].sort(cmpStr);
    w.uvarint(symId.get(name)!);
    w.uvarint(values.length);
    for (const v of values) {
      const ids = byValue.get(v)!;
      w.uvarint(symId.get(v)!);
      w.uvarint(ids.length);
      let prev = 0;
      for (const id of ids) {
        w.uvarint(id - prev);
        prev = id;
      }
    }
  }
  if (w.length > 0xffffffff) throw new RangeError('index file larger than 4 GiB');
  w.patchU32(offsetsAt, symbolsOffset);
  w.patchU32(offsetsAt + 4, seriesOffset);
  w.patchU32(offsetsAt + 8, chunksOffset);
  w.patchU32(offsetsAt + 12, postingsOffset);
  const body = w.finish();
  w.u32(checksum(body));
  return w.finish();
}
