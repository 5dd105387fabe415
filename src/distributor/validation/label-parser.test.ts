import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { labelsToString } from '../../model/labels.js';
import { unquote } from './go-unquote.js';
import { LabelParseError, parseLabels } from './label-parser.js';

function err(input: string): string {
  try {
    parseLabels(input);
  } catch (e) {
    assert.ok(e instanceof LabelParseError);
    return e.message;
  }
  assert.fail(`expected ${input} to fail`);
}

const pairs = (input: string): string[][] => parseLabels(input).map((l) => [l.name, l.value]);

test('parses label sets, sorted by name', () => {
  assert.deepEqual(pairs('{c="d", a="b"}'), [['a', 'b'], ['c', 'd']]);
  assert.deepEqual(pairs('{a="b",}'), [['a', 'b']]);
  assert.deepEqual(pairs(' {\n a = "b" ,\t_x9="y" } '), [['_x9', 'y'], ['a', 'b']]);
  assert.deepEqual(pairs('{}'), []);
  assert.deepEqual(pairs(''), []);
  assert.deepEqual(pairs("{a='single \"q\"', b=`raw \\n`}"), [['a', 'single "q"'], ['b', 'raw \\n']]);
  assert.deepEqual(pairs('{a="b" # comment\n}'), [['a', 'b']]);
});

test('values take Go escapes', () => {
  assert.deepEqual(pairs('{a="\\n\\t\\\\\\"\\x41\\101\\u00e9\\U0001F600"}'), [['a', '\n\t\\"AAé😀']]);
  assert.equal(unquote("'it\\'s'"), "it's");
  assert.equal(unquote('"\\\'"'), undefined);
  assert.equal(unquote('"\\400"'), undefined);
});

test('empty values drop the label; duplicates are kept for validation to report', () => {
  assert.deepEqual(pairs('{a="", b="c"}'), [['b', 'c']]);
  assert.deepEqual(pairs('{a="x", a="", b="c"}'), [['b', 'c']]);
  assert.deepEqual(pairs('{app="api", app="worker"}'), [['app', 'api'], ['app', 'worker']]);
});

test('a metric name before the braces becomes __name__', () => {
  assert.deepEqual(pairs('foo{a="b"}'), [['__name__', 'foo'], ['a', 'b']]);
  assert.deepEqual(pairs('ns:foo'), [['__name__', 'ns:foo']]);
  assert.deepEqual(pairs('sum{a="b"}'), [['__name__', 'sum'], ['a', 'b']]);
});

test('errors have Prometheus\' position and text', () => {
  assert.equal(err('{a.b="c"}'), "1:3: parse error: unexpected character inside braces: '.'");
  assert.equal(err('{bad-label="api"}'), "1:5: parse error: unexpected character inside braces: '-'");
  assert.equal(err('{a=b}'), '1:4: parse error: unexpected identifier "b" in label set, expected string');
  assert.equal(err('{a="b"'), '1:7: parse error: unexpected end of input inside braces');
  assert.equal(err('{a="b" c="d"}'), '1:8: parse error: unexpected identifier "c" in label set, expected "," or "}"');
  assert.equal(err('{a}'), '1:3: parse error: unexpected "}" in label set, expected "="');
  assert.equal(err('{a!="b"}'), '1:3: parse error: unexpected <op:!=> in label set, expected "="');
  assert.equal(err('{a=~"b"}'), '1:3: parse error: unexpected <op:=~> in label set, expected "="');
  assert.equal(err('{,}'), '1:2: parse error: unexpected "," in label set, expected identifier or "}"');
  assert.equal(err('{a="b"}}'), "1:8: parse error: unexpected character: '}'");
  assert.equal(err('a="b"'), '1:2: parse error: unexpected "="');
  assert.equal(err('{a="b"} "x"'), '1:9: parse error: unexpected string "\\"x\\""');
  assert.equal(err('on{a="b"}'), '1:1: parse error: unexpected <on>');
  assert.equal(err('{a={}'), "1:4: parse error: unexpected left brace '{'");
  assert.equal(err('{a="\\q"}'), '1:4: parse error: error unquoting string "\\"\\\\q\\"": invalid syntax');
  assert.equal(err('{a="\\q", b="\\z"}'), '1:4: parse error: error unquoting string "\\"\\\\q\\"": invalid syntax\n1:12: parse error: error unquoting string "\\"\\\\z\\"": invalid syntax');
  // The lexer's \x reads the closing quote as a digit, so the string never ends.
  assert.equal(err('{a="b\\x"}'), '1:4: parse error: unterminated quoted string');
  assert.equal(err('{a="b\nc"}'), '1:4: parse error: unterminated quoted string');
  assert.equal(err('{a="\ufffd"}'), '1:4: parse error: invalid UTF-8 rune');
  assert.equal(err('{a="b",\n c.d="e"}'), "2:3: parse error: unexpected character inside braces: '.'");
  assert.equal(err('{a="é", b.c="d"}'), "1:11: parse error: unexpected character inside braces: '.'");
  assert.equal(err('{a="this is a long value" b="c"}'), '1:27: parse error: unexpected identifier "b" in label set, expected "," or "}"');
  assert.equal(err('{a=123}'), "1:4: parse error: unexpected character inside braces: '1'");
});

test('random input never throws anything but LabelParseError', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60, unit: fc.constantFrom(...'{}"\'`=!~,.\\ab_1 \n#é'.split('')) }), (s) => {
      try {
        parseLabels(s);
      } catch (e) {
        assert.ok(e instanceof LabelParseError, String(e));
      }
    }),
    { numRuns: 5000 },
  );
});

test('printed label sets parse back to themselves', () => {
  const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
  fc.assert(
    fc.property(fc.uniqueArray(fc.record({ name, value: fc.string({ minLength: 1, maxLength: 20 }) }), { selector: (l) => l.name, maxLength: 6 }), (labels) => {
      const sorted = labels.map((l) => ({ name: l.name, value: l.value })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      assert.deepEqual(parseLabels(labelsToString(sorted)), sorted);
    }),
    { numRuns: 1000 },
  );
});
