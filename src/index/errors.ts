/** An index file fails a check: bad magic, version, CRC, or an inconsistent structure. */
export class CorruptIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tenant ID that cannot be part of an object key. */
export class InvalidTenantError extends Error {
  readonly tenant: string;
  constructor(tenant: string) {
    super(`invalid tenant ID ${JSON.stringify(tenant)}`);
    this.name = new.target.name;
    this.tenant = tenant;
  }
}
