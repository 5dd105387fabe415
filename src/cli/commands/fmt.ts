import { formatExpr, parseExpr } from '../../logql/syntax/index.js';
import { parseArgs, usageText, type FlagSpec } from './args.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import type { CommandIO } from './io.js';

const FMT_FLAGS: readonly FlagSpec[] = [];

const USAGE = usageText(
  'skald fmt [<query>]',
  'Formats a LogQL query locally, without a server. Reads the query from standard input when\nno argument is given (`-` also means standard input).',
  FMT_FLAGS,
);

/** `skald fmt`: pretty-prints a LogQL query; a query that does not parse exits 1. */
export async function runFmt(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseArgs(FMT_FLAGS, argv, io.env);
  if (args.help) { io.stdout.write(USAGE); return EXIT_OK; }
  if (args.positional.length > 1) throw new UsageError('expected at most one argument: the LogQL query (quote it)');
  const arg = args.positional[0];
  const query = (arg === undefined || arg === '-' ? await io.readStdin() : arg).trim();
  if (query === '') throw new UsageError('no query given');
  let formatted: string;
  try {
    formatted = formatExpr(parseExpr(query));
  } catch (err) {
    io.stderr.write(`skald fmt: ${(err as Error).message}\n`);
    return EXIT_FAILURE;
  }
  io.stdout.write(formatted + '\n');
  return EXIT_OK;
}
