import type { RawData } from 'ws';
import { parseArgs, usageText, type Args, type FlagSpec } from './args.js';
import { streamEntries } from './api.js';
import { CLIENT_FLAGS, OUTPUT_FLAGS, announce, clientFrom, historyStart, printerFrom } from './common.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import type { CommandIO } from './io.js';
import { labelSetString, type LabelSet } from './labels-util.js';

/** Flags only a live tail has (also accepted by `query --tail`). */
export const TAIL_ONLY_FLAGS: readonly FlagSpec[] = [
  { name: 'delay-for', kind: 'int', default: '0', help: 'Seconds to hold entries back so late ones are sorted in (at most 5).' },
];

export const TAIL_FLAGS: readonly FlagSpec[] = [
  ...CLIENT_FLAGS,
  ...OUTPUT_FLAGS,
  { name: 'since', kind: 'duration', default: '1h', help: 'History to print first, back from now.' },
  { name: 'from', kind: 'string', help: 'Start of the history, RFC3339 or Unix time (overrides --since).' },
  { name: 'limit', kind: 'int', default: '30', help: 'Most history entries printed before live ones.' },
  ...TAIL_ONLY_FLAGS,
];

const USAGE = usageText(
  'skald tail [<flags>] <query>',
  'Follows a log query live over the WebSocket tail endpoint until interrupted (Ctrl-C).',
  TAIL_FLAGS,
);

interface TailFrame {
  readonly streams?: unknown;
  readonly dropped_entries?: readonly { labels?: LabelSet; timestamp?: string }[] | null;
}

/** Runs a live tail: prints each frame's entries as they arrive; exits 0 on Ctrl-C or a normal close. */
export function tailQuery(args: Args, query: string, io: CommandIO): Promise<number> {
  const client = clientFrom(args);
  const printer = printerFrom(args, io);
  const delayFor = args.int('delay-for');
  if (delayFor < 0) throw new UsageError('--delay-for must not be negative');
  const limit = args.int('limit');
  if (limit <= 0) throw new UsageError('--limit must be positive');
  const start = historyStart(args);
  const params = new URLSearchParams({ query, delay_for: String(delayFor), limit: String(limit), start: String(start) });
  announce(io, args, client.url('/loki/api/v1/tail', params).replace(/^http/, 'ws'));

  const ws = client.tailSocket(params);
  return new Promise<number>((resolve) => {
    let stopped = false;
    let finished = false;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      io.signal.removeEventListener('abort', stop);
      resolve(code);
    };
    const stop = (): void => {
      stopped = true;
      ws.close(1000);
      setTimeout(() => { ws.terminate(); finish(EXIT_OK); }, 1000).unref();
    };
    if (io.signal.aborted) stop();
    else io.signal.addEventListener('abort', stop);

    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      res.on('end', () => {
        io.stderr.write(`Tail failed: error response from server: ${res.statusCode} ${res.statusMessage ?? ''}: ${body.trim()}\n`);
        finish(EXIT_FAILURE);
      });
    });
    ws.on('error', (err) => {
      if (stopped) return;
      io.stderr.write(`Tail failed: ${err.message || String(err)}\n`);
      finish(EXIT_FAILURE);
    });
    ws.on('message', (data: RawData) => {
      let frame: TailFrame;
      try {
        frame = JSON.parse(String(data)) as TailFrame;
      } catch {
        io.stderr.write(`Tail failed: invalid frame from server: ${String(data).slice(0, 200)}\n`);
        return;
      }
      printer.print(streamEntries(frame.streams), false);
      const dropped = frame.dropped_entries ?? [];
      if (dropped.length > 0 && !args.bool('quiet')) {
        io.stderr.write(`Server dropped ${dropped.length} entries due to slow client:\n`);
        for (const d of dropped) io.stderr.write(`  ${d.timestamp ?? ''} ${labelSetString(d.labels ?? {})}\n`);
      }
    });
    ws.on('close', (code, reason) => {
      if (stopped || code === 1000) return finish(EXIT_OK);
      io.stderr.write(`Tail closed by server: ${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}\n`);
      finish(EXIT_FAILURE);
    });
  });
}

/** `skald tail`: a live tail of a log query. */
export async function runTail(argv: readonly string[], io: CommandIO): Promise<number> {
  const args = parseArgs(TAIL_FLAGS, argv, io.env);
  if (args.help) { io.stdout.write(USAGE); return EXIT_OK; }
  if (args.positional.length !== 1) throw new UsageError('expected exactly one argument: the LogQL log query');
  return tailQuery(args, args.positional[0], io);
}
