import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelReplace } from '../syntax/ast.js';
import { expandTemplate, labelReplace } from './label-replace.js';
import { query, samplesOf, stepVectors } from './test-util.js';

const m = { groups: ['whole', 'one', undefined, 'three'], named: { name: 'N', 'ü': 'U' } };

describe('expandTemplate (Go Regexp.Expand)', () => {
  it('numbered, braced and named references', () => {
    assert.equal(expandTemplate('$1-${3}-$name', m), 'one-three-N');
    assert.equal(expandTemplate('${1}x', m), 'onex');
    assert.equal(expandTemplate('$ü', m), 'U');
  });

  it('$1x is the group named "1x", unknown and unmatched groups are empty', () => {
    assert.equal(expandTemplate('$1x', m), '');
    assert.equal(expandTemplate('[$2][$9][$nope]', m), '[][][]');
    assert.equal(expandTemplate('$01', m), '');
  });

  it('$$ is a dollar, a malformed reference keeps its $', () => {
    assert.equal(expandTemplate('$$1', m), '$1');
    assert.equal(expandTemplate('a$', m), 'a$');
    assert.equal(expandTemplate('${1', m), '${1');
    assert.equal(expandTemplate('$-', m), '$-');
  });
});

describe('label_replace', () => {
  const input = stepVectors([[[{ pod: 'api-abc-1', app: 'api' }, 1], [{ pod: 'web-1', app: 'web' }, 2]]]);
  const run = (q: string) => samplesOf(labelReplace(query(q) as LabelReplace, input))[0];
  const X = 'count_over_time({x="y"}[1m])';

  it('sets dst from the anchored regex over src', () => {
    assert.deepEqual(run(`label_replace(${X}, "short", "$1", "pod", "api-(\\\\w+)-.*")`), [['{app="api", pod="api-abc-1", short="abc"}', 1], ['{app="web", pod="web-1"}', 2]]);
  });

  it('the regex must match the whole value', () => {
    assert.deepEqual(run(`label_replace(${X}, "short", "$1", "pod", "abc")`)[0][0], '{app="api", pod="api-abc-1"}');
  });

  it('an empty result deletes dst', () => {
    assert.deepEqual(run(`label_replace(${X}, "app", "", "app", ".*")`), [['{pod="api-abc-1"}', 1], ['{pod="web-1"}', 2]]);
  });

  it('a missing src label is the empty string', () => {
    assert.deepEqual(run(`label_replace(${X}, "foo", "bar", "", "")`)[0][0], '{app="api", foo="bar", pod="api-abc-1"}');
  });

  it('results with equal labels share one series', () => {
    const out = labelReplace(query(`label_replace(${X}, "pod", "", "pod", ".*")`) as LabelReplace, stepVectors([[[{ pod: 'a' }, 1], [{ pod: 'b' }, 2]]]));
    assert.equal(out.table.rows.length, 1);
    assert.deepEqual(samplesOf(out)[0], [['{}', 1], ['{}', 2]]);
  });
});
