import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Stage } from './ast.js';
import { ParseError } from './errors.js';
import { parseExpr, parseQuery } from './parse.js';
import { reorderStages, withoutUselessLineFormat } from './validate.js';

function queryError(q: string): string | undefined {
  parseExpr(q);
  try {
    parseQuery(q);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ParseError);
    return err.message;
  }
}

test('stage errors use Loki\'s texts', () => {
  const cases: [string, string][] = [
    ['{a="b"} | label_format x="{{ .pod"', `parse error : stage '| label_format x="{{ .pod"' : invalid template for label 'x': template: label:1: unclosed action`],
    ['{a="b"} | label_format x="{{ nofunc .pod }}"', `parse error : stage '| label_format x="{{ nofunc .pod }}"' : invalid template for label 'x': template: label:1: function "nofunc" not defined`],
    ['{a="b"} | label_format x="a", x="b"', `parse error : stage '| label_format x="a",x="b"' : multiple label name 'x' not allowed in a single format operation`],
    ['{a="b"} | label_format __error__="a"', `parse error : stage '| label_format __error__="a"' : __error__ cannot be formatted`],
    ['{a="b"} | label_format x="{{ end }}"', `parse error : stage '| label_format x="{{ end }}"' : invalid template for label 'x': template: label:1: unexpected {{end}}`],
    ['{a="b"} | label_format x="{{ .pod }"', `parse error : stage '| label_format x="{{ .pod }"' : invalid template for label 'x': template: label:1: unexpected "}" in operand`],
    ['{a="b"} | line_format "{{ nofunc .pod }}"', `parse error : stage '| line_format "{{ nofunc .pod }}"' : invalid line template: template: line:1: function "nofunc" not defined`],
    ['{a="b"} | json foo="bar["', `parse error : stage '| json foo="bar["' : cannot parse expression [bar[]: syntax error: unexpected $end, expecting STRING or INDEX`],
    ['{a="b"} | json foo="a..b"', `parse error : stage '| json foo="a..b"' : cannot parse expression [a..b]: syntax error: unexpected DOT, expecting FIELD`],
    ['{a="b"} | json foo=""', `parse error : stage '| json foo=""' : cannot parse expression []: syntax error: unexpected $end, expecting LSB or FIELD`],
    ['{a="b"} | json foo="a.b-c"', `parse error : stage '| json foo="a.b-c"' : cannot parse expression [a.b-c]: unexpected char -`],
    ['{a="b"} | json foo="a b"', `parse error : stage '| json foo="a b"' : cannot parse expression [a b]: syntax error: unexpected FIELD`],
    ['{a="b"} | json foo="a]"', `parse error : stage '| json foo="a]"' : cannot parse expression [a]]: syntax error: unexpected RSB`],
    ['{a="b"} | logfmt foo="a.b"', `parse error : stage '| logfmt foo="a.b"' : cannot parse expression [a.b]: unexpected char .`],
    ['{a="b"} | logfmt foo=""', `parse error : stage '| logfmt foo=""' : cannot parse expression []: syntax error: unexpected $end, expecting STRING or KEY`],
    ['{a="b"} | logfmt foo="a b"', `parse error : stage '| logfmt foo="a b"' : cannot parse expression [a b]: syntax error: unexpected KEY`],
    ['{a="b"} |= ip("x")', `parse error : stage '|= ip("x")' : ip: invalid pattern: "x"`],
    ['{a="b"} |~ ip("10.0.0.1")', `parse error : stage '|~ ip("10.0.0.1")' : ip: invalid operation`],
    ['{a="b"} |> "<a><b>"', `parse error : stage '|> "<a><b>"' : found consecutive capture '<a><b>': invalid expression`],
    ['{a="b"} !> "<_> x <name>"', `parse error : stage '!> "<_> x <name>"' : named captures are not allowed: found '<name>'`],
    // Filters are combined across parsers and checked from the last one back.
    ['{a="b"} |~ "(" | json |~ ")"', `parse error : stage '|~ "(" |~ ")"' : error parsing regexp: unexpected ): \`)\``],
    ['{a="b"} |~ "x" or "("', `parse error : stage '|~ "x" or "("' : error parsing regexp: missing closing ): \`(\``],
  ];
  for (const [q, msg] of cases) assert.equal(queryError(q), msg, q);
});

test('accepted by both: valid stages, ip() in an or-chain, ip label filters inside and/or', () => {
  for (const q of ['{a="b"} | json foo="a.b[0]", bar="[\\"x\\"]"', '{a="b"} | logfmt foo, bar="baz"', '{a="b"} |= "x" or ip("bad")',
    '{a="b"} | x=ip("bad") or y="1"', '{a="b"} | label_format x="{{ __line__ | trunc 3 }}"', '{a="b"} | line_format "{{ .a | printf \\"%s\\" }}"',
    '{a="b"} |> "<_> foo <_>" !> ""', '{a="b"} | pattern "<ip> - <_> <path>"']) {
    assert.equal(queryError(q), undefined, q);
  }
});

test('metric queries ignore a line_format nothing reads (Loki\'s removeLineformat)', () => {
  const bad = `parse error : stage '| line_format "{{bad"' : invalid line template: template: line:1: function "bad" not defined`;
  assert.equal(queryError('count_over_time({a="b"} | line_format "{{bad" | json [5m])'), bad);
  assert.equal(queryError('count_over_time({a="b"} | line_format "{{bad" |= "x" [5m])'), bad);
  assert.equal(queryError('bytes_over_time({a="b"} | line_format "{{bad" [5m])'), bad);
  assert.equal(queryError('count_over_time({a="b"} | line_format "{{bad" | label_format a=b [5m])'), undefined);
  assert.equal(queryError('count_over_time({a="b"} | json | line_format "{{bad" [5m])'), undefined);
  assert.equal(queryError('{a="b"} | json | line_format "{{bad"'), bad);
  const stages: Stage[] = [{ kind: 'LineFormat', template: 'x' }, { kind: 'Decolorize' }];
  assert.deepEqual(withoutUselessLineFormat(stages), [{ kind: 'Decolorize' }]);
});

test('reorderStages moves line filters before parsers, not past line_format or label filters', () => {
  const e = parseExpr('{a="b"} | json |= "x" | line_format "y" |= "z" | level="e" |= "w"');
  assert.ok(e.kind === 'LogSelector');
  const kinds = reorderStages(e.pipeline).map((s) => (s.kind === 'Chain' ? `chain:${s.filters.map((f) => f.value).join(',')}` : s.kind));
  assert.deepEqual(kinds, ['chain:x', 'JsonParser', 'LineFormat', 'chain:z', 'LabelFilter', 'chain:w']);
});
