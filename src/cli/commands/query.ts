import { parseArgs, usageText, type Args, type FlagSpec } from './args.js';
import { streamEntries, type QueryResponse } from './api.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, RANGE_FLAGS, announce, clientFrom, printerFrom, secondsParam, timeRange } from './common.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { CommandIO } from './io.js';
import { printJson } from './output.js';
import { pageLogs, type Page } from './paging.js';
import { Progress } from './progress.js';
import { printStats } from './stats.js';
import { TAIL_ONLY_FLAGS, tailQuery } from './tail.js';

export const QUERY_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
  ...RANGE_FLAGS,
  { name: 'limit', kind: 'int', default: '30', help: 'Most entries to print.' },
  { name: 'batch', kind: 'int', default: '1000', help: 'Entries per request when --limit is larger; keep it at or under the server\'s max_entries_limit_per_query.' },
  { name: 'forward', kind: 'bool', help: 'Oldest entries first.' },
  { name: 'step', kind: 'duration', help: 'Step of a metric query.' },
  { name: 'interval', kind: 'duration', help: 'Return entries at this interval only (log queries).' },
  { name: 'stats', kind: 'bool', help: 'Print query statistics on stderr.' },
  { name: 'tail', short: 't', kind: 'bool', help: 'Tail the query live instead (same as skald tail).' },
  ...TAIL_ONLY_FLAGS,
];

const USAGE = usageText(
  'skald query [<flags>] <query>',
  'Runs a LogQL query over a time range (query_range). Log queries print entries, paging in\n' +
    'batches of --batch when --limit is larger; metric queries print the matrix as JSON.',
  QUERY_FLAGS,
);

function positiveInt(args: Args, name: string): number {
  const v = args.int(name);
  if (v <= 0) throw new UsageError(`--${name} must be positive`);
  return v;
}

/** `skald query`: logcli's `query` command. */
export async function runQuery(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseArgs(QUERY_FLAGS, argv, io.env);
  if (args.help) { io.stdout.write(USAGE); return EXIT_OK; }
  if (args.positional.length !== 1) throw new UsageError('expected exactly one argument: the LogQL query');
  const query = args.positional[0];
  if (args.bool('tail')) return tailQuery(args, query, io);

  const client = clientFrom(args);
  const printer = printerFrom(args, io);
  const { start, end } = timeRange(args);
  const limit = positiveInt(args, 'limit');
  const batch = positiveInt(args, 'batch');
  const forward = args.bool('forward');
  const step = args.given('step') ? args.durationNs('step') : 0n;
  const interval = args.given('interval') ? args.durationNs('interval') : 0n;
  const progress = new Progress(io.stderr, io.stderr.isTTY && !args.bool('quiet') && limit > batch, limit);

  const fetch = async (req: { limit: number; start: bigint; end: bigint }): Promise<Page> => {
    const params = new URLSearchParams({
      query, limit: String(req.limit), start: String(req.start), end: String(req.end), direction: forward ? 'forward' : 'backward',
    });
    if (step > 0n) params.set('step', secondsParam(step));
    if (interval > 0n) params.set('interval', secondsParam(interval));
    progress.clear();
    announce(io, args, client.url('/loki/api/v1/query_range', params));
    const res = await client.getJson<QueryResponse>('/loki/api/v1/query_range', params, io.signal);
    if (args.bool('stats')) printStats(io.stderr, res.data?.stats);
    if (res.data?.resultType !== 'streams') return { kind: 'other', data: res.data?.result };
    return { kind: 'streams', entries: streamEntries(res.data.result) };
  };

  let result: Awaited<ReturnType<typeof pageLogs>>;
  try {
    result = await pageLogs({ limit, batch, start, end, forward }, {
      fetch,
      emit: (entries) => { progress.clear(); printer.print(entries, true); },
      progress: (printed, pages) => progress.update(printed, pages),
    });
  } finally {
    progress.clear();
  }
  if (result.other !== undefined) printJson(io.stdout, result.other);
  return EXIT_OK;
}
