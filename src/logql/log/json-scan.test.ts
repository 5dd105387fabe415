import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JT, getValue, jsonString, objectEach, unescape, type Value } from './json-scan.js';

describe('json scanner', () => {
  const b = (s: string) => Buffer.from(s, 'utf8');

  it('walks members and reports value kinds', () => {
    const line = b(' { "s" : "x" , "n":-1.5e3,"t":true,"z":null,"o":{"a":[1,"]"]},"a":[{}]} ');
    const seen: [string, number, string][] = [];
    const err = objectEach(line, 0, line.length, (ks, ke, _e, v) => {
      seen.push([line.toString('utf8', ks, ke), v.type, line.toString('utf8', v.start, v.end)]);
      return undefined;
    });
    assert.equal(err, undefined);
    assert.deepEqual(seen, [
      ['s', JT.String, 'x'], ['n', JT.Number, '-1.5e3'], ['t', JT.Boolean, 'true'], ['z', JT.Null, 'null'],
      ['o', JT.Object, '{"a":[1,"]"]}'], ['a', JT.Array, '[{}]'],
    ]);
  });

  const errors: [string, string][] = [
    ['', 'Value looks like object, but can\'t find closing \'}\' symbol'],
    ['{', 'Malformed JSON error'],
    ['{"a"', 'Malformed JSON error'],
    ['{"a":', 'Malformed JSON error'],
    ['{"a":"x', 'Value is string, but can\'t find closing \'"\' symbol'],
    ['{"a":[1', 'Value is array, but can\'t find closing \']\' symbol'],
    ['{"a":{"b":1}', 'Value is array, but can\'t find closing \']\' symbol'],
    ['{"a":nul}', 'Unknown value type'],
    ['{"a":1 "b":2}', 'Value looks like object, but can\'t find closing \'}\' symbol'],
    ['{"a\\q":1}', 'Encountered an invalid escape sequence in a string'],
  ];
  for (const [line, want] of errors) {
    it(`error for ${JSON.stringify(line)}`, () => assert.equal(objectEach(b(line), 0, Buffer.byteLength(line), () => undefined), want));
  }

  it('finds string ends after escaped quotes', () => {
    const v: Value = { type: JT.NotExist, start: 0, end: 0, next: 0, escaped: false };
    const line = b('"a\\"b\\\\" x');
    assert.equal(getValue(line, 0, line.length, v), undefined);
    assert.equal(line.toString('utf8', v.start, v.end), 'a\\"b\\\\');
    assert.equal(v.escaped, true);
  });

  it('unescapes like jsonparser', () => {
    const u = (s: string) => unescape(b(s), 0, Buffer.byteLength(s))?.toString('utf8');
    assert.equal(u('a\\n\\t\\/\\u00e9\\ud83d\\ude00'), 'a\n\t/é😀');
    assert.equal(u('bad\\x'), undefined);
    assert.equal(u('\\ud800'), undefined);
    assert.equal(jsonString(b('a\\u0041\ufffd'), 0, Buffer.byteLength('a\\u0041\ufffd'), true), 'aA ');
  });
});
