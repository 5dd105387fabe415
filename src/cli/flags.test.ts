import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlagError } from '../config/errors.js';
import { flagDefinitions, flagUsage, parseFlags } from './flags.js';

function override(argv: string[], flag: string): unknown {
  return parseFlags(argv).overrides.find((o) => o.flag === flag)?.value;
}

function fails(argv: string[], message: string): void {
  assert.throws(() => parseFlags(argv), (e: unknown) => e instanceof FlagError && e.message === message);
}

describe('parseFlags', () => {
  it('reads -name=value, -name value, --name and booleans', () => {
    const f = parseFlags(['-config.file=/etc/loki.yaml', '--config.expand-env', '-target', 'read,write', '-auth.enabled=false']);
    assert.equal(f.configFile, '/etc/loki.yaml');
    assert.equal(f.expandEnv, true);
    assert.deepEqual(f.overrides.map((o) => [o.path, o.value]), [['target', 'read,write'], ['auth_enabled', false]]);
  });

  it('reads the process flags', () => {
    const f = parseFlags(['-version', '-verify-config', '-print-config-stderr', '-log-config-reverse-order', '-list-targets']);
    assert.deepEqual([f.version, f.verifyConfig, f.printConfigStderr, f.logConfigReverseOrder, f.listTargets], [true, true, true, true, true]);
    assert.equal(parseFlags([]).version, false);
  });

  it('converts values by the type of the key they set', () => {
    assert.equal(override(['-server.http-listen-port=3121'], 'server.http-listen-port'), 3121);
    assert.equal(override(['-ingester.max-chunk-age', '1h30m'], 'ingester.max-chunk-age'), 5_400_000);
    assert.equal(override(['-distributor.ingestion-rate-limit-mb=1.5'], 'distributor.ingestion-rate-limit-mb'), 1.5);
    assert.equal(override(['-distributor.max-line-size=256KB'], 'distributor.max-line-size'), 262_144);
    assert.equal(override(['-ingester.chunk-encoding=snappy'], 'ingester.chunk-encoding'), 'snappy');
    assert.deepEqual(override(['-validation.discover-service-name='], 'validation.discover-service-name'), []);
    assert.deepEqual(override(['-validation.discover-service-name=app,job'], 'validation.discover-service-name'), ['app', 'job']);
    assert.equal(override(['-log.level=debug'], 'log.level'), 'debug');
    assert.equal(override(['-auth.enabled=0'], 'auth.enabled'), false);
  });

  it('stops at the first non-flag argument or at --', () => {
    assert.deepEqual(parseFlags(['-version', 'extra', '-target=all']).args, ['extra', '-target=all']);
    assert.deepEqual(parseFlags(['--', '-version']).args, ['-version']);
    assert.equal(parseFlags(['--', '-version']).version, false);
    assert.deepEqual(parseFlags(['-']).args, ['-']);
  });

  it('lets the last occurrence win', () => {
    const f = parseFlags(['-log.level=info', '-log.level=warn']);
    assert.equal(f.overrides.at(-1)?.value, 'warn');
  });

  it('reports errors in the words of Go\'s flag package', () => {
    fails(['-foo'], 'flag provided but not defined: -foo');
    fails(['--foo=1'], 'flag provided but not defined: -foo');
    fails(['-target'], 'flag needs an argument: -target');
    fails(['-auth.enabled=maybe'], 'invalid boolean value "maybe" for -auth.enabled: parse error');
    fails(['-server.http-listen-port=http'], 'invalid value "http" for flag -server.http-listen-port: parse error');
    fails(['---x'], 'bad flag syntax: ---x');
    fails(['-=x'], 'bad flag syntax: -=x');
  });

  it('validates -target', () => {
    assert.equal(override(['-target=write'], 'target'), 'write');
    fails(['-target=foo'], 'invalid value "foo" for flag -target: unrecognised module name: foo');
    assert.throws(() => parseFlags(['-target=all,index-gateway']), /not supported by Skald/);
  });

  it('treats -h and -help as a request for usage', () => {
    assert.equal(parseFlags(['-h']).help, true);
    assert.equal(parseFlags(['--help']).help, true);
    assert.match(flagUsage(), /^Usage of skald:\n/);
    assert.match(flagUsage(), /\n {2}-server\.http-listen-port int\n/);
  });

  it('defines at least the common Loki flags', () => {
    const names = [
      'config.file', 'config.expand-env', 'target', 'server.http-listen-address', 'server.http-listen-port',
      'server.grpc-listen-port', 'auth.enabled', 'log.level', 'version', 'verify-config', 'print-config-stderr',
      'log-config-reverse-order', 'ingester.chunk-encoding', 'ingester.max-chunk-age', 'distributor.ingestion-rate-limit-mb',
      'distributor.max-line-size', 'common.path-prefix', 'validation.reject-old-samples', 'querier.max-concurrent',
      'runtime-config.file', 'store.max-query-length', 'ingester.per-stream-rate-limit',
    ];
    const defs = flagDefinitions();
    assert.deepEqual(names.filter((n) => !defs.has(n)), []);
    assert.ok(defs.size >= 60);
  });
});
