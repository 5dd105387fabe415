import { parseArgs, usageText, type FlagSpec } from './args.js';
import type { ListResponse } from './api.js';
import { CLIENT_FLAGS, RANGE_FLAGS, announce, clientFrom, timeRange } from './common.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { CommandIO, Sink } from './io.js';
import { labelSetString, type LabelSet } from './labels-util.js';

export const SERIES_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS,
  ...RANGE_FLAGS,
  { name: 'analyze-labels', kind: 'bool', help: 'Summarise label cardinality instead of listing series.' },
];

const USAGE = usageText(
  'skald series [<flags>] <matcher>...',
  'Lists the streams matching one or more selectors in the time range, e.g. skald series \'{app="api"}\'.',
  SERIES_FLAGS,
);

/** Labels by how many distinct values they take, as logcli's --analyze-labels prints them. */
export function analyzeLabels(out: Sink, series: readonly LabelSet[]): void {
  const values = new Map<string, Set<string>>();
  const streams = new Map<string, number>();
  for (const s of series) {
    for (const [k, v] of Object.entries(s)) {
      if (!values.has(k)) values.set(k, new Set());
      values.get(k)!.add(v);
      streams.set(k, (streams.get(k) ?? 0) + 1);
    }
  }
  const rows = [...values.keys()].map((k) => ({ k, uniq: values.get(k)!.size, found: streams.get(k)! }));
  rows.sort((a, b) => b.uniq - a.uniq || (a.k < b.k ? -1 : 1));
  const w = Math.max(10, ...rows.map((r) => r.k.length)) + 2;
  out.write(`Total Streams:  ${series.length}\nUnique Labels:  ${rows.length}\n\n`);
  out.write('Label Name'.padEnd(w) + 'Unique Values'.padEnd(15) + 'Found In Streams\n');
  for (const r of rows) out.write(r.k.padEnd(w) + String(r.uniq).padEnd(15) + r.found + '\n');
}

/** `skald series`: one label set per line. */
export async function runSeries(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseArgs(SERIES_FLAGS, argv, io.env);
  if (args.help) { io.stdout.write(USAGE); return EXIT_OK; }
  if (args.positional.length === 0) throw new UsageError('expected at least one argument: a stream selector such as {app="api"}');
  const client = clientFrom(args);
  const { start, end } = timeRange(args);
  const params = new URLSearchParams({ start: String(start), end: String(end) });
  for (const m of args.positional) params.append('match[]', m);
  announce(io, args, client.url('/loki/api/v1/series', params));
  const res = await client.getJson<ListResponse<LabelSet>>('/loki/api/v1/series', params, io.signal);
  const series = res.data ?? [];
  if (args.bool('analyze-labels')) analyzeLabels(io.stdout, series);
  else if (series.length > 0) io.stdout.write(series.map(labelSetString).join('\n') + '\n');
  return EXIT_OK;
}
