import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalMetadata, metadataSize, normalizeMetadataName, sanitizeMetadataValue } from './structured-metadata.js';

test('names are normalized like Prometheus otlptranslator NormalizeLabel', () => {
  const cases: [string, string][] = [
    ['trace_id', 'trace_id'], ['k8s.pod.name', 'k8s_pod_name'], ['http-status', 'http_status'],
    ['9lives', 'key_9lives'], ['_private', 'key_private'], ['__internal', '__internal'],
    ['naïve', 'naïve'], ['名前', '名前'], ['a b', 'a_b'], ['😀x', 'key_x'], ['.', 'key_'], ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(normalizeMetadataName(input), want, input);
});

test('values, sizes and canonical order', () => {
  assert.equal(sanitizeMetadataValue('a\ufffd\ufffdb'), 'a  b');
  assert.equal(metadataSize([{ name: 'é', value: 'ab' }]), 4);
  assert.deepEqual(canonicalMetadata([{ name: 'b', value: '1' }, { name: 'a', value: '2' }, { name: 'b', value: '3' }]), [
    { name: 'a', value: '2' }, { name: 'b', value: '3' },
  ]);
});
