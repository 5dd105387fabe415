import { BadRequestError } from '../../util/errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LimitsConfig } from '../../config/types.js';
import { entriesOf, type Entry } from '../../model/entry.js';
import { pushEntriesFrom } from '../../push/columns.js';
import { EMPTY_LABELS, type Label } from '../../model/labels.js';
import type { PushRequest } from '../../push/types.js';
import { formatPushErrors } from './format-errors.js';
import { validatePush } from './validate-push.js';

const NOW = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
const SEC = 1_000_000_000n;
const HOUR_MS = 3600_000;

/** Loki's defaults for the limits validation reads. */
function limits(overrides: Partial<LimitsConfig> = {}): LimitsConfig {
  return {
    max_label_name_length: 1024,
    max_label_value_length: 2048,
    max_label_names_per_series: 15,
    reject_old_samples: true,
    reject_old_samples_max_age: 168 * HOUR_MS,
    creation_grace_period: 10 * 60_000,
    max_line_size: 256 * 1024,
    max_line_size_truncate: false,
    increment_duplicate_timestamp: false,
    discover_service_name: ['service', 'app', 'application', 'app_name', 'name', 'app_kubernetes_io_name', 'container', 'container_name', 'k8s_container_name', 'component', 'workload', 'job', 'k8s_job_name'],
    discover_log_levels: true,
    log_level_fields: ['level', 'LEVEL', 'Level', 'Severity', 'severity', 'SEVERITY', 'lvl', 'LVL', 'Lvl'],
    allow_structured_metadata: true,
    max_structured_metadata_size: 64 * 1024,
    max_structured_metadata_entries_count: 128,
    ...overrides,
  } as LimitsConfig;
}

function entry(line: string, ts = NOW, metadata: Label[] = []): Entry {
  return { ts, line: Buffer.from(line), metadata: metadata.length > 0 ? metadata : EMPTY_LABELS };
}

function push(...streams: [string, Entry[]][]): PushRequest {
  return { streams: streams.map(([labels, entries]) => ({ labels, entries: pushEntriesFrom(entries) })) };
}

const run = (req: PushRequest, l = limits()): ReturnType<typeof validatePush> => validatePush('fake', req, l, NOW);

test('accepts a stream: canonical labels with service_name, metadata normalized, detected_level added', () => {
  const r = run(push(['{env="prod", app="api"}', [entry('level=error msg=boom', NOW, [{ name: 'trace.id', value: 'abc' }]), entry('all good')]]));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.discarded, []);
  assert.equal(r.streams.length, 1);
  const s = r.streams[0];
  assert.equal(s.key, '{app="api", env="prod", service_name="api"}');
  assert.deepEqual(s.labels, [{ name: 'app', value: 'api' }, { name: 'env', value: 'prod' }, { name: 'service_name', value: 'api' }]);
  assert.deepEqual(entriesOf(s.entries)[0].metadata, [{ name: 'detected_level', value: 'error' }, { name: 'trace_id', value: 'abc' }]);
  assert.deepEqual(entriesOf(s.entries)[1].metadata, [{ name: 'detected_level', value: 'unknown' }]);
  assert.equal(r.acceptedLines, 2);
  assert.equal(r.acceptedBytes, 'level=error msg=boom'.length + 'trace_id'.length + 3 + 'detected_level'.length + 5 + 'all good'.length + 'detected_level'.length + 7);
});

test('service_name discovery', () => {
  const key = (labels: string, l = limits()): string => run(push([labels, [entry('x')]]), l).streams[0].key;
  assert.equal(key('{app="a", service="s"}'), '{app="a", service="s", service_name="s"}');
  assert.equal(key('{job="j", container="c"}'), '{container="c", job="j", service_name="c"}');
  assert.equal(key('{foo="bar"}'), '{foo="bar", service_name="unknown_service"}');
  assert.equal(key('{}'), '{service_name="unknown_service"}');
  assert.equal(key(''), '{service_name="unknown_service"}');
  assert.equal(key('{service_name="mine", app="a"}'), '{app="a", service_name="mine"}');
  assert.equal(key('{__aggregated_metric__="x"}'), '{__aggregated_metric__="x"}');
  assert.equal(key('{app="a"}', limits({ discover_service_name: [] })), '{app="a"}');
  const none = run(push(['{}', [entry('x')]]), limits({ discover_service_name: [] }));
  assert.deepEqual(none.errors, ['error at least one label pair is required per stream']);
  assert.deepEqual(none.discarded, [{ reason: 'missing_labels', lines: 1, bytes: 1 }]);
});

test('a label string that does not parse fails the whole push with Loki\'s message', () => {
  assert.throws(
    () => run(push(['{app="ok"}', [entry('x')]], ['{a.b="c"}', [entry('yy')]], ['{a=b}', []])),
    (err: unknown) => err instanceof BadRequestError && err.status === 400 && err.message === "couldn't parse labels: 1:3: parse error: unexpected character inside braces: '.'",
  );
});

test('label rules: count (service_name not counted), name and value length, duplicates', () => {
  const fifteen = Array.from({ length: 15 }, (_, i) => `l${String(i).padStart(2, '0')}="v"`).join(', ');
  assert.equal(run(push([`{${fifteen}}`, [entry('x')]])).errors.length, 0);
  const sixteen = run(push([`{${fifteen}, zz="v"}`, [entry('x'), entry('y')]]));
  const key = `{${fifteen}, service_name="unknown_service", zz="v"}`;
  assert.deepEqual(sixteen.errors, [`entry for stream '${key}' has 16 label names; limit 15`]);
  assert.deepEqual(sixteen.discarded, [{ reason: 'max_label_names_per_series', lines: 2, bytes: 2 }]);
  assert.deepEqual(sixteen.streams, []);

  const longName = run(push([`{${'n'.repeat(11)}="v", app="a"}`, [entry('x')]]), limits({ max_label_name_length: 10 }));
  assert.deepEqual(longName.errors, [`stream '{app="a", ${'n'.repeat(11)}="v", service_name="a"}' has label name too long: '${'n'.repeat(11)}'`]);
  assert.equal(longName.discarded[0].reason, 'label_name_too_long');

  const longValue = run(push(['{app="a", v="ééé"}', [entry('x')]]), limits({ max_label_value_length: 5 }));
  assert.deepEqual(longValue.errors, [`stream '{app="a", service_name="a", v="ééé"}' has label value too long: 'ééé'`]);
  assert.equal(longValue.discarded[0].reason, 'label_value_too_long');

  const dup = run(push(['{app="api", app="worker"}', [entry('x')]]));
  assert.deepEqual(dup.errors, [`stream '{app="api", app="worker", service_name="api"}' has duplicate label name: 'app'`]);
  assert.equal(dup.discarded[0].reason, 'duplicate_label_names');
});

test('line size: rejected by default, truncated when max_line_size_truncate', () => {
  const r = run(push(['{app="a"}', [entry('x'.repeat(11)), entry('short')]]), limits({ max_line_size: 10 }));
  assert.deepEqual(r.errors, [`Max entry size '10' bytes exceeded for stream '{app="a", service_name="a"}' while adding an entry with length '11' bytes`]);
  assert.deepEqual(r.discarded, [{ reason: 'line_too_long', lines: 1, bytes: 11 }]);
  assert.deepEqual(entriesOf(r.streams[0].entries).map((e) => e.line.toString()), ['short']);

  const t = run(push(['{app="a"}', [entry('x'.repeat(11) + 'y')]]), limits({ max_line_size: 10, max_line_size_truncate: true }));
  assert.deepEqual(t.errors, []);
  assert.equal(entriesOf(t.streams[0].entries)[0].line.toString(), 'x'.repeat(10));
  assert.equal(run(push(['{app="a"}', [entry('x'.repeat(300_000))]]), limits({ max_line_size: 0 })).errors.length, 0);
});

test('timestamps: too old (reject_old_samples) and too new (creation_grace_period)', () => {
  const old = NOW - 169n * 3600n * SEC;
  const r = run(push(['{app="a"}', [entry('old', old), entry('new', NOW + 11n * 60n * SEC), entry('ok', NOW + 9n * 60n * SEC)]]));
  assert.deepEqual(r.errors, [
    `entry for stream '{app="a", service_name="a"}' has timestamp too old: 2023-11-07T21:13:20Z, oldest acceptable timestamp is: 2023-11-07T22:13:20Z`,
    `entry for stream '{app="a", service_name="a"}' has timestamp too new: 2023-11-14T22:24:20Z`,
  ]);
  assert.deepEqual(r.discarded, [{ reason: 'greater_than_max_sample_age', lines: 1, bytes: 3 }, { reason: 'too_far_in_future', lines: 1, bytes: 3 }]);
  assert.deepEqual(entriesOf(r.streams[0].entries).map((e) => e.line.toString()), ['ok']);
  assert.equal(run(push(['{app="a"}', [entry('old', old)]]), limits({ reject_old_samples: false })).acceptedLines, 1);
  // Go's zero time (entry without timestamp) and negative timestamps.
  const zero = run(push(['{app="a"}', [entry('z', -62135596800n * SEC), entry('neg', -SEC)]]));
  assert.match(zero.errors[0], /has timestamp too old: 0001-01-01T00:00:00Z, oldest/);
  assert.match(zero.errors[1], /has timestamp too old: 1969-12-31T23:59:59Z, oldest/);
  const wrapped = run(push(['{app="a"}', [entry('z', -62135596800n * SEC)]]), limits({ reject_old_samples: false }));
  assert.equal(entriesOf(wrapped.streams[0].entries)[0].ts, -6795364578871345152n);
});

test('structured metadata: disallowed, too large, too many', () => {
  const md = [{ name: 'a', value: '12345' }, { name: 'b', value: 'x' }];
  const stream = `'{app="a", service_name="a"}'`;
  const off = run(push(['{app="a"}', [entry('x', NOW, md), entry('plain')]]), limits({ allow_structured_metadata: false }));
  assert.deepEqual(off.errors, [`stream ${stream} includes structured metadata, but this feature is disallowed. Please see \`limits_config.allow_structured_metadata\` or contact your Loki administrator to enable it.`]);
  assert.deepEqual(off.discarded, [{ reason: 'disallowed_structured_metadata', lines: 1, bytes: 9 }]);
  assert.deepEqual(entriesOf(off.streams[0].entries)[0].metadata, [], 'no detected_level without structured metadata');

  const big = run(push(['{app="a"}', [entry('x', NOW, md)]]), limits({ max_structured_metadata_size: 7 }));
  assert.deepEqual(big.errors, [`stream ${stream} has structured metadata too large: '8' bytes, limit: '7' bytes. Please see \`limits_config.max_structured_metadata_size\` or contact your Loki administrator to increase it.`]);
  assert.equal(big.discarded[0].reason, 'structured_metadata_too_large');

  const many = run(push(['{app="a"}', [entry('x', NOW, md)]]), limits({ max_structured_metadata_entries_count: 1 }));
  assert.deepEqual(many.errors, [`stream ${stream} has too many structured metadata labels: '2', limit: '1'. Please see \`limits_config.max_structured_metadata_entries_count\` or contact your Loki administrator to increase it.`]);
  assert.equal(many.discarded[0].reason, 'structured_metadata_too_many');
});

test('structured metadata names are normalized, values sanitized, last duplicate wins', () => {
  const r = run(push(['{app="a"}', [entry('x', NOW, [
    { name: 'k8s.pod-name', value: 'p' }, { name: '9bad', value: 'v' }, { name: '_x', value: 'u' }, { name: '__y', value: 'w' },
    { name: 'dup', value: 'first' }, { name: 'bad', value: 'a\ufffdb' }, { name: 'dup', value: 'second' }, { name: '', value: 'dropped' },
  ])]]), limits({ discover_log_levels: false }));
  assert.deepEqual(entriesOf(r.streams[0].entries)[0].metadata, [
    { name: '__y', value: 'w' }, { name: 'bad', value: 'a b' }, { name: 'dup', value: 'second' },
    { name: 'k8s_pod_name', value: 'p' }, { name: 'key_9bad', value: 'v' }, { name: 'key_x', value: 'u' },
  ]);
});

test('detected_level sources and precedence', () => {
  const level = (labels: string, line: string, md: Label[] = [], l = limits()): string | undefined =>
    entriesOf(run(push([labels, [entry(line, NOW, md)]]), l).streams[0].entries)[0].metadata.find((m) => m.name === 'detected_level')?.value;
  assert.equal(level('{app="a", level="WARN"}', 'level=info'), 'WARN', 'stream label, as is');
  assert.equal(level('{app="a"}', 'level=info', [{ name: 'severity', value: 'Crit' }]), 'Crit', 'metadata field, as is');
  assert.equal(level('{app="a"}', 'x', [{ name: 'severity_number', value: '17' }]), 'error');
  assert.equal(level('{app="a"}', 'x', [{ name: 'severity_number', value: 'abc' }]), 'info');
  assert.equal(level('{app="a"}', 'x', [{ name: 'detected_level', value: 'mine' }]), 'mine', 'kept when sent');
  assert.equal(level('{app="a"}', 'x', [{ name: 'level', value: '' }]), undefined, 'an empty field value adds none');
  assert.equal(level('{app="a"}', '{"msg":"info here","level":"WRN"}'), 'warn', 'JSON field');
  assert.equal(level('{app="a"}', '{"nested":{"level":"debug"},"lvl":"dbg"}'), 'debug');
  assert.equal(level('{app="a"}', 'ts=1 level="fatal" msg=x'), 'fatal', 'logfmt field');
  assert.equal(level('{app="a"}', 'ts=1 level=verbose msg=error'), 'error', 'unknown value → substring scan');
  assert.equal(level('{app="a"}', 'an INFO and an error'), 'info', 'substring order');
  assert.equal(level('{app="a"}', 'boom ERR: x'), 'error');
  assert.equal(level('{app="a"}', 'the WARNING'), 'warn');
  assert.equal(level('{app="a"}', 'CRITICAL: disk'), 'critical');
  assert.equal(level('{app="a"}', 'DEBUG: x'), 'debug');
  assert.equal(level('{app="a"}', 'nothing here'), 'unknown');
  assert.equal(level('{app="a"}', 'level=info', [], limits({ discover_log_levels: false })), undefined);
  assert.equal(level('{app="a", sev="x"}', 'lvl=info', [], limits({ log_level_fields: ['sev'] })), 'x');
  assert.equal(level('{app="a"}', 'lvl=error', [], limits({ log_level_fields: [] })), 'error', 'empty list means Loki\'s defaults');
});

test('partial success keeps request order and reports every rejection', () => {
  const r = run(push(
    ['{app="b"}', [entry('1'), entry('too long line'), entry('2')]],
    ['{app="a", app="a"}', [entry('dup')]],
    ['{app="c"}', []],
    ['{app="a"}', [entry('3'), entry('x'.repeat(20))]],
  ), limits({ max_line_size: 10 }));
  assert.deepEqual(r.streams.map((s) => [s.key, entriesOf(s.entries).map((e) => e.line.toString())]), [
    ['{app="b", service_name="b"}', ['1', '2']],
    ['{app="a", service_name="a"}', ['3']],
  ]);
  assert.equal(r.errors.length, 3);
  assert.deepEqual(r.discarded, [{ reason: 'line_too_long', lines: 2, bytes: 33 }, { reason: 'duplicate_label_names', lines: 1, bytes: 3 }]);
  assert.equal(r.acceptedLines, 3);
  assert.match(formatPushErrors(r.errors), /^1 errors like: Max entry size '10' bytes exceeded for stream '\{app="b", service_name="b"\}'.*; 1 errors like: stream .* has duplicate label name: 'app'; 1 errors like: Max entry size/);
});

test('increment_duplicate_timestamp shifts same-timestamp entries with different lines', () => {
  const r = run(push(['{app="a"}', [entry('a', NOW), entry('b', NOW), entry('b', NOW + 1n), entry('c', NOW + 1n), entry('c', NOW + 5n)]]), limits({ increment_duplicate_timestamp: true }));
  assert.deepEqual(entriesOf(r.streams[0].entries).map((e) => e.ts - NOW), [0n, 1n, 1n, 2n, 5n]);
  const off = run(push(['{app="a"}', [entry('a', NOW), entry('b', NOW)]]));
  assert.deepEqual(entriesOf(off.streams[0].entries).map((e) => e.ts - NOW), [0n, 0n]);
});

test('streams without entries are skipped silently', () => {
  const r = run(push(['{}', []], ['{a="b", a="c"}', []]));
  assert.deepEqual(r, { streams: [], errors: [], discarded: [], acceptedLines: 0, acceptedBytes: 0 });
});
