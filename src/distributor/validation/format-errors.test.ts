import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPushErrors } from './format-errors.js';

test('groups like Loki\'s GroupedErrors', () => {
  assert.equal(formatPushErrors(['a']), 'a');
  assert.equal(formatPushErrors(['a', 'a']), '2 errors like: a');
  assert.equal(formatPushErrors(['a', 'b', 'a']), '2 errors like: a; 1 errors like: b');
  assert.equal(formatPushErrors([]), '');
});
