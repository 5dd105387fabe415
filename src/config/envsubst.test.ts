import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expand } from './envsubst.js';
import { ConfigError } from './errors.js';

describe('expand', () => {
  const env = { HOST: 'example', EMPTY: '', PORT: '3100' };

  it('substitutes ${VAR} and $VAR', () => {
    assert.equal(expand('a: ${HOST}:$PORT', env), 'a: example:3100');
  });

  it('replaces unset variables with an empty string', () => {
    assert.equal(expand('x: "${NOPE}"', env), 'x: ""');
  });

  it('applies defaults', () => {
    assert.equal(expand('${NOPE:-/tmp/loki}', env), '/tmp/loki');
    assert.equal(expand('${EMPTY:-d}', env), 'd');
    assert.equal(expand('${EMPTY-d}', env), '');
    assert.equal(expand('${NOPE-d}', env), 'd');
    assert.equal(expand('${HOST:-d}', env), 'example');
    assert.equal(expand('${NOPE:-${HOST}-x}', env), 'example-x');
  });

  it('supports alternatives and := defaults', () => {
    assert.equal(expand('${HOST:+set}|${NOPE:+set}', env), 'set|');
    assert.equal(expand('${NOPE:=v}', env), 'v');
  });

  it('fails on ${VAR:?message} with the line number', () => {
    assert.throws(() => expand('a: 1\nb: ${NOPE:?must be set}', env), (e: unknown) =>
      e instanceof ConfigError && e.message === 'NOPE: must be set (line 2)' && e.line === 2);
  });

  it('leaves lone dollars and regex anchors alone, and $$ escapes', () => {
    assert.equal(expand("re: '^a.*$'  cost: $5  esc: $$HOST", env), "re: '^a.*$'  cost: $5  esc: $HOST");
  });

  it('rejects malformed references', () => {
    assert.throws(() => expand('${HOST', env), ConfigError);
    assert.throws(() => expand('${1abc}', env), ConfigError);
    assert.throws(() => expand('${HOST/a/b}', env), ConfigError);
  });
});
