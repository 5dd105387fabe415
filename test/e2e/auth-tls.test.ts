import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { hashSecret } from '../../src/server/auth.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push } from '../helpers/push-client.js';

const NOW = BigInt(Date.now()) * 1_000_000n;
const FAST = { N: 1024, r: 8, p: 1 };
const basic = (u: string, p: string) => ({ Authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });

const AUTH_YAML = `
auth_enabled: true
querier:
  multi_tenant_queries_enabled: true
limits_config:
  discover_service_name: []
  discover_log_levels: false
auth:
  users:
  - username: alice
    password_hash: ${hashSecret('alice-pw', FAST)}
    tenants: [team-a]
  - username: bob
    password_hash: ${hashSecret('bob-pw', FAST)}
    tenants: [team-a, team-b]
    access: read
  - username: root
    password_hash: ${hashSecret('root-pw', FAST)}
    tenants: [team-a]
    admin: true
  tokens:
  - name: ci
    token_hash: ${hashSecret('ci-token-0123456789', FAST)}
    tenants: [team-b]
    access: write
`;

describe('built-in authentication', () => {
  let s: InProcessSkald;
  const ALICE = basic('alice', 'alice-pw');
  const BOB = basic('bob', 'bob-pw');
  const CI = { Authorization: 'Bearer ci-token-0123456789' };

  const lines = async (headers: Record<string, string>): Promise<{ status: number; text: string; lines: string[] }> => {
    const q = new URLSearchParams({ query: '{app="x"}', start: String(NOW - 3600_000_000_000n), end: String(NOW + 1_000_000_000n) });
    const res = await fetch(`${s.url}/loki/api/v1/query_range?${q}`, { headers });
    const text = await res.text();
    const found = res.status === 200
      ? (JSON.parse(text) as { data: { result: { stream: Record<string, string>; values: string[][] }[] } }).data.result.flatMap((r) => r.values.map((v) => `${r.stream.__tenant_id__ ?? ''}${v[1]}`))
      : [];
    return { status: res.status, text, lines: found.sort() };
  };

  before(async () => {
    s = await startInProcess(AUTH_YAML);
  });
  after(async () => { await s.stop(); });

  it('needs credentials on every path but the public ones, with a WWW-Authenticate challenge', async () => {
    for (const [method, path] of [['GET', '/loki/api/v1/query_range?query={a="b"}'], ['POST', '/loki/api/v1/push'], ['GET', '/loki/api/v1/labels'], ['GET', '/metrics'], ['GET', '/nope'], ['GET', '/config']]) {
      const res = await fetch(`${s.url}${path}`, { method, headers: { 'X-Scope-OrgID': 'team-a' } });
      assert.equal(res.status, 401, path);
      assert.equal(await res.text(), 'authentication required');
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="skald", charset="UTF-8", Bearer realm="skald"');
    }
    assert.equal((await fetch(`${s.url}/ready`)).status, 200);
    const wrong = await fetch(`${s.url}/loki/api/v1/labels`, { headers: basic('alice', 'nope') });
    assert.equal(wrong.status, 401);
    assert.equal(await wrong.text(), 'invalid credentials');
  });

  it('writes and reads the credential\'s tenants; X-Scope-OrgID narrows, never widens', async () => {
    assert.equal((await push(s.url, [{ labels: { app: 'x' }, entries: [{ ts: NOW, line: 'a-line' }] }], 'json', ALICE)).status, 204);
    assert.equal((await push(s.url, [{ labels: { app: 'x' }, entries: [{ ts: NOW, line: 'b-line' }] }], 'protobuf', CI)).status, 204);
    assert.deepEqual((await lines(ALICE)).lines, ['a-line']);
    assert.deepEqual((await lines({ ...BOB, 'X-Scope-OrgID': 'team-b' })).lines, ['b-line']);
    assert.deepEqual((await lines({ ...BOB, 'X-Scope-OrgID': 'team-a|team-b' })).lines, ['team-aa-line', 'team-bb-line']);
    const widen = await lines({ ...ALICE, 'X-Scope-OrgID': 'team-b' });
    assert.deepEqual([widen.status, widen.text], [403, "tenant 'team-b' is not allowed for user 'alice'"]);
    const widen2 = await lines({ ...ALICE, 'X-Scope-OrgID': 'team-a|team-b' });
    assert.equal(widen2.status, 403);
    const pushOther = await push(s.url, [{ labels: { app: 'x' }, entries: [{ ts: NOW, line: 'sneaky' }] }], 'json', { ...ALICE, 'X-Scope-OrgID': 'team-b' });
    assert.equal(pushOther.status, 403);
    const ambiguous = await lines(BOB);
    assert.equal(ambiguous.status, 400);
    assert.match(ambiguous.text, /^no org id: user 'bob' may use several tenants/);
    const labels = await fetch(`${s.url}/loki/api/v1/label/app/values`, { headers: { ...ALICE, 'X-Scope-OrgID': 'team-b' } });
    assert.equal(labels.status, 403);
  });

  it('keeps read-only, write-only and admin credentials to their role', async () => {
    const bobPush = await push(s.url, [{ labels: { app: 'x' }, entries: [{ ts: NOW, line: 'no' }] }], 'json', { ...BOB, 'X-Scope-OrgID': 'team-a' });
    assert.deepEqual([bobPush.status, await bobPush.text()], [403, "user 'bob' may not write"]);
    const ciRead = await lines(CI);
    assert.deepEqual([ciRead.status, ciRead.text], [403, "token 'ci' may not read"]);
    assert.equal((await fetch(`${s.url}/flush`, { method: 'POST', headers: ALICE })).status, 403);
    assert.equal((await fetch(`${s.url}/flush`, { method: 'POST', headers: basic('root', 'root-pw') })).status, 204);
    const config = await fetch(`${s.url}/config`, { headers: basic('root', 'root-pw') });
    const yaml = await config.text();
    assert.equal(config.status, 200);
    assert.match(yaml, /password_hash: <secret>/);
    assert.doesNotMatch(yaml, /scrypt:/);
    assert.equal((await fetch(`${s.url}/metrics`, { headers: ALICE })).status, 200);
  });

  it('authenticates live tails before the upgrade', async () => {
    const ws = (headers: Record<string, string>) => new Promise<number>((resolve) => {
      const c = new WebSocket(`${s.url.replace('http', 'ws')}/loki/api/v1/tail?${new URLSearchParams({ query: '{app="x"}' })}`, { headers });
      c.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); c.terminate(); });
      c.on('open', () => { resolve(101); c.close(); });
      c.on('error', () => undefined);
    });
    assert.equal(await ws({}), 401);
    assert.equal(await ws({ ...ALICE, 'X-Scope-OrgID': 'team-b' }), 403);
    assert.equal(await ws(ALICE), 101);
    assert.equal(await ws({ ...BOB, 'X-Scope-OrgID': 'team-b' }), 101);
    assert.equal(await ws({ ...BOB, 'X-Scope-OrgID': 'team-a|team-b' }), 400);
    assert.equal(await ws(CI), 403);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const OPENSSL = hasOpenssl();

interface Pki {
  readonly dir: string;
  readonly ca: Buffer;
  readonly client: { cert: Buffer; key: Buffer };
  readonly rogue: { cert: Buffer; key: Buffer };
}

/** A throwaway CA, a server certificate for 127.0.0.1, a client certificate it signed and a self-signed one. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'skald-pki-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=skald-test-ca');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const name of ['server', 'client']) {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1',
      ...(name === 'server' ? ['-extfile', 'server.ext'] : []));
  }
  run('req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '1', '-subj', '/CN=rogue');
  const f = (n: string) => readFileSync(join(dir, n));
  return { dir, ca: f('ca.crt'), client: { cert: f('client.crt'), key: f('client.key') }, rogue: { cert: f('rogue.crt'), key: f('rogue.key') } };
}

/** GET over HTTPS; the status, or 'refused' when the TLS handshake or connection fails. */
function httpsGet(url: string, ca: Buffer, client?: { cert: Buffer; key: Buffer }): Promise<number | 'refused'> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca, cert: client?.cert, key: client?.key, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve('refused'));
    });
    req.on('error', () => resolve('refused'));
    req.on('timeout', () => { req.destroy(); resolve('refused'); });
    req.end();
  });
}

describe('HTTPS (server.http_tls_config)', { skip: OPENSSL ? false : 'openssl is not installed: cannot generate test certificates' }, () => {
  let pki: Pki;
  before(() => { pki = makePki(); });
  after(() => { if (pki) rmSync(pki.dir, { recursive: true, force: true }); });

  const tlsYaml = (clientAuth: string, withCa: boolean) => `
server:
  http_tls_config:
    cert_file: ${join(pki.dir, 'server.crt')}
    key_file: ${join(pki.dir, 'server.key')}
    client_auth_type: "${clientAuth}"
    client_ca_file: "${withCa ? join(pki.dir, 'ca.crt') : ''}"
`;

  const expectations: [string, boolean, [number | 'refused', number | 'refused', number | 'refused']][] = [
    // policy, CA configured, [no client cert, CA-signed client cert, self-signed client cert]
    ['', false, [200, 200, 200]],
    ['RequestClientCert', false, [200, 200, 200]],
    ['RequireAnyClientCert', false, ['refused', 200, 200]],
    ['VerifyClientCertIfGiven', true, [200, 200, 'refused']],
    ['RequireAndVerifyClientCert', true, ['refused', 200, 'refused']],
  ];

  for (const [policy, withCa, [none, good, rogue]] of expectations) {
    it(`applies client_auth_type ${policy || '(empty)'}`, async () => {
      const s = await startInProcess(tlsYaml(policy, withCa));
      try {
        assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const url = `${s.url}/ready`;
        assert.deepEqual(
          [await httpsGet(url, pki.ca), await httpsGet(url, pki.ca, pki.client), await httpsGet(url, pki.ca, pki.rogue)],
          [none, good, rogue],
        );
        if (policy === '') {
          const plain = await fetch(url.replace('https', 'http')).then((r) => r.status, () => 'refused');
          assert.notEqual(plain, 200, 'plain HTTP must not be served');
        }
      } finally {
        await s.stop();
      }
    });
  }

  it('refuses incomplete TLS settings at startup like Loki', async () => {
    await assert.rejects(startInProcess(`server:\n  http_tls_config:\n    cert_file: ${join(pki.dir, 'server.crt')}\n`), /cert_file and key_file must both be set/);
    await assert.rejects(startInProcess(tlsYaml('', true)), /Client CA's have been configured without a Client Auth Policy/);
    await assert.rejects(startInProcess(`server:\n  http_tls_config:\n    cert_file: /nonexistent.crt\n    key_file: /nonexistent.key\n`), /cert_file: ENOENT/);
  });
});
