/**
 * Built-in authentication (Skald only): basic-auth users and bearer tokens, stored as salted
 * scrypt hashes, each allowed a list of tenants. With `auth` configured every request needs a
 * credential; X-Scope-OrgID may only narrow the credential's tenants.
 *
 * Hash format: `scrypt:<N>:<r>:<p>:<salt>:<hash>`, salt and hash base64url, hash 32 bytes.
 * No `$` in it, so `-config.expand-env` leaves it alone.
 */
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigError } from '../config/errors.js';
import type { AuthAccess, AuthConfig } from '../config/types.js';
import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError, errorMessage } from '../util/errors.js';

export interface Principal {
  /** `user 'alice'` or `token 'ci'`, for messages. */
  readonly name: string;
  readonly tenants: readonly string[];
  readonly access: AuthAccess;
  readonly admin: boolean;
}

/** 401 with the challenge clients need to retry with credentials. */
export class AuthenticationError extends UnauthorizedError {
  constructor(message: string, readonly headers: Readonly<Record<string, string | string[]>>) {
    super(message);
  }
}

/** 403: the credential is valid but may not do this. */
export class AccessDeniedError extends ForbiddenError {}

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Refuses parameters that would take seconds or gigabytes per login. */
const MAX_N = 1 << 20;

interface ParsedHash extends ScryptParams {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function maxmem(p: ScryptParams): number {
  return 256 * p.N * p.r + (1 << 20);
}

/** Hashes a password or token for the config file (`node -e` recipe in docs/limits.md). */
export function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  const salt = randomBytes(SALT_LENGTH);
  const hash = scryptSync(secret, salt, KEY_LENGTH, { ...params, maxmem: maxmem(params) });
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join(':');
}

function parseHash(encoded: string, path: string): ParsedHash {
  const parts = encoded.split(':');
  const bad = (why: string) => new ConfigError(`invalid config: ${path}: ${why}; expected scrypt:N:r:p:<salt>:<hash> (docs/limits.md)`, { path });
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw bad('not a Skald scrypt hash');
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0)) throw bad('N, r and p must be positive integers');
  if (N < 2 || (N & (N - 1)) !== 0 || N > MAX_N) throw bad(`N must be a power of two up to ${MAX_N}`);
  if (r * p >= 1 << 30 || r > 64 || p > 16) throw bad('r or p too large');
  const salt = Buffer.from(parts[4], 'base64url');
  const hash = Buffer.from(parts[5], 'base64url');
  if (salt.length < 8) throw bad('salt shorter than 8 bytes');
  if (hash.length < 16) throw bad('hash shorter than 16 bytes');
  return { N, r, p, salt, hash };
}

function derive(secret: Buffer, h: ParsedHash): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, h.salt, h.hash.length, { N: h.N, r: h.r, p: h.p, maxmem: maxmem(h) }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface Credential extends Principal {
  readonly secret: ParsedHash;
}

/** Runs at most `limit` scrypt derivations at once: they share libuv's pool with the WAL's fsyncs. */
class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number, private readonly maxWaiting: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new TooManyRequestsError('too many authentication attempts in progress');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

const CACHE_SIZE = 4096;
const principals = new WeakMap<IncomingHttpHeaders, Principal>();

/** Remembers who sent a request (keyed by its header object) for tenant resolution. */
export function bindPrincipal(headers: IncomingHttpHeaders, p: Principal): void {
  principals.set(headers, p);
}

export function principalOf(headers: IncomingHttpHeaders): Principal | undefined {
  return principals.get(headers);
}

export class Authenticator {
  private readonly users = new Map<string, Credential>();
  private readonly tokens: Credential[] = [];
  private readonly publicPaths: ReadonlySet<string>;
  private readonly challenge: string[];
  /** sha256(Authorization) → principal, or null for a failed attempt. */
  private readonly cache = new Map<string, Principal | null>();
  private readonly inflight = new Map<string, Promise<Principal | null>>();
  private readonly limiter = new Semaphore(2, 1024);
  private readonly dummy: ParsedHash;

  /** Throws ConfigError on an unusable section. `validateTenant` checks tenant ID syntax. */
  constructor(cfg: AuthConfig, authEnabled: boolean, validateTenant: (id: string) => void) {
    if (!authEnabled) throw new ConfigError('invalid config: auth: needs auth_enabled: true (the credentials choose the tenants)', { path: 'auth' });
    if (cfg.users.length === 0 && cfg.tokens.length === 0) {
      throw new ConfigError('invalid config: auth: configure at least one user or token, or remove the section', { path: 'auth' });
    }
    const tenantsOf = (tenants: readonly string[], path: string): string[] => {
      if (tenants.length === 0) throw new ConfigError(`invalid config: ${path}.tenants: at least one tenant is required`, { path: `${path}.tenants` });
      for (const t of tenants) {
        try {
          validateTenant(t);
        } catch (err) {
          throw new ConfigError(`invalid config: ${path}.tenants: ${errorMessage(err)}`, { path: `${path}.tenants` });
        }
      }
      return [...new Set(tenants)].sort();
    };
    cfg.users.forEach((u, i) => {
      const path = `auth.users[${i}]`;
      if (u.username === '' || u.username.includes(':')) throw new ConfigError(`invalid config: ${path}.username: must be non-empty without ':'`, { path });
      if (this.users.has(u.username)) throw new ConfigError(`invalid config: ${path}.username: duplicate user '${u.username}'`, { path });
      this.users.set(u.username, {
        name: `user '${u.username}'`, tenants: tenantsOf(u.tenants, path), access: u.access, admin: u.admin,
        secret: parseHash(u.password_hash, `${path}.password_hash`),
      });
    });
    cfg.tokens.forEach((t, i) => {
      const path = `auth.tokens[${i}]`;
      this.tokens.push({
        name: `token '${t.name === '' ? String(i) : t.name}'`, tenants: tenantsOf(t.tenants, path), access: t.access, admin: t.admin,
        secret: parseHash(t.token_hash, `${path}.token_hash`),
      });
    });
    this.publicPaths = new Set(cfg.public_paths);
    const realm = cfg.realm.replace(/["\\]/g, '');
    this.challenge = [];
    if (this.users.size > 0) this.challenge.push(`Basic realm="${realm}", charset="UTF-8"`);
    if (this.tokens.length > 0) this.challenge.push(`Bearer realm="${realm}"`);
    const first = [...this.users.values()][0]?.secret ?? DEFAULT_SCRYPT;
    this.dummy = parseHash(hashSecret('dummy', { N: first.N, r: first.r, p: first.p }), 'dummy');
  }

  isPublic(path: string): boolean {
    return this.publicPaths.has(path);
  }

  private fail(message: string): AuthenticationError {
    return new AuthenticationError(message, { 'WWW-Authenticate': this.challenge.length === 1 ? this.challenge[0] : this.challenge });
  }

  /** The request's principal; 401 (with WWW-Authenticate) without valid credentials. */
  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    const header = headers.authorization;
    if (header === undefined || header === '') throw this.fail('authentication required');
    const key = createHash('sha256').update(header).digest('hex');
    let result = this.cache.get(key);
    if (result === undefined) {
      let pending = this.inflight.get(key);
      if (!pending) {
        pending = this.verify(header).finally(() => this.inflight.delete(key));
        this.inflight.set(key, pending);
      }
      result = await pending;
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, result);
    }
    if (result === null) throw this.fail('invalid credentials');
    bindPrincipal(headers, result);
    return result;
  }

  private async verify(header: string): Promise<Principal | null> {
    const sp = header.indexOf(' ');
    const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
    const value = sp < 0 ? '' : header.slice(sp + 1).trim();
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const user = this.users.get(decoded.slice(0, colon));
      const password = Buffer.from(decoded.slice(colon + 1), 'utf8');
      // Unknown users cost one derivation too, so timing does not tell which names exist.
      const ok = await this.matches(password, user?.secret ?? this.dummy);
      return ok && user ? principal(user) : null;
    }
    if (scheme === 'bearer' && value !== '') {
      const token = Buffer.from(value, 'utf8');
      for (const t of this.tokens) if (await this.matches(token, t.secret)) return principal(t);
      return null;
    }
    return null;
  }

  private async matches(secret: Buffer, h: ParsedHash): Promise<boolean> {
    const derived = await this.limiter.run(() => derive(secret, h));
    return timingSafeEqual(derived, h.hash);
  }

  /** 403 unless the principal may call admin endpoints. */
  requireAdmin(p: Principal): void {
    if (!p.admin) throw new AccessDeniedError(`${p.name} may not use admin endpoints`);
  }
}

function principal(c: Credential): Principal {
  return { name: c.name, tenants: c.tenants, access: c.access, admin: c.admin };
}

function requested(orgId: string | undefined): string[] | undefined {
  if (orgId === undefined || orgId === '') return undefined;
  return [...new Set(orgId.split('|'))].sort();
}

function checkAllowed(p: Principal, ids: readonly string[]): void {
  for (const id of ids) if (!p.tenants.includes(id)) throw new AccessDeniedError(`tenant '${id}' is not allowed for ${p.name}`);
}

function onlyTenant(p: Principal): string {
  if (p.tenants.length === 1) return p.tenants[0];
  throw new BadRequestError(`no org id: ${p.name} may use several tenants (${p.tenants.join(', ')}); choose one with X-Scope-OrgID`);
}

/** The tenant a principal writes to: X-Scope-OrgID if allowed, else its only tenant. */
export function writeTenantOf(p: Principal, orgId: string | undefined): string {
  if (p.access === 'read') throw new AccessDeniedError(`${p.name} may not write`);
  const ids = requested(orgId);
  if (ids === undefined) return onlyTenant(p);
  if (ids.length > 1 || orgId!.includes('|')) throw new BadRequestError('multiple org IDs present');
  checkAllowed(p, ids);
  return ids[0];
}

/** The tenants a principal reads: X-Scope-OrgID (narrowing only) or its only tenant. */
export function readTenantsOf(p: Principal, orgId: string | undefined, multiTenant: boolean): string[] {
  if (p.access === 'write') throw new AccessDeniedError(`${p.name} may not read`);
  const ids = requested(orgId);
  if (ids === undefined) return [onlyTenant(p)];
  if (ids.length > 1 && !multiTenant) throw new BadRequestError('multiple org IDs present');
  checkAllowed(p, ids);
  return ids;
}

/** The config as YAML with credential hashes replaced, for GET /config. */
export function redactSecrets(yaml: string): string {
  return yaml.replace(/^(\s*(?:- )?(?:password_hash|token_hash): ).*$/gm, '$1<secret>');
}
