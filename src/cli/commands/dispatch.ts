import { errorMessage } from '../../util/errors.js';
import { EXIT_FAILURE, EXIT_USAGE, RequestError, UsageError } from './errors.js';
import { drainStdout, processIO, type CommandIO } from './io.js';

type Command = (argv: readonly string[], io: CommandIO) => Promise<number>;

/** Subcommands, loaded on use so that the server never loads them. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  query: async () => (await import('./query.js')).runQuery,
  'instant-query': async () => (await import('./instant-query.js')).runInstantQuery,
  labels: async () => (await import('./labels.js')).runLabels,
  series: async () => (await import('./series.js')).runSeries,
  tail: async () => (await import('./tail.js')).runTail,
  fmt: async () => (await import('./fmt.js')).runFmt,
  canary: async () => (await import('../../canary/main.js')).runCanary,
};

export function isSubcommand(name: string | undefined): boolean {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/**
 * Runs `skald <command> …` and returns its exit status: 0 success, 1 the request or the
 * server failed, 2 bad flags or arguments.
 */
export async function runSubcommand(argv: readonly string[], io?: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  const ownIO = io === undefined;
  const cio = io ?? processIO();
  let code: number;
  try {
    const run = await COMMANDS[name]();
    code = await run(rest, cio);
  } catch (err) {
    if (err instanceof UsageError) {
      cio.stderr.write(`skald ${name}: error: ${err.message}, try --help\n`);
      code = EXIT_USAGE;
    } else if (err instanceof RequestError) {
      cio.stderr.write(`Query failed: ${err.message}\n`);
      code = EXIT_FAILURE;
    } else {
      cio.stderr.write(`skald ${name}: ${errorMessage(err)}\n`);
      code = EXIT_FAILURE;
    }
  }
  if (ownIO) await drainStdout();
  return code;
}
