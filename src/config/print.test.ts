import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { applyYaml } from './apply-yaml.js';
import { ANY_SCHEMA, defaultConfig } from './defaults.js';
import { loadConfig } from './load.js';
import { leaves, setAt } from './paths.js';
import { configToYaml, reversedConfigLines } from './print.js';
import { lokiRoot } from './registry.js';
import { TARGETS } from './targets.js';
import type { Value, ValueType } from './values.js';

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'skald-print-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function loadText(yaml: string, flags: string[] = []) {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  return loadConfig([`-config.file=${file}`, ...flags], {}, { cwd: dir });
}

const SAMPLE = [
  'auth_enabled: false',
  'server:', '  http_listen_port: 3121', '  log_level: warn',
  'ingester:', '  chunk_idle_period: 24h', '  query_store_max_look_back_period: -1ns', '  chunk_encoding: snappy',
  'limits_config:', '  per_stream_rate_limit: 256MB', '  max_query_length: 0s', '  discover_service_name: []',
  '  reject_old_samples_max_age: 2w', '  ingestion_rate_mb: 1.5',
].join('\n');

describe('configToYaml', () => {
  it('prints durations and sizes the way Loki does', async () => {
    const { config } = await loadText(SAMPLE);
    const out = parse(configToYaml(config));
    assert.equal(out.ingester.chunk_idle_period, '24h0m0s');
    assert.equal(out.ingester.query_store_max_look_back_period, '-1ns');
    assert.equal(out.ingester.flush_check_period, '30s');
    assert.equal(out.limits_config.per_stream_rate_limit, '256MB');
    assert.equal(out.limits_config.max_query_length, '0s');
    assert.equal(out.limits_config.reject_old_samples_max_age, '2w');
    assert.equal(out.limits_config.creation_grace_period, '10m');
    assert.deepEqual(out.limits_config.discover_service_name, []);
    assert.equal(out.schema_config.configs[0].index.period, '24h0m0s');
  });

  it('prints lists without extra indentation, like Go yaml', () => {
    assert.match(configToYaml(defaultConfig()), /\n {2}log_level_fields:\n {2}- level\n/);
  });

  it('reads back to the same configuration', async () => {
    const first = await loadText(SAMPLE, ['-querier.max-concurrent=7']);
    const again = await loadText(configToYaml(first.config));
    assert.deepEqual(again.config, first.config);
    assert.deepEqual(again.warnings, []);
  });

  it('prints only the defaults in defaults mode', async () => {
    const { config } = await loadText(SAMPLE);
    assert.equal(configToYaml(config, { mode: 'defaults' }), configToYaml(defaultConfig()));
  });

  it('prints only what differs from the defaults in diffs mode', async () => {
    const { config } = await loadText(SAMPLE);
    const out = parse(configToYaml(config, { mode: 'diffs' }));
    assert.equal(out.auth_enabled, false);
    assert.deepEqual(out.server, { http_listen_port: 3121, log_level: 'warn' });
    assert.equal(out.ingester.chunk_encoding, 'snappy');
    assert.equal(out.ingester.concurrent_flushes, undefined);
    assert.equal(out.ingester.wal.dir, './data/wal');
    assert.equal(out.querier, undefined);
    assert.equal(out.schema_config, undefined);
    assert.deepEqual(out.limits_config.discover_service_name, []);
    assert.equal(out.limits_config.max_line_size, undefined);
  });

  it('gives the lines last first for -log-config-reverse-order', () => {
    assert.deepEqual(reversedConfigLines('a: 1\nb:\n  c: 2\n'), ['  c: 2', 'b:', 'a: 1']);
  });
});

describe('configToYaml property', () => {
  function arbitraryFor(type: ValueType): fc.Arbitrary<Value> {
    switch (type.t) {
      case 'string': return fc.string({ maxLength: 12 });
      case 'bool': return fc.boolean();
      case 'int': return fc.integer({ min: type.min ?? -1e6, max: type.max ?? 1e9 });
      case 'float': return fc.double({ min: type.min ?? -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
      case 'duration': return fc.integer({ min: type.allowNegative ? -1e10 : 0, max: 1e11 });
      case 'bytes': return fc.integer({ min: 0, max: 2 ** 50 });
      case 'enum': return fc.constantFrom(...type.values);
      case 'strings': return fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 });
      case 'targets': return fc.subarray([...TARGETS], { minLength: 1 }).map((t) => t.join(','));
      case 'date': return fc.constant('2020-10-24');
    }
  }

  it('prints any valid configuration so that it reads back unchanged', () => {
    const all = leaves(ANY_SCHEMA);
    const arb = fc.record(Object.fromEntries(all.map(({ path, spec }) => [path, arbitraryFor(spec.type)])));
    fc.assert(fc.property(arb, (values) => {
      const config = defaultConfig();
      const target = config as unknown as Record<string, unknown>;
      for (const [path, v] of Object.entries(values)) setAt(target, ANY_SCHEMA, path, v);
      const back = defaultConfig() as unknown as Record<string, unknown>;
      applyYaml(configToYaml(config), back, ANY_SCHEMA, lokiRoot(), 'printed config');
      assert.deepEqual(back, target);
    }), { numRuns: 60 });
  });
});
