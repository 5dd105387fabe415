import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PathError, parseJsonPath, parseLogfmtKey } from './extraction-path.js';
import { IpPatternError, ipPatternContains, parseIpAddr, parseIpPattern } from './ip.js';
import { PatternError, parsePattern } from './pattern.js';

test('ip patterns: addresses, CIDR, ranges (netip semantics)', () => {
  assert.deepEqual(parseIpPattern('192.168.0.1'), { kind: 'addr', addr: { bits: 32, value: 0xc0a80001n, zone: '' } });
  assert.equal(parseIpPattern('10.0.0.0/8').kind, 'prefix');
  assert.equal(parseIpPattern('2001:db8::/32').kind, 'prefix');
  assert.equal(parseIpPattern('192.168.0.1-192.168.0.23').kind, 'range');
  assert.equal(parseIpPattern('::ffff:1.2.3.4').kind, 'addr');
  for (const bad of ['nope', '192.168.0', '192.168.0.01', '256.1.1.1', '10.0.0.0/33', '1.2.3.4-1.2.3.3', '1.2.3.4-::1', 'fe80::1%', '1::2::3']) {
    assert.throws(() => parseIpPattern(bad), IpPatternError, bad);
  }
  assert.throws(() => parseIpPattern('x'), new IpPatternError('ip: invalid pattern: "x"'));
  const net = parseIpPattern('172.16.0.0/12');
  assert.ok(ipPatternContains(net, parseIpAddr('172.31.255.1')!));
  assert.ok(!ipPatternContains(net, parseIpAddr('172.32.0.1')!));
  assert.ok(!ipPatternContains(net, parseIpAddr('::ffff:172.16.0.1')!));
  const range = parseIpPattern('10.0.0.1-10.0.0.9');
  assert.ok(ipPatternContains(range, parseIpAddr('10.0.0.5')!));
  assert.ok(!ipPatternContains(range, parseIpAddr('10.0.0.10')!));
  assert.deepEqual(parseIpAddr('::1'), { bits: 128, value: 1n, zone: '' });
  assert.deepEqual(parseIpAddr('fe80::1%eth0'), { bits: 128, value: 0xfe800000000000000000000000000001n, zone: 'eth0' });
});

test('json parameter paths', () => {
  assert.deepEqual(parseJsonPath('a.b'), ['a', 'b']);
  assert.deepEqual(parseJsonPath('cart.items[0].sku'), ['cart', 'items', 0, 'sku']);
  assert.deepEqual(parseJsonPath('http.headers["user-agent"]'), ['http', 'headers', 'user-agent']);
  assert.deepEqual(parseJsonPath('[0]'), [0]);
  assert.throws(() => parseJsonPath('a[x]'), new PathError('syntax error: unexpected FIELD, expecting STRING or INDEX'));
  assert.throws(() => parseJsonPath('a.[0]'), new PathError('syntax error: unexpected LSB, expecting FIELD'));
  assert.throws(() => parseJsonPath('a[1.5]'), new PathError('syntax error: unexpected $end, expecting STRING or INDEX'));
});

test('logfmt parameter keys', () => {
  assert.equal(parseLogfmtKey('level'), 'level');
  assert.equal(parseLogfmtKey('"a"'), 'a');
  assert.throws(() => parseLogfmtKey('a-b'), new PathError('unexpected char -'));
});

test('pattern expressions', () => {
  assert.deepEqual(parsePattern('<ip> - <_> [<ts>]'), [
    { kind: 'capture', name: 'ip' }, { kind: 'literal', text: ' - ' }, { kind: 'capture', name: '_' },
    { kind: 'literal', text: ' [' }, { kind: 'capture', name: 'ts' }, { kind: 'literal', text: ']' },
  ]);
  assert.deepEqual(parsePattern('a <1x> <b>'), [{ kind: 'literal', text: 'a <1x> ' }, { kind: 'capture', name: 'b' }]);
  assert.throws(() => parsePattern('<_> <_>'), new PatternError('at least one capture is required'));
  assert.throws(() => parsePattern('<a> <a>'), new PatternError('duplicate capture name (a): invalid expression'));
  assert.throws(() => parsePattern('<a><_>'), new PatternError("found consecutive capture '<a><_>': invalid expression"));
  assert.throws(() => parsePattern(''), new PatternError('parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or LITERAL'));
});
