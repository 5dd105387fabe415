import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultLimits } from './defaults.js';
import { renderConfigTable, renderControlFlagTable } from './docs.js';
import { loadConfig } from './load.js';
import { TenantLimits } from './runtime.js';

const DOC = new URL('../../docs/configuration.md', import.meta.url);

describe('docs/configuration.md', () => {
  it('contains the key table rendered from the schema', async () => {
    const doc = await readFile(DOC, 'utf8');
    assert.ok(doc.includes(renderConfigTable()), 'the key table is stale: paste renderConfigTable() from src/config/docs.ts');
  });

  it('contains the flag table', async () => {
    const doc = await readFile(DOC, 'utf8');
    assert.ok(doc.includes(renderControlFlagTable()), 'the flag table is stale: paste renderControlFlagTable() from src/config/docs.ts');
  });

  it('lists every implemented key once', () => {
    const rows = renderConfigTable().split('\n').filter((l) => l.startsWith('| `'));
    const keys = rows.map((r) => r.split('|')[1].trim());
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.includes('`ingester.wal.fsync`') && keys.includes('`limits_config.shard_streams.desired_rate`'));
  });
});

describe('docs/configuration.md examples', () => {
  async function yamlBlockAfter(heading: string): Promise<string> {
    const doc = await readFile(DOC, 'utf8');
    const from = doc.indexOf(heading);
    assert.ok(from >= 0, `missing section ${heading}`);
    const m = /```yaml\n([\s\S]*?)```/.exec(doc.slice(from));
    assert.ok(m, `no yaml block after ${heading}`);
    return m[1];
  }

  it('has an example config that loads without warnings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skald-doc-'));
    try {
      await writeFile(join(dir, 'skald.yaml'), await yamlBlockAfter('## Example'));
      const { config, warnings } = await loadConfig(['-config.file=skald.yaml'], {}, { cwd: dir });
      assert.deepEqual(warnings, []);
      assert.equal(config.ingester.wal.dir, '/var/lib/skald/wal');
      assert.equal(config.limits_config.retention_period, 30 * 86_400_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has an overrides example that TenantLimits accepts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skald-doc-'));
    try {
      const file = join(dir, 'overrides.yaml');
      await writeFile(file, await yamlBlockAfter('## Per-tenant overrides'));
      const t = new TenantLimits(defaultLimits(), { file, period: 0 });
      await t.start();
      t.stop();
      assert.equal(t.forTenant('tenant-a').ingestion_rate_mb, 10);
      assert.deepEqual(t.forTenant('team b').discover_service_name, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
