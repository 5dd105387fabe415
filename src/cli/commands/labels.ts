import { parseArgs, usageText, type FlagSpec } from './args.js';
import type { ListResponse } from './api.js';
import { CLIENT_FLAGS, RANGE_FLAGS, announce, clientFrom, timeRange } from './common.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { CommandIO } from './io.js';

export const LABELS_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS,
  ...RANGE_FLAGS,
  { name: 'query', kind: 'string', help: 'Only labels of streams matching this selector, e.g. {app="api"}.' },
];

const USAGE = usageText(
  'skald labels [<flags>] [<label>]',
  'Lists label names, or the values of one label, seen in the time range.',
  LABELS_FLAGS,
);

/** `skald labels`: label names, or a label's values, one per line. */
export async function runLabels(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseArgs(LABELS_FLAGS, argv, io.env);
  if (args.help) { io.stdout.write(USAGE); return EXIT_OK; }
  if (args.positional.length > 1) throw new UsageError('expected at most one argument: a label name');
  const client = clientFrom(args);
  const { start, end } = timeRange(args);
  const params = new URLSearchParams({ start: String(start), end: String(end) });
  const q = args.string('query');
  if (q) params.set('query', q);
  const name = args.positional[0];
  const path = name === undefined ? '/loki/api/v1/labels' : `/loki/api/v1/label/${encodeURIComponent(name)}/values`;
  announce(io, args, client.url(path, params));
  const res = await client.getJson<ListResponse<string>>(path, params, io.signal);
  const values = res.data ?? [];
  if (values.length > 0) io.stdout.write(values.join('\n') + '\n');
  return EXIT_OK;
}
