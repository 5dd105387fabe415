
/** Where a command writes; `isTTY` decides colours and the progress indicator. */
export interface Sink {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface CommandIO {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<string>;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop cleanly. */
  readonly signal: AbortSignal;
}

/** A sink collecting text, for tests. */
export class BufferSink implements Sink {
  text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): void {
    this.text += text;
  }
}

/** The process's own streams; a closed pipe (`skald query … | head`) ends the command quietly. */
export function processIO(): CommandIO {
  const ctl = new AbortController();
  // Commands stop on the abort; one that cannot (waiting on stdin) is ended after a grace period.
  const stop = (): void => {
    ctl.abort();
    setTimeout(() => process.exit(130), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return {
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    env: process.env,
    readStdin: readAll,
    signal: ctl.signal,
  };
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves once everything written to stdout has been handed to the OS. */
export function drainStdout(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}
