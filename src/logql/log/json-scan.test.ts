import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashBytes } from './key-table.js';
import { JT, getValue, jsonString, objectEach, objectEachVisit, unescape, type Value } from './json-scan.js';

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

  it('objectEachVisit walks and fails exactly like objectEach', () => {
    const inputs = [
      ...errors.map((e) => e[0]),
      ' { "s" : "x" , "n":-1.5e3,"t":true,"z":null,"o":{"a":[1,"]"]},"a":[{}]} ',
      '{"a":1,}', '{"a":1, }', '{"a":1 ,"b":2}', '{"a":1,\n"b":"c\\"d"}', '{"k\\"q":"v\\\\"}', '{"a":"x\\"}',
      '{"a":truex}', '{"a":-}', '{"a":1}x', '{}', '{ }', '[1]', '{"a":{"b":', '{"a":[1,2}', '{"é":"ü"}',
      '{"a":"\\u00e9","b":tru}', '{"a":1e5,"b":"\\q"}', '{"a"  :  "b"  }', '{"a":1', '{"a":1,',
    ];
    for (const input of inputs) {
      const line = b(input);
      const seen = (fn: (push: (x: unknown[]) => void) => string | undefined): unknown[] => {
        const out: unknown[] = [];
        const err = fn((x) => out.push(x));
        return [err, out];
      };
      const want = seen((push) => objectEach(line, 0, line.length, (ks, ke, e, v) => {
        push([ks, ke, e, v.type, v.start, v.end, v.next, v.escaped, e ? null : true]);
        return undefined;
      }));
      const got = seen((push) => objectEachVisit(line, 0, line.length, {
        member: (ks, ke, e, v, kh) => {
          push([ks, ke, e, v.type, v.start, v.end, v.next, v.escaped, e ? null : kh === hashBytes(line, ks, ke)]);
          return undefined;
        },
      }, { type: 0, start: 0, end: 0, next: 0, escaped: false }));
      assert.deepEqual(got, want, input);
    }
  });
});
