import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { added, runLine } from './test-helpers.js';

describe('| json', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['flattens objects with _', '{"a":{"b":{"c":1}},"d":"x"}', { a_b_c: '1', d: 'x' }],
    ['skips arrays, null and empty objects', '{"a":[1,2],"b":null,"c":{},"d":true,"e":false}', { d: 'true', e: 'false' }],
    ['keeps number text', '{"n":12345678901234567890,"f":1.50,"e":-2e10}', { n: '12345678901234567890', f: '1.50', e: '-2e10' }],
    ['sanitizes keys', '{"dotted.key":"v","dash-key":"w","1st":"x"," sp ":"y","ünï":"z"}', { dotted_key: 'v', dash_key: 'w', _1st: 'x', sp: 'y', _n_: 'z' }],
    ['sanitizes nested keys without a leading _', '{"a":{"1b":2,"c.d":3}}', { a_1b: '2', a_c_d: '3' }],
    ['unescapes strings', '{"s":"line1\\nline2\\t\\"q\\" \\\\ \\u00e9 \\ud83d\\ude00"}', { s: 'line1\nline2\t"q" \\ é 😀' }],
    ['bad escapes give an empty value', '{"s":"a\\x"}', { s: '' }],
    ['renames clashes with stream labels', '{"app":"x","job":{"name":"y"}}', { app_extracted: 'x', job_name: 'y' }],
    ['the last duplicate wins', '{"a":"1","a":"2"}', { a: '2' }],
    ['ignores what follows the object', '{"a":"1"} trailing', { a: '1' }],
  ];
  for (const [name, line, want] of cases) {
    it(name, () => assert.deepEqual(added(runLine('| json', line)), want));
  }

  const errors: [string, string, Record<string, string>][] = [
    ['truncated string keeps earlier labels', '{"level":"error","msg":"truncated json',
      { level: 'error', __error__: 'JSONParserErr', __error_details__: 'Value is string, but can\'t find closing \'"\' symbol' }],
    ['not an object', 'WARN: plain text', { __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol' }],
    ['array', '[1, 2, 3]', { __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol' }],
    ['empty line', '', { __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol' }],
    ['bad literal', '{"a":tru}', { __error__: 'JSONParserErr', __error_details__: 'Unknown value type' }],
    ['trailing comma', '{"a":1,}', { a: '1', __error__: 'JSONParserErr', __error_details__: 'Value looks like object, but can\'t find closing \'}\' symbol' }],
    ['missing colon', '{"a" 1}', { __error__: 'JSONParserErr', __error_details__: 'Malformed JSON error' }],
  ];
  for (const [name, line, want] of errors) {
    it(name, () => assert.deepEqual(added(runLine('| json', line)), want));
  }

  it('puts parsed labels before structured metadata of the same name', () => {
    const r = runLine('| json', '{"trace_id":"x"}', undefined, { span: 's' });
    assert.deepEqual(added(r), { trace_id: 'x', span: 's' });
    assert.deepEqual(r.result?.parsed.map((l) => l.name), ['trace_id']);
    assert.deepEqual(r.result?.structuredMetadata.map((l) => l.name), ['span']);
  });

  it('does not override labels structured metadata already set', () => {
    const r = runLine('| json', '{"trace_id":"from-line","a":"1"}', undefined, { trace_id: 'from-md' });
    assert.deepEqual(added(r), { trace_id: 'from-md', a: '1' });
  });
});

describe('| json with parameters', () => {
  const line = '{"http":{"status":200,"headers":{"user-agent":"curl"}},"tags":["a","b"],"cart":{"items":[{"sku":"X","qty":2}]},"n":null,"app":"shop","s":"q\\"x"}';
  const cases: [string, Record<string, string>][] = [
    ['| json status="http.status", ua=`http.headers["user-agent"]`', { status: '200', ua: 'curl' }],
    ['| json first="cart.items[0].sku", qty="cart.items[0].qty"', { first: 'X', qty: '2' }],
    ['| json tag="tags[1]", missing="tags[5]"', { tag: 'b', missing: '' }],
    ['| json item=`cart.items[0]`, tags="tags"', { item: '{"sku":"X","qty":2}', tags: '["a","b"]' }],
    ['| json n="n", nope="nope"', { n: '', nope: '' }],
    ['| json app', { app_extracted: 'shop' }],
    ['| json s', { s: 'q"x' }],
  ];
  for (const [p, want] of cases) {
    it(p, () => assert.deepEqual(added(runLine(p, line)), want));
  }

  it('reports lines that do not start like JSON, without details', () => {
    assert.deepEqual(added(runLine('| json a="a"', 'WARN x')), { __error__: 'JSONParserErr' });
  });

  it('sets nothing for an empty line', () => {
    assert.deepEqual(added(runLine('| json a="a"', '')), {});
  });

  it('sets missing paths to "" on truncated lines without an error', () => {
    assert.deepEqual(added(runLine('| json amount', '{"level":"error","msg":"truncated')), { amount: '' });
  });
});
