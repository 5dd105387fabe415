import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLine } from './test-helpers.js';

describe('| decolorize', () => {
  const cases: [string, string][] = [
    ['\u001b[32mINFO\u001b[0m ok', 'INFO ok'],
    ['\u001b[1;31mERROR\u001b[0m[0000] boom', 'ERROR[0000] boom'],
    ['plain line', 'plain line'],
    ['\u009b31mCSI\u009b0m', 'CSI'],
    // OSC 8 hyperlinks are not SGR: only their first bytes go.
    ['\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007 opened', 'ttps://example.com\u0007link opened'],
  ];
  for (const [line, want] of cases) it(JSON.stringify(line), () => assert.equal(runLine('| decolorize', line).line, want));
});
