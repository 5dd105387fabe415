import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabelMatcher } from '../../model/matcher.js';
import type { Expr, LogSelector } from './ast.js';
import { ONE_TO_ONE } from './ast.js';
import { ParseError } from './errors.js';
import { parseExpr, parseQuery } from './parse.js';
import { exprToString } from './printer.js';

const m = (name: string, type: '=' | '!=' | '=~' | '!~', value: string) => new LabelMatcher(name, type, value);

function err(q: string, parse: (s: string) => Expr = parseExpr): string {
  try {
    parse(q);
  } catch (e) {
    assert.ok(e instanceof ParseError, `${q}: ${String(e)}`);
    assert.equal(e.status, 400);
    return e.message;
  }
  return assert.fail(`accepted: ${q}`);
}

test('log selector with a pipeline: the normalized tree', () => {
  const e = parseExpr('{app="api", env=~"prod|dev"} |= "err" or "warn" != "a" or "b" | json | level="error" | line_format "{{.msg}}"');
  const expected: LogSelector = {
    kind: 'LogSelector',
    matchers: [m('app', '=', 'api'), m('env', '=~', 'prod|dev')],
    pipeline: [
      { kind: 'LineFilter', op: '|=', value: 'err', ip: false, or: [{ value: 'warn', ip: false }] },
      { kind: 'LineFilter', op: '!=', value: 'a', ip: false, or: [] },
      { kind: 'LineFilter', op: '!=', value: 'b', ip: false, or: [] },
      { kind: 'JsonParser', params: [] },
      { kind: 'LabelFilter', filter: { kind: 'StringFilter', matcher: m('level', '=', 'error') } },
      { kind: 'LineFormat', template: '{{.msg}}' },
    ],
  };
  assert.deepStrictEqual(e, expected);
});

test('metric query: range, offset, unwrap, grouping, binary operator', () => {
  const e = parseExpr('sum by (a) (quantile_over_time(0.99, {x="y"} | logfmt | unwrap duration(d) | __error__="" [5m] offset 1h) by (b)) > bool 2');
  assert.deepStrictEqual(e, {
    kind: 'BinaryOp', op: '>', returnBool: true, matching: ONE_TO_ONE,
    right: { kind: 'Literal', value: 2 },
    left: {
      kind: 'VectorAggregation', op: 'sum', param: undefined, grouping: { without: false, labels: ['a'] },
      expr: {
        kind: 'RangeAggregation', op: 'quantile_over_time', param: 0.99, grouping: { without: false, labels: ['b'] },
        range: {
          selector: { kind: 'LogSelector', matchers: [m('x', '=', 'y')], pipeline: [{ kind: 'LogfmtParser', strict: false, keepEmpty: false, params: [] }] },
          rangeNs: 300_000_000_000n, offsetNs: 3_600_000_000_000n,
          unwrap: { label: 'd', conversion: 'duration', postFilters: [{ kind: 'StringFilter', matcher: m('__error__', '=', '') }] },
        },
      },
    },
  });
});

test('label filter precedence: and over or; comma and juxtaposition take the rest', () => {
  const f = (q: string) => exprToString(parseExpr(`{a="b"} | ${q}`)).slice('{a="b"} | '.length);
  assert.equal(f('x="1" or y="2" and z="3"'), '( x="1" or ( y="2" , z="3" ) )');
  assert.equal(f('x="1" and y="2" or z="3"'), '( ( x="1" , y="2" ) or z="3" )');
  assert.equal(f('x="1" and (y="2" or z="3"), w="4"'), '( x="1" , ( ( y="2" or z="3" ) , w="4" ) )');
  assert.equal(f('x="1" y="2" or z="3"'), '( x="1" , ( y="2" or z="3" ) )');
  assert.equal(f('x > 5 and y <= 1.5KB , z != 250ms'), '( x>5 , ( y<=1.5kB , z!=250ms ) )');
  assert.equal(f('ip = ip("10.0.0.0/8")'), 'ip=ip("10.0.0.0/8")');
});

test('range placements Loki accepts', () => {
  const s = (q: string) => exprToString(parseExpr(q));
  assert.equal(s('count_over_time({a="b"}[5m] |= "x")'), 'count_over_time({a="b"} |= "x"[5m])');
  assert.equal(s('count_over_time({a="b"}[5m] offset 1m |= "x")'), 'count_over_time({a="b"} |= "x"[5m] offset 1m0s)');
  assert.equal(s('count_over_time(({a="b"} |= "x")[5m])'), 'count_over_time({a="b"} |= "x"[5m])');
  assert.equal(s('sum_over_time(({a="b"})[5m] | unwrap x)'), 'sum_over_time({a="b"} | unwrap x[5m])');
  assert.equal(s('sum_over_time({a="b"}[5m] | json | unwrap x)'), 'sum_over_time({a="b"} | json | unwrap x[5m])');
  assert.equal(s('rate((({a="b"}[1m])))'), 'rate({a="b"}[1m])');
  assert.equal(s('count_over_time({a="b"}[5m] offset -5m)'), 'count_over_time({a="b"}[5m] offset -5m0s)');
});

test('binary operators: precedence, right-associative ^, literal folding', () => {
  const s = (q: string) => exprToString(parseExpr(q));
  assert.equal(s('2 ^ 3 ^ 2'), '512');
  assert.equal(s('1 + 2 * 3 - 4 / 2'), '5');
  assert.equal(s('1 / 0'), 'NaN');
  assert.equal(s('5 % 0'), 'NaN');
  assert.equal(s('2 > 1'), '1');
  assert.equal(s('- 1 + + 2'), '1');
  assert.equal(s('vector(1) + 2 * vector(3)'), '(vector(1.000000) + (2 * vector(3.000000)))');
  assert.equal(s('vector(1) or vector(2) and vector(3)'), '(vector(1.000000) or (vector(2.000000) and vector(3.000000)))');
  assert.equal(s('vector(1) / on (a) group_left (b) vector(2)'), '(vector(1.000000) / on (a) group_left (b) vector(2.000000))');
  assert.equal(s('vector(1) - ignoring (a) group_right vector(2)'), '(vector(1.000000) - ignoring (a) group_right vector(2.000000))');
});

test('vector aggregations: grouping before or after, k, by () is no grouping', () => {
  const s = (q: string) => exprToString(parseExpr(q));
  assert.equal(s('sum(rate({a="b"}[1m])) by (x, y)'), 'sum by (x,y)(rate({a="b"}[1m]))');
  assert.equal(s('sum by () (rate({a="b"}[1m]))'), 'sum(rate({a="b"}[1m]))');
  assert.equal(s('topk by (x) (3, rate({a="b"}[1m]))'), 'topk by (x)(3,rate({a="b"}[1m]))');
  assert.equal(s('sort_desc(rate({a="b"}[1m]))'), 'sort_desc(rate({a="b"}[1m]))');
  assert.equal(s('label_replace(rate({a="b"}[1m]), "d", "$1", "s", "(.*)")'), 'label_replace(rate({a="b"}[1m]),"d","$1","s","(.*)")');
});

test('syntax errors: position and expected tokens like Loki', () => {
  assert.equal(err('{app="api"'), 'parse error at line 1, col 11: syntax error: unexpected $end, expecting } or ,');
  assert.equal(err('{app'), 'parse error at line 1, col 5: syntax error: unexpected $end, expecting = or =~ or !~ or !=');
  assert.equal(err('{'), 'parse error at line 1, col 2: syntax error: unexpected $end, expecting IDENTIFIER or }');
  assert.equal(err(''), 'parse error : syntax error: unexpected $end');
  assert.equal(err('1 +'), 'parse error at line 1, col 4: syntax error: unexpected $end');
  assert.equal(err('{app="api"} offset 5m'), 'parse error at line 1, col 13: syntax error: unexpected offset');
  assert.equal(err('count_over_time({app="api"})'), 'parse error at line 1, col 28: syntax error: unexpected )');
  assert.equal(err('topk(-1, rate({a="b"}[1m]))'), 'parse error at line 1, col 8: syntax error: unexpected ,');
  assert.equal(err('sum(rate({a="b"}[1m])) by ('), 'parse error at line 1, col 28: syntax error: unexpected $end, expecting IDENTIFIER or )');
  assert.equal(err('{a="b"} | logfmt --bogus'), 'parse error at line 1, col 20: syntax error: unexpected IDENTIFIER, expecting NUMBER');
  assert.equal(err('{a="b"} | label_format x=1'), 'parse error at line 1, col 26: syntax error: unexpected NUMBER, expecting IDENTIFIER or STRING');
  assert.equal(err('{a="b"} | label_format x'), 'parse error at line 1, col 25: syntax error: unexpected $end, expecting =');
  assert.equal(err('max_over_time(rate({a="b"}[1m])[30m:5m])'), 'parse error at line 1, col 15: syntax error: unexpected RATE, expecting NUMBER or { or (');
  assert.equal(err('quantile_over_time(0.5, rate({a="b"}[1m]))'), 'parse error at line 1, col 25: syntax error: unexpected RATE, expecting { or (');
  assert.equal(err('{a="b"} |= "x" or vector(1)'), 'parse error at line 1, col 19: syntax error: unexpected VECTOR, expecting STRING or ip');
  assert.equal(err('sum_over_time({a="b"} | unwrap x | json [1m])'), 'parse error at line 1, col 36: syntax error: unexpected json, expecting IDENTIFIER or (');
  assert.equal(err('sum_over_time({a="b"} | unwrap x |= "y" [1m])'), 'parse error at line 0, col 34: syntax error: unexpected |=, expecting RANGE or |');
  assert.equal(err('{a="b"}\n| json |'), 'parse error at line 2, col 9: syntax error: unexpected $end');
});

test('validation errors Loki reports without position', () => {
  const empty = 'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';
  assert.equal(err('{}'), empty);
  assert.equal(err('{app=~".*", b!="x"}'), empty);
  assert.equal(err('sum(count_over_time({app=""}[5m]))'), empty);
  assert.equal(err('sum_over_time({a="b"}[5m])'), 'parse error : invalid aggregation sum_over_time without unwrap');
  assert.equal(err('count_over_time({a="b"} | unwrap x [5m])'), 'parse error : invalid aggregation count_over_time with unwrap');
  assert.equal(err('rate({a="b"}[5m]) by (x)'), 'parse error : grouping not allowed for rate aggregation');
  assert.equal(err('rate(5, {a="b"}[5m])'), 'parse error : parameter 5 not supported for operation rate');
  assert.equal(err('quantile_over_time({a="b"} | unwrap x [5m])'), 'parse error : parameter required for operation quantile_over_time');
  assert.equal(err('topk(rate({a="b"}[5m]))'), 'parse error : parameter required for operation topk');
  assert.equal(err('topk(0, rate({a="b"}[5m]))'), 'parse error : invalid parameter (must be greater than 0) topk(0');
  assert.equal(err('topk(1.5, rate({a="b"}[5m]))'), 'parse error : invalid parameter topk(1.5,');
  assert.equal(err('sum(2, rate({a="b"}[5m]))'), 'parse error : unsupported parameter for operation sum(2,');
  assert.equal(err('approx_topk by (a) (2, rate({a="b"}[5m]))'), 'parse error : grouping not allowed for approx_topk aggregation');
  assert.equal(err('sort by (a) (rate({a="b"}[5m]))'), "parse error : sort and sort_desc doesn't allow grouping by ");
  assert.equal(err('vector(1) and 1'), 'parse error : unexpected literal for right leg of logical/set binary operation (and): 1.000000');
  assert.equal(err('{a="b"} + 1'), 'parse error : unexpected type for left leg of binary operation (+): *syntax.MatchersExpr');
  assert.equal(err('1 + {a="b"} |= "x"'), 'parse error : unexpected type for right leg of binary operation (+): *syntax.PipelineExpr');
  assert.equal(err('1e999'), 'parse error : unable to parse literal as a float: strconv.ParseFloat: parsing "1e999": value out of range');
  assert.equal(err('label_replace(vector(1), "a", "b", "c", "(")'), 'parse error : invalid regex in label_replace: error parsing regexp: missing closing ): `^(?:()$`');
  assert.equal(err('{a=~"("}'), 'parse error : error parsing regexp: missing closing ): `(`');
  assert.equal(err('{a="b"} | regexp "(.*)"'), 'parse error : invalid regexp parser: at least one named capture must be supplied');
  assert.equal(err('{a="b"} | regexp "(?P<x>a)(?P<x>b)"'), "parse error : invalid regexp parser: duplicate extracted label name 'x'");
  assert.equal(err('{a="b"} | pattern "<a><b>"'), "parse error : invalid pattern parser: found consecutive capture '<a><b>': invalid expression");
  assert.equal(err('x'.repeat(131072)), 'parse error : input size too long (131072 > 131072)');
  // Loki checks the tree from the top: the outer error wins over the inner one.
  assert.equal(err('topk(0, sum_over_time({a="b"}[5m]))'), 'parse error : invalid parameter (must be greater than 0) topk(0');
  // A syntax error after a validation error is reported first.
  assert.equal(err('topk(0, rate({a="b"}[5m])) +'), 'parse error at line 1, col 29: syntax error: unexpected $end');
});

test('parseExpr accepts what only fails at query time; parseQuery rejects it', () => {
  const cases: [string, string][] = [
    ['{a="b"} |~ "(unclosed"', 'parse error : stage \'|~ "(unclosed"\' : error parsing regexp: missing closing ): `(unclosed`'],
    ['{a="b"} | logfmt | label_format a=level, a=msg', "parse error : stage '| label_format a=level,a=msg' : multiple label name 'a' not allowed in a single format operation"],
    ['{a="b"} | line_format "{{ .level"', 'parse error : stage \'| line_format "{{ .level"\' : invalid line template: template: line:1: unclosed action'],
    ['{a="b"} | x = ip("nope")', 'parse error : stage \'| x=ip("nope")\' : ip: invalid pattern: "nope"'],
  ];
  for (const [q, msg] of cases) {
    assert.doesNotThrow(() => parseExpr(q));
    assert.equal(err(q, parseQuery), msg);
  }
});

test('deep nesting is refused cleanly instead of overflowing the stack', () => {
  assert.equal(err('('.repeat(5000) + '1' + ')'.repeat(5000)), 'parse error : syntax error: expression nests too deeply');
  assert.equal(err('vector(1)' + ' + vector(1)'.repeat(600)), 'parse error : syntax error: expression nests too deeply');
  assert.doesNotThrow(() => parseExpr('vector(1)' + ' + vector(1)'.repeat(100)));
});
