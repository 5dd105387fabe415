import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoTime, UTC, loadLocation, parseInLocation } from './gotime.js';

describe('Go time', () => {
  const t = GoTime.fromUnixNano(1767232751027000500n, UTC);
  const layouts: [string, string][] = [
    ['2006-01-02T15:04:05.000Z07:00', '2026-01-01T01:59:11.027Z'],
    ['2006-01-02 15:04:05.999999999 -0700 MST', '2026-01-01 01:59:11.0270005 +0000 UTC'],
    ['Mon Jan _2 3:04:05 PM 06', 'Thu Jan  1 1:59:11 AM 26'],
    ['Monday January 2 002 __2', 'Thursday January 1 001   1'],
    ['15h04 .000000 ,999', '01h59 .027000 ,027'],
    ['-07:00:00 Z0700', '+00:00:00 Z'],
  ];
  for (const [l, want] of layouts) it(`format ${l}`, () => assert.equal(t.format(l), want));

  it('prints zones with abbreviations and offsets', () => {
    const berlin = GoTime.fromUnixNano(1767232751000000000n, loadLocation('Europe/Berlin'));
    assert.equal(berlin.toString(), '2026-01-01 02:59:11 +0100 CET');
    assert.throws(() => loadLocation('Nowhere/Nope'));
  });

  const parses: [string, string, string | undefined][] = [
    ['2006-01-02T15:04:05.000Z', '2026-01-01T01:59:11.027Z', '2026-01-01 01:59:11.027 +0000 UTC'],
    ['2006-01-02T15:04:05Z07:00', '2026-01-01T01:59:11+02:00', '2026-01-01 01:59:11 +0200 +0200'],
    ['2006-01-02 15:04:05', '2026-01-01 01:59:11.5', '2026-01-01 01:59:11.5 +0000 UTC'],
    ['02/Jan/2006:15:04:05 -0700', '01/Jan/2026:00:00:00 +0000', '2026-01-01 00:00:00 +0000 UTC'],
    ['2006-01-02', '2026-02-30', undefined],
    ['2006-01-02', 'nope', undefined],
  ];
  for (const [l, v, want] of parses) {
    it(`parse ${v} as ${l}`, () => assert.equal(parseInLocation(l, v, UTC)?.toString(), want));
  }
});
