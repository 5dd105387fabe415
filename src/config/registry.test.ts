import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANY_SCHEMA } from './defaults.js';
import { danglingBlockRefs, lokiBlock, lokiRoot, type KeyNode } from './registry.js';
import type { AnySchema } from './spec.js';

function at(node: KeyNode | undefined, path: string): KeyNode | undefined {
  for (const part of path.split('.')) node = node?.child(part);
  return node;
}

/** Schema keys that are Loki keys, with the path to report if the registry lacks them. */
function lokiSchemaPaths(schema: AnySchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (spec.kind === 'leaf') { if (!spec.skald) out.push(path); }
    else if (spec.kind === 'group') out.push(...lokiSchemaPaths(spec.fields, path));
    else if (spec.kind === 'list') out.push(...(spec.skald ? [] : [path]), ...lokiSchemaPaths(spec.item, path));
  }
  return out;
}

describe('Loki key registry', () => {
  it('has no reference to a missing block', () => {
    assert.deepEqual(danglingBlockRefs(), []);
  });

  it('knows every Loki key Skald implements, so implemented keys use Loki names', () => {
    const missing = lokiSchemaPaths(ANY_SCHEMA).filter((p) => at(lokiRoot(), p) === undefined);
    assert.deepEqual(missing, []);
  });

  it('resolves nested, referenced, inlined and listed blocks', () => {
    const root = lokiRoot();
    assert.equal(at(root, 'query_range.results_cache.cache.embedded_cache.max_size_mb')?.kind, 'value');
    assert.equal(at(root, 'compactor_grpc_client.tls_cert_path')?.kind, 'value');
    assert.equal(at(root, 'ingester.lifecycler.ring.kvstore.store')?.kind, 'value');
    assert.equal(at(root, 'schema_config.configs')?.kind, 'list');
    assert.equal(at(root, 'schema_config.configs.row_shards')?.kind, 'value');
    assert.equal(at(root, 'limits_config.retention_stream')?.kind, 'open');
    assert.equal(at(root, 'server.nope'), undefined);
  });

  it('maps any tenant in runtime overrides to limits_config', () => {
    const tenant = lokiBlock('runtime_file').child('overrides')?.child('any-tenant');
    assert.equal(tenant?.child('ingestion_rate_mb')?.kind, 'value');
    assert.equal(tenant?.child('bogus'), undefined);
  });
});
