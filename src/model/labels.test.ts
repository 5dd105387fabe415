import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsKey, labelsToString, type Labels } from './labels.js';

describe('labelsKey', () => {
  it('is labelsToString, once per label set object', () => {
    const a: Labels = Object.freeze([{ name: 'app', value: 'api' }, { name: 'msg', value: 'say "hi"\n' }]);
    const b: Labels = Object.freeze([{ name: 'app', value: 'web' }]);
    assert.equal(labelsKey(a), labelsToString(a));
    assert.equal(labelsKey(a), '{app="api", msg="say \\"hi\\"\\n"}');
    assert.equal(labelsKey(b), '{app="web"}');
    assert.equal(labelsKey(a), labelsKey(a));
    assert.equal(labelsKey(Object.freeze([])), '{}');
  });
});
