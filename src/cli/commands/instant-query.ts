import { nowNanos } from '../../model/time.js';
import { parseArgs, usageText, type FlagSpec } from './args.js';
import { streamEntries, type QueryResponse } from './api.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, announce, clientFrom, printerFrom } from './common.js';
import { EXIT_OK, UsageError } from './errors.js';
import type { CommandIO } from './io.js';
import { printJson } from './output.js';
import { sortEntries } from './paging.js';
import { printStats } from './stats.js';
import { parseTimeFlag } from './time.js';

export const INSTANT_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
  { name: 'now', kind: 'string', help: 'Evaluation time, RFC3339 or Unix time; default now.' },
  { name: 'limit', kind: 'int', default: '100', help: 'Most entries or series returned.' },
  { name: 'forward', kind: 'bool', help: 'Oldest entries first.' },
  { name: 'stats', kind: 'bool', help: 'Print query statistics on stderr.' },
];

const USAGE = usageText(
  'skald instant-query [<flags>] <query>',
  'Evaluates a LogQL metric query at one instant (the query endpoint) and prints the vector as JSON.',
  INSTANT_FLAGS,
);

/** `skald instant-query`: logcli's `instant-query`. */
export async function runInstantQuery(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseArgs(INSTANT_FLAGS, argv, io.env);
  if (args.help) { io.stdout.write(USAGE); return EXIT_OK; }
  if (args.positional.length !== 1) throw new UsageError('expected exactly one argument: the LogQL query');
  const client = clientFrom(args);
  const printer = printerFrom(args, io);
  const limit = args.int('limit');
  if (limit <= 0) throw new UsageError('--limit must be positive');
  const now = args.string('now');
  const time = now ? parseTimeFlag(now, '--now') : nowNanos();
  const forward = args.bool('forward');
  const params = new URLSearchParams({ query: args.positional[0], limit: String(limit), time: String(time), direction: forward ? 'forward' : 'backward' });
  announce(io, args, client.url('/loki/api/v1/query', params));
  const res = await client.getJson<QueryResponse>('/loki/api/v1/query', params, io.signal);
  if (args.bool('stats')) printStats(io.stderr, res.data?.stats);
  if (res.data?.resultType === 'streams') printer.print(sortEntries(streamEntries(res.data.result), forward), true);
  else printJson(io.stdout, res.data?.result);
  return EXIT_OK;
}
