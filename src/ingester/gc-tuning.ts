import { setFlagsFromString } from 'node:v8';

/** Heap growing factor 1 + 300/100 = 4: the top of the range V8 picks from by itself. */
export const INGEST_HEAP_GROWING_PERCENT = 300;

let applied = false;

/**
 * Gives V8's full collections room on the write path. The old generation's limit is sized from
 * the live JS heap, which stays small here (~16–20 MB: chunk data lives in Buffers outside it),
 * so the headroom over it is V8's minimum step (8 MB); and V8 counts every Buffer allocated
 * since the last full collection against that headroom. Ingestion allocates Buffers at the
 * rate data arrives (compressed blocks, encoded chunks, request bodies), so with the adaptive
 * factor a full collection started every ~8 MB: ~120 mark-compacts per GB ingested, about a
 * third of the server's CPU. A fixed factor of 4 (V8's own upper bound) cut them to a third and
 * server CPU per GB by ~20% (docs/performance.md), for a few MB of heap. A growing factor the
 * operator set (`--heap-growing-percent` in the node flags) is left alone.
 */
export function tuneGcForIngestion(): void {
  if (applied) return;
  applied = true;
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (/heap[-_]growing[-_]percent/.test(flags)) return;
  setFlagsFromString(`--heap-growing-percent=${INGEST_HEAP_GROWING_PERCENT}`);
}
