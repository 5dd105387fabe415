/** Base of every error the WAL throws; `code` is a stable snake_case reason. */
export class WalError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** append/checkpoint after close(). */
export class WalClosedError extends WalError {
  constructor() { super('wal_closed', 'WAL is closed'); }
}

/** A record that cannot be encoded (bad stream id, timestamp out of int64, too large). */
export class WalRecordError extends WalError {
  constructor(message: string) { super('wal_invalid_record', message); }
}

/** A write, fsync, rename or delete failed. The affected appends are rejected with it. */
export class WalIoError extends WalError {
  readonly op: string;
  readonly path: string;
  /** ENOSPC / EDQUOT: counted as a disk-full failure. */
  readonly diskFull: boolean;
  constructor(op: string, path: string, cause: unknown) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
    super('wal_io', `WAL ${op} failed on ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.op = op;
    this.path = path;
    this.diskFull = errno === 'ENOSPC' || errno === 'EDQUOT';
  }
}

/**
 * A file that is not a WAL file this version can read (wrong magic, newer version, unknown
 * record type behind a valid checksum). Replay stops instead of truncating someone else's data.
 */
export class WalFormatError extends WalError {
  readonly path: string;
  readonly offset: number;
  constructor(path: string, offset: number, message: string) {
    super('wal_format', `${path} at offset ${offset}: ${message}`);
    this.path = path;
    this.offset = offset;
  }
}
