/**
 * A configuration problem: bad flag, unreadable file, unknown key or invalid value.
 * The caller prints `message` and exits with status 1, like Loki does.
 */
export class ConfigError extends Error {
  /** Dotted config path (`server.http_listen_port`), when the problem is tied to one key. */
  readonly path: string | undefined;
  /** 1-based line in the config file, when known. */
  readonly line: number | undefined;
  /** Every problem found when several were collected in one pass. */
  readonly problems: readonly string[];

  constructor(message: string, opts: { path?: string; line?: number; problems?: readonly string[] } = {}) {
    super(message);
    this.name = new.target.name;
    this.path = opts.path;
    this.line = opts.line;
    this.problems = opts.problems ?? [message];
  }
}

/** Command-line problem, worded like Go's flag package (`flag provided but not defined: -foo`). */
export class FlagError extends ConfigError {}

/** A value that does not fit its type; the caller adds where it came from. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

