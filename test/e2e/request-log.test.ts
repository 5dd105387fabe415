import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hashSecret } from '../../src/server/auth.js';
import { Logger } from '../../src/util/logger.js';
import { startInProcess, type InProcessSkald } from '../helpers/inproc.js';
import { push } from '../helpers/push-client.js';

let skald: InProcessSkald;
const lines: string[] = [];

before(async () => {
  skald = await startInProcess();
  Logger.setSink((l) => lines.push(l));
  Logger.setLevel('debug');
});

after(async () => {
  Logger.setLevel('info');
  Logger.setSink(() => undefined);
  await skald.stop();
});

function accessLines(id: string): string[] {
  return lines.filter((l) => l.includes('msg=request') && l.includes(`request_id=${id} `));
}

test('a client X-Request-Id is echoed and tags the access log line with tenant', async () => {
  const id = 'client-id-123';
  const res = await push(skald.url, [{ labels: { job: 'rid' }, entries: [{ ts: BigInt(Date.now()) * 1_000_000n, line: 'hello' }] }], 'json', {
    'X-Request-Id': id, 'X-Scope-OrgID': 'team-a',
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('x-request-id'), id);
  const got = accessLines(id);
  assert.equal(got.length, 1, lines.join('\n'));
  const line = got[0];
  assert.match(line, /level=debug/);
  assert.match(line, / tenant=team-a /);
  assert.match(line, / method=POST /);
  assert.match(line, / route=loki_api_v1_push /);
  assert.match(line, / status=204 /);
  assert.match(line, / duration=\d+\.\d{3}ms/);
});

test('without X-Request-Id a fresh id is generated per request', async () => {
  const a = await fetch(`${skald.url}/ready`);
  const b = await fetch(`${skald.url}/ready`);
  const ida = a.headers.get('x-request-id') ?? '';
  const idb = b.headers.get('x-request-id') ?? '';
  assert.match(ida, /^[0-9a-f-]{36}$/);
  assert.notEqual(ida, idb);
  const got = accessLines(ida);
  assert.equal(got.length, 1);
  assert.match(got[0], / route=ready /);
  assert.doesNotMatch(got[0], / tenant=/);
});

test('unprintable or oversized request ids are replaced', async () => {
  const res = await fetch(`${skald.url}/ready`, { headers: { 'X-Request-Id': 'x'.repeat(500) } });
  assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test('lines logged by a handler across awaits carry its own request id and tenant, even when requests overlap', async () => {
  const log = new Logger({ component: 'probe' });
  skald.app.server.add({
    methods: ['GET'], path: '/test/probe', body: 'none',
    handler: async (req) => {
      const tag = req.params.get('tag') ?? '';
      await new Promise((r) => setTimeout(r, Number(req.params.get('wait'))));
      log.info('probe', { tag });
      await Promise.resolve();
      log.warn('probe done', { tag });
      return { status: 200, body: 'ok' };
    },
  });
  const call = (tag: string, wait: number, tenant: string): Promise<Response> =>
    fetch(`${skald.url}/test/probe?tag=${tag}&wait=${wait}`, { headers: { 'X-Request-Id': `id-${tag}`, 'X-Scope-OrgID': tenant } });
  const res = await Promise.all([call('a', 60, 'ta'), call('b', 10, 'tb'), call('c', 30, 'tc')]);
  for (const r of res) assert.equal(r.status, 200);
  for (const [tag, tenant] of [['a', 'ta'], ['b', 'tb'], ['c', 'tc']]) {
    const got = lines.filter((l) => l.includes(`tag=${tag}`));
    assert.equal(got.length, 2, lines.join('\n'));
    for (const l of got) {
      assert.match(l, new RegExp(` request_id=id-${tag} tenant=${tenant} `));
      assert.match(l, / component=probe /);
    }
  }
});

test('log lines outside a request carry no request id', () => {
  lines.length = 0;
  new Logger({ component: 'x' }).info('outside');
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0], /request_id=/);
});

test('404s get an access line under route other', async () => {
  const res = await fetch(`${skald.url}/nope`, { headers: { 'X-Request-Id': 'nf' } });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('x-request-id'), 'nf');
  assert.match(accessLines('nf')[0] ?? '', / route=other .* status=404 /);
});

test('with built-in auth, a credential bound to one tenant names it in the log lines', async () => {
  const FAST = { N: 1024, r: 8, p: 1 };
  const authed = await startInProcess(`
auth_enabled: true
auth:
  users:
  - username: alice
    password_hash: ${hashSecret('alice-pw', FAST)}
    tenants: [team-a]
`);
  Logger.setSink((l) => lines.push(l));
  try {
    const res = await fetch(`${authed.url}/loki/api/v1/labels`, {
      headers: { 'X-Request-Id': 'auth-1', Authorization: 'Basic ' + Buffer.from('alice:alice-pw').toString('base64') },
    });
    assert.equal(res.status, 200);
    await res.text();
    assert.match(accessLines('auth-1')[0] ?? '', / tenant=team-a /);
    const denied = await fetch(`${authed.url}/loki/api/v1/labels`, { headers: { 'X-Request-Id': 'auth-2' } });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get('x-request-id'), 'auth-2');
    await denied.text();
    assert.match(accessLines('auth-2')[0] ?? '', / status=401 /);
  } finally {
    await authed.stop();
  }
});
