/** A chunk's bytes fail a check: bad magic, version, CRC, or a truncated or inconsistent structure. */
export class CorruptChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An append to a chunk that was closed (cut and encoded for flushing). */
export class ChunkClosedError extends Error {
  constructor() {
    super('chunk is closed');
    this.name = new.target.name;
  }
}
