/** get/getRange of a key that does not exist. */
export class ObjectNotFoundError extends Error {
  readonly key: string;
  constructor(key: string) {
    super(`object not found: ${key}`);
    this.name = new.target.name;
    this.key = key;
  }
}

/** A key that no backend may store: empty, absolute, with empty, "." or ".." segments, or control characters. */
export class InvalidObjectKeyError extends Error {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = new.target.name;
    this.key = key;
  }
}
