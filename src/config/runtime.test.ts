import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '../util/logger.js';
import { defaultLimits } from './defaults.js';
import { ConfigError } from './errors.js';
import { TenantLimits } from './runtime.js';

let dir = '';
const logged: string[] = [];
const running: TenantLimits[] = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skald-runtime-'));
  Logger.setSink((line) => logged.push(line));
});
after(async () => { await rm(dir, { recursive: true, force: true }); });
afterEach(() => { for (const t of running.splice(0)) t.stop(); logged.length = 0; });

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function limits(fileList: string, period = 0): TenantLimits {
  const t = new TenantLimits({ ...defaultLimits(), max_query_series: 1234 }, { file: fileList, period, cwd: dir });
  running.push(t);
  return t;
}

const OVERRIDES = [
  'overrides:',
  '  tenant-a:',
  '    ingestion_rate_mb: 10',
  '    max_line_size: 1MB',
  '    shard_streams:',
  '      enabled: false',
  '  "tenant b":',
  '    discover_service_name: []',
].join('\n');

describe('TenantLimits', () => {
  it('serves limits_config when no runtime file is configured', async () => {
    const t = limits('');
    await t.start();
    assert.equal(t.forTenant('x').max_query_series, 1234);
    assert.deepEqual(t.tenants(), []);
  });

  it('merges a tenant\'s overrides onto limits_config', async () => {
    const t = limits(await file('a.yaml', OVERRIDES));
    await t.start();
    const a = t.forTenant('tenant-a');
    assert.equal(a.ingestion_rate_mb, 10);
    assert.equal(a.max_line_size, 1024 ** 2);
    assert.equal(a.shard_streams.enabled, false);
    assert.equal(a.shard_streams.desired_rate, 1536 * 1024);
    assert.equal(a.max_query_series, 1234);
    assert.deepEqual(t.forTenant('tenant b').discover_service_name, []);
    assert.equal(t.forTenant('other').ingestion_rate_mb, 4);
    assert.deepEqual(t.tenants().sort(), ['tenant b', 'tenant-a']);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.shard_streams));
  });

  it('accepts Loki runtime keys it does not implement, with a warning', async () => {
    const t = limits(await file('b.yaml', 'overrides:\n  t:\n    max_chunks_per_query: 5\nmulti_kv_config:\n  primary: consul\nconfigs:\n  t:\n    log_push_request: true\n'));
    await t.start();
    assert.ok(logged.some((l) => l.includes('runtime config keys accepted but not implemented: overrides.t.max_chunks_per_query, multi_kv_config, configs')));
  });

  it('fails to start on an invalid file', async () => {
    const t = limits(await file('c.yaml', 'overrides:\n  t:\n    ingestion_rate: 10\n'));
    await assert.rejects(t.start(), (e: unknown) => e instanceof ConfigError
      && /unknown config key "overrides\.t\.ingestion_rate" \(line 3\); did you mean "overrides\.t\.ingestion_rate_mb"\?/.test(e.message));
    await assert.rejects(limits(join(dir, 'missing.yaml')).start(), /failed to read runtime config file/);
    await assert.rejects(limits(await file('d.yaml', 'limits:\n  a: 1\n')).start(), /unknown config key "limits"/);
  });

  it('keeps the previous overrides when a reload fails', async () => {
    const path = await file('e.yaml', OVERRIDES);
    const t = limits(path);
    let changes = 0;
    t.onChange(() => changes++);
    await t.start();
    assert.equal(await t.reload(), false, 'unchanged file');

    await writeFile(path, 'overrides:\n  tenant-a:\n    ingestion_rate_mb: fast\n');
    assert.equal(await t.reload(), false);
    assert.match(t.lastError ?? '', /invalid value for "overrides\.tenant-a\.ingestion_rate_mb" \(line 3\): expected a number/);
    assert.equal(t.forTenant('tenant-a').ingestion_rate_mb, 10);
    assert.ok(logged.some((l) => l.includes('level=error') && l.includes('keeping the previous overrides')));

    await writeFile(path, 'overrides:\n  tenant-a:\n    ingestion_rate_mb: 20\n');
    assert.equal(await t.reload(), true);
    assert.equal(t.lastError, undefined);
    assert.equal(t.forTenant('tenant-a').ingestion_rate_mb, 20);
    assert.equal(t.forTenant('tenant b').discover_service_name.length, 13, 'tenant b lost its overrides');
    assert.equal(changes, 1);
  });

  it('merges several files left to right', async () => {
    const one = await file('f1.yaml', 'overrides:\n  t:\n    ingestion_rate_mb: 1\n    max_query_series: 5\n');
    const two = await file('f2.yaml', 'overrides:\n  t:\n    ingestion_rate_mb: 2\n  u:\n    volume_enabled: false\n');
    const t = limits(`${one}, ${two}`);
    await t.start();
    assert.equal(t.forTenant('t').ingestion_rate_mb, 2);
    assert.equal(t.forTenant('t').max_query_series, 5);
    assert.equal(t.forTenant('u').volume_enabled, false);
  });

  it('reloads on its own every period', async () => {
    const path = await file('g.yaml', 'overrides:\n  t:\n    max_query_series: 1\n');
    const t = limits(path, 25);
    await t.start();
    await writeFile(path, 'overrides:\n  t:\n    max_query_series: 2\n');
    for (let i = 0; i < 200 && t.forTenant('t').max_query_series !== 2; i++) await sleep(10);
    assert.equal(t.forTenant('t').max_query_series, 2);
  });
});
