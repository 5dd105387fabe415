import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelDetector, scanLevel } from './detected-level.js';

const d = new LevelDetector([]);
const fromLine = (line: string): string | undefined => d.detect([], [], Buffer.from(line));

test('JSON lines: the top-level field, by field order, escapes handled', () => {
  assert.equal(fromLine('  {"lvl":"err","level":"TRACE"}  '), 'trace');
  assert.equal(fromLine('{"le\\u0076el":"warning"}'), 'warn');
  assert.equal(fromLine('{"level":5}'), 'unknown');
  assert.equal(fromLine('{"a":[{"level":"dbg"}],"msg":"x"}'), 'unknown', 'nested fields are not used');
  assert.equal(fromLine('{"level":"inf"'), 'unknown', 'not JSON: no closing brace, no "=": substring scan');
  assert.equal(fromLine('{broken "level":"debug"}'), 'unknown');
});

test('logfmt lines: the first level field of the line', () => {
  assert.equal(fromLine('level=DBG msg="x"'), 'debug');
  assert.equal(fromLine('msg="a \\"quoted\\" level=error" severity="Warn"'), 'warn');
  assert.equal(fromLine('ts=1 lvl=wrn level=error'), 'warn');
  assert.equal(fromLine('msg="unterminated level=error'), 'error', 'syntax error → substring scan');
  assert.equal(fromLine('=x level=info'), 'info');
});

test('substring scan order', () => {
  assert.equal(scanLevel(Buffer.from('error then info')), 'info');
  assert.equal(scanLevel(Buffer.from('[ERR: bad]')), 'error');
  assert.equal(scanLevel(Buffer.from('warn: x')), 'warn');
  assert.equal(scanLevel(Buffer.from('Warning')), 'unknown');
  assert.equal(scanLevel(Buffer.from('critical: x')), 'critical');
  assert.equal(scanLevel(Buffer.from('debug x')), 'unknown');
});
