import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { ConfigError } from '../config/errors.js';
import type { AuthConfig, AuthTokenConfig, AuthUserConfig } from '../config/types.js';
import { AccessDeniedError, AuthenticationError, Authenticator, hashSecret, redactSecrets } from './auth.js';
import { resolveReadTenants, resolveTenant, validateTenantId } from './tenant.js';

const FAST = { N: 1024, r: 8, p: 1 };

function user(username: string, password: string, tenants: string[], extra: Partial<AuthUserConfig> = {}): AuthUserConfig {
  return { username, password_hash: hashSecret(password, FAST), tenants, access: 'read-write', admin: false, ...extra };
}

function token(name: string, secret: string, tenants: string[], extra: Partial<AuthTokenConfig> = {}): AuthTokenConfig {
  return { name, token_hash: hashSecret(secret, FAST), tenants, access: 'read-write', admin: false, ...extra };
}

function config(users: AuthUserConfig[], tokens: AuthTokenConfig[] = []): AuthConfig {
  return { users, tokens, realm: 'skald', public_paths: ['/ready'] };
}

const basic = (u: string, p: string): IncomingHttpHeaders => ({ authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });

describe('hashSecret', () => {
  it('writes scrypt:N:r:p:salt:hash with a fresh salt each time', () => {
    const a = hashSecret('pw', FAST), b = hashSecret('pw', FAST);
    assert.match(a, /^scrypt:1024:8:1:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
  });
});

describe('Authenticator', () => {
  const auth = new Authenticator(config(
    [user('alice', 's3cret', ['team-a']), user('bob', 'pw', ['team-a', 'team-b'], { access: 'read' }), user('root', 'toor', ['team-a'], { admin: true })],
    [token('ci', 'tok-123', ['team-b'], { access: 'write' })],
  ), true, validateTenantId);

  it('accepts basic auth and bearer tokens and binds the principal to the request', async () => {
    const h = basic('alice', 's3cret');
    const p = await auth.authenticate(h);
    assert.deepEqual(p.tenants, ['team-a']);
    assert.equal(resolveTenant(h, true), 'team-a');
    assert.deepEqual(resolveReadTenants(h, true, true), ['team-a']);
    const t: IncomingHttpHeaders = { authorization: 'Bearer tok-123' };
    assert.equal((await auth.authenticate(t)).name, "token 'ci'");
    assert.equal(resolveTenant(t, true), 'team-b');
  });

  it('answers 401 with a challenge for missing, malformed or wrong credentials', async () => {
    for (const h of [{}, { authorization: 'Basic !!!' }, basic('alice', 'nope'), basic('mallory', 's3cret'), { authorization: 'Bearer nope' }, { authorization: 'Digest x' }]) {
      await assert.rejects(auth.authenticate(h as IncomingHttpHeaders), (err: unknown) => {
        assert.ok(err instanceof AuthenticationError);
        assert.equal(err.status, 401);
        assert.deepEqual(err.headers['WWW-Authenticate'], ['Basic realm="skald", charset="UTF-8"', 'Bearer realm="skald"']);
        return true;
      });
    }
  });

  it('remembers results, so a repeated credential costs no derivation', async () => {
    const h = basic('alice', 's3cret');
    await auth.authenticate(h);
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await auth.authenticate(basic('alice', 's3cret'));
    assert.ok(performance.now() - t0 < 500);
  });

  it('lets X-Scope-OrgID narrow the tenants but never widen them', async () => {
    const h = { ...basic('bob', 'pw'), 'x-scope-orgid': 'team-b' };
    await auth.authenticate(h);
    assert.deepEqual(resolveReadTenants(h, true, true), ['team-b']);
    const both = { ...basic('bob', 'pw'), 'x-scope-orgid': 'team-b|team-a' };
    await auth.authenticate(both);
    assert.deepEqual(resolveReadTenants(both, true, true), ['team-a', 'team-b']);
    assert.throws(() => resolveReadTenants(both, true, false), { status: 400, message: 'multiple org IDs present' });
    const other = { ...basic('alice', 's3cret'), 'x-scope-orgid': 'team-b' };
    await auth.authenticate(other);
    assert.throws(() => resolveReadTenants(other, true, true), (e: unknown) => e instanceof AccessDeniedError && e.status === 403 && e.message === "tenant 'team-b' is not allowed for user 'alice'");
    assert.throws(() => resolveTenant(other, true), { status: 403 });
    const widen = { ...basic('alice', 's3cret'), 'x-scope-orgid': 'team-a|team-b' };
    await auth.authenticate(widen);
    assert.throws(() => resolveReadTenants(widen, true, true), { status: 403 });
  });

  it('needs X-Scope-OrgID when a credential has several tenants', async () => {
    const h = basic('bob', 'pw');
    await auth.authenticate(h);
    assert.throws(() => resolveReadTenants(h, true, true), { status: 400, message: /^no org id: user 'bob' may use several tenants \(team-a, team-b\)/ });
  });

  it('enforces read-only, write-only and admin credentials', async () => {
    const bob = { ...basic('bob', 'pw'), 'x-scope-orgid': 'team-a' };
    await auth.authenticate(bob);
    assert.throws(() => resolveTenant(bob, true), { status: 403, message: "user 'bob' may not write" });
    const ci: IncomingHttpHeaders = { authorization: 'Bearer tok-123' };
    const p = await auth.authenticate(ci);
    assert.throws(() => resolveReadTenants(ci, true, false), { status: 403, message: "token 'ci' may not read" });
    assert.throws(() => auth.requireAdmin(p), { status: 403 });
    auth.requireAdmin(await auth.authenticate(basic('root', 'toor')));
  });

  it('refuses unusable configurations at startup', () => {
    const bad: [AuthConfig, boolean, RegExp][] = [
      [config([user('a', 'b', ['t'])]), false, /needs auth_enabled: true/],
      [config([]), true, /at least one user or token/],
      [config([{ ...user('a', 'b', ['t']), password_hash: 'plain' }]), true, /auth\.users\[0\]\.password_hash: not a Skald scrypt hash/],
      [config([{ ...user('a', 'b', ['t']), password_hash: 'scrypt:1000:8:1:AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }]), true, /power of two/],
      [config([user('a', 'b', [])]), true, /at least one tenant/],
      [config([user('a', 'b', ['bad|id'])]), true, /unsupported character '\|'/],
      [config([user('a', 'b', ['t']), user('a', 'c', ['t'])]), true, /duplicate user 'a'/],
      [config([user('a:b', 'b', ['t'])]), true, /without ':'/],
    ];
    for (const [cfg, enabled, re] of bad) assert.throws(() => new Authenticator(cfg, enabled, validateTenantId), (e: unknown) => e instanceof ConfigError && re.test(e.message));
  });

  it('serves public paths without credentials', () => {
    assert.ok(auth.isPublic('/ready'));
    assert.ok(!auth.isPublic('/metrics'));
  });
});

describe('tenant resolution without built-in auth', () => {
  it('keeps Loki\'s X-Scope-OrgID rules', () => {
    assert.equal(resolveTenant({}, false), 'fake');
    assert.throws(() => resolveTenant({}, true), { status: 401, message: 'no org id' });
    assert.deepEqual(resolveReadTenants({ 'x-scope-orgid': 'b|a|b' }, true, true), ['a', 'b']);
  });
});

describe('redactSecrets', () => {
  it('hides hashes in /config output', () => {
    const yaml = 'auth:\n  users:\n  - username: a\n    password_hash: scrypt:1:2:3:x:y\n  tokens:\n  - token_hash: scrypt:1:2:3:x:y\n    name: ci\n';
    const out = redactSecrets(yaml);
    assert.doesNotMatch(out, /scrypt/);
    assert.match(out, /password_hash: <secret>/);
    assert.match(out, /- token_hash: <secret>/);
  });
});
