import type { Sink } from './io.js';

/** `--stats`: the response's statistics summary on stderr, one `key value` per line. */
export function printStats(sink: Sink, stats: unknown): void {
  const summary = (stats as { summary?: Record<string, unknown> } | undefined)?.summary;
  if (!summary) return;
  const keys = Object.keys(summary);
  const width = Math.max(0, ...keys.map((k) => k.length)) + 2;
  for (const k of keys) sink.write(`${k.padEnd(width)}${String(summary[k])}\n`);
}
