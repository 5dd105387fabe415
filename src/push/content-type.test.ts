import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMediaType } from './content-type.js';

test('media types are parsed like Go mime.ParseMediaType', () => {
  assert.equal(parseMediaType('application/json'), 'application/json');
  assert.equal(parseMediaType('Application/JSON; charset=utf-8'), 'application/json');
  assert.equal(parseMediaType('application/json;charset="utf-8";'), 'application/json');
  assert.equal(parseMediaType('application/x-protobuf'), 'application/x-protobuf');
  assert.equal(parseMediaType(undefined), '');
  assert.equal(parseMediaType(''), '');
  assert.equal(parseMediaType('text'), 'text');
});

test('malformed media types are 400s with Go\'s text', () => {
  const err = (v: string): string => {
    try {
      parseMediaType(v);
    } catch (e) {
      assert.equal((e as { status: number }).status, 400);
      return (e as Error).message;
    }
    return 'no error';
  };
  assert.equal(err('application/json; charset'), 'mime: invalid media parameter');
  assert.equal(err('application/json; a=1; a=2'), 'mime: duplicate parameter name');
  assert.equal(err('/json'), 'mime: no media type');
  assert.equal(err('application/'), 'mime: expected token after slash');
  assert.equal(err('application json'), 'mime: expected slash after first token');
  assert.equal(err('application/json/x'), 'mime: unexpected content after media subtype');
});
