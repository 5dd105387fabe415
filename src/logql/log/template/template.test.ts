import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecError, Template, type StringMap } from './index.js';

function data(rec: Record<string, string>): StringMap {
  return { kind: 'smap', get: (k) => rec[k], keys: () => Object.keys(rec) };
}

const DATA = data({ a: 'x', n: '42', f: '2.5', empty: '', s: 'Hello World', pct: '50%', b64: 'aGk=' });
const CTX = { line: () => 'the line', ts: 1767225600123456789n };

function run(text: string): string {
  return new Template('line', text).execute(DATA, CTX);
}

function fails(text: string): string {
  try {
    const out = run(text);
    return 'no error: ' + out;
  } catch (e) {
    if (e instanceof ExecError) return e.message;
    throw e;
  }
}

describe('Go text/template execution', () => {
  const cases: [string, string][] = [
    ['plain', 'plain'],
    ['{{.a}}{{.missing}}', 'x'],
    ['{{ "q" }} {{ `raw` }} {{ 1 }} {{ 1.5 }} {{ true }} {{ 0x10 }} {{ \'a\' }} {{ 1e3 }}', 'q raw 1 1.5 true 16 97 1000'],
    ['{{- " trim " -}} x', ' trim x'],
    ['a {{- /* comment */ -}} b', 'ab'],
    ['{{ if .empty }}yes{{ else }}no{{ end }}', 'no'],
    ['{{ if and .a .n }}both{{ end }}', 'both'],
    ['{{ or .empty .missing "fallback" }}', 'fallback'],
    ['{{ and .a .empty "never" }}', ''],
    ['{{ not .empty }} {{ not 0 }} {{ not 1 }}', 'true true false'],
    ['{{ with .a }}[{{ . }}]{{ end }}', '[x]'],
    ['{{ with .empty }}a{{ else with .a }}b{{ . }}{{ end }}', 'bx'],
    ['{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '2'],
    ['{{ range $i, $c := fromJson "[\\"a\\",\\"b\\"]" }}{{ $i }}{{ $c }};{{ end }}', '0a;1b;'],
    ['{{ range $k, $v := fromJson "{\\"b\\":1,\\"a\\":2}" }}{{ $k }}={{ $v }} {{ end }}', 'a=2 b=1 '],
    ['{{ range fromJson "[]" }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ range $i := 5 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $i }}{{ end }}', '02'],
    ['{{ len .s }} {{ len "é" }} {{ index .s 0 }} {{ slice .s 0 5 }}', '11 2 72 Hello'],
    ['{{ eq .n "42" }} {{ eq 1 1 }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt 1.5 1.0 }} {{ ge "b" "a" }}', 'true true true true true true true'],
    ['{{ eq .a "y" "x" }}', 'true'],
    ['{{ print 1 2 "a" 3 }} {{ print "a" "b" }}', '1 2a3 ab'],
    ['{{ println "a" 1 }}', 'a 1\n'],
    ['{{ printf "%d|%5.2f|%-4s|%x|%X|%o|%b|%c|%q|%v|%t|%e|%g|%%" 42 3.14159 "ab" 255 255 8 5 65 "hi" 1.5 true 1234.5678 0.00001234 }}',
      '42| 3.14|ab  |ff|FF|10|101|A|"hi"|1.5|true|1.234568e+03|1.234e-05|%'],
    ['{{ printf "%d %s" "x" }}', '%!d(string=x) %!s(MISSING)'],
    ['{{ printf "%s" "a" "b" }}', 'a%!(EXTRA string=b)'],
    ['{{ printf "%+d %08.3f %x" 5 -3.5 "hi" }}', '+5 -003.500 6869'],
    ['{{ html "<a href=\'x\'>&</a>" }}', '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;'],
    ['{{ js "a\'b\\"c<d>e&f=g" }}', 'a\\\'b\\"c\\u003Cd\\u003Ee\\u0026f\\u003Dg'],
    ['{{ urlquery "a b&c" }}', 'a+b%26c'],
    ['{{ fromJson "{\\"x\\":{\\"y\\":[1,2.5,\\"s\\",null,true]}}" }}', 'map[x:map[y:[1 2.5 s <nil> true]]]'],
    ['{{ (fromJson "{\\"x\\":1e21}").x }} {{ (fromJson "{\\"x\\":1234567}").x }} {{ (fromJson "{\\"x\\":0.0001}").x }}', '1e+21 1.234567e+06 0.0001'],
    ['{{ with fromJson "{\\"a\\":null}" }}{{ .a }}|{{ .b }}{{ end }}', '<no value>|<no value>'],
    ['{{ default "d" .empty }} {{ default "d" .a }} {{ default "d" 0 }}', 'd x d'],
    ['{{ template "t" .a }}{{ define "t" }}<{{ . }}>{{ end }}', '<x>'],
  ];
  for (const [t, want] of cases) it(t, () => assert.equal(run(t), want));

  const errors: [string, string][] = [
    ['{{ .a.b }}', 'template: line:1:5: executing "line" at <.a.b>: can\'t evaluate field b in type string'],
    ['{{ lt .a 1 }}', 'template: line:1:3: executing "line" at <lt .a 1>: error calling lt: incompatible types for comparison'],
    ['{{ lt true false }}', 'template: line:1:3: executing "line" at <lt true false>: error calling lt: invalid type for comparison'],
    ['{{ index .s 20 }}', 'template: line:1:3: executing "line" at <index .s 20>: error calling index: index out of range: 20'],
    ['{{ ToUpper }}', 'template: line:1:3: executing "line" at <ToUpper>: wrong number of args for ToUpper: want 1 got 0'],
    ['{{ nil }}', 'template: line:1:3: executing "line" at <nil>: nil is not a command'],
    ['{{ 1 2 }}', 'template: line:1:3: executing "line" at <1>: can\'t give argument to non-function 1'],
    ['{{ range 1.5 }}x{{ end }}', 'template: line:1:9: executing "line" at <1.5>: range can\'t iterate over 1.5'],
    ['{{ with fromJson "{\\"x\\":1}" }}{{ .a.b }}{{ end }}', 'template: line:1:36: executing "line" at <.a.b>: nil pointer evaluating interface {}.b'],
    ['{{ template "nope" }}', 'template: line:1:12: executing "line" at <{{template "nope"}}>: template "nope" not defined'],
    ['{{ repeat -1 "x" }}', 'template: line:1:3: executing "line" at <repeat -1 "x">: error calling repeat: strings: negative Repeat count'],
    ['x\n{{ div 1 0 }}', 'template: line:2:3: executing "line" at <div 1 0>: error calling div: runtime error: integer divide by zero'],
    ['é{{ div 1 0 }}', 'template: line:1:5: executing "line" at <div 1 0>: error calling div: runtime error: integer divide by zero'],
  ];
  for (const [t, msg] of errors) it(`error: ${t}`, () => assert.equal(fails(t), msg));
});

describe('Loki and sprig functions', () => {
  const cases: [string, string][] = [
    ['{{ ToLower "AbC" }} {{ ToUpper "straße" }} {{ Replace "aaa" "a" "b" 2 }} {{ Trim "xxaxx" "x" }} {{ TrimLeft "xxa" "x" }} {{ TrimRight "axx" "x" }}', 'abc STRAßE bba a a a'],
    ['{{ TrimPrefix "prefix-x" "prefix-" }} {{ TrimSuffix "x.log" ".log" }} {{ TrimSpace "  y \\n" }}', 'x x y'],
    ['{{ regexReplaceAllLiteral "a(b)" "xabx" "$1" }} {{ regexReplaceAll "(?P<w>\\\\w+)@" "me@x" "${w}!" }} {{ count "a" "banana" }}', 'x$1x me!x 3'],
    ['{{ regexReplaceAll "a*" "baaac" "-" }}', '-b-c-'],
    ['{{ bytes "2KiB" }} {{ duration "1h30m" }} {{ duration_seconds "1.5s" }}', '2048 5400 1.5'],
    ['{{ unixEpochMillis (unixToTime "1767225600") }} {{ unixEpochNanos (unixToTime "1767225600123") }} {{ unixToTime "19373" }}', '1767225600000 1767225600123000000 2023-01-16 00:00:00 +0000 UTC'],
    ['{{ alignLeft 5 "ab" }}| {{ alignRight 5 "ab" }}| {{ alignLeft 2 "abcd" }} {{ alignRight 2 "abcd" }}', 'ab   |    ab| ab cd'],
    ['{{ b64enc "hi" }} {{ b64dec .b64 }} {{ b64dec "!!" }}', 'aGk= hi illegal base64 data at input byte 0'],
    ['{{ lower "ABC" }} {{ upper "abc" }} {{ title "hello wide world" }}', 'abc ABC Hello Wide World'],
    ['{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ substr 1 3 "abcdef" }} {{ substr 4 10 "abc" }}', 'abc ef bc '],
    ['{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "x" "abc" }}', 'true true false'],
    ['{{ indent 2 "a\\nb" }}|{{ nindent 1 "c" }}', '  a\n  b|\n c'],
    ['{{ replace "a" "b" "aaa" }} {{ repeat 2 "ab" }} {{ trim " x " }} {{ trimAll "-" "--x--" }} {{ trimSuffix "-" "x-" }} {{ trimPrefix "-" "-x" }}', 'bbb abab x x x x'],
    ['{{ int "42" }} {{ int "4.0" }} {{ int "x" }} {{ int 3.9 }} {{ float64 "1.5" }} {{ float64 "x" }} {{ int "0x10" }}', '42 4 0 3 1.5 0 16'],
    ['{{ add 1 "2" 3.7 }} {{ sub 5 7 }} {{ mul 2 "3" 4 }} {{ div 7 2 }} {{ mod -7 3 }}', '6 -2 24 3 -1'],
    ['{{ addf 0.1 0.2 }} {{ subf 1 0.9 }} {{ mulf 1.1 3 }} {{ divf 1 3 }} {{ divf 2 3 }}', '0.3 0.1 3.3 0.3333333333333333 0.6666666666666667'],
    ['{{ max 1 5 3 }} {{ min 4 2 8 }} {{ maxf 1.5 2 }} {{ minf 1.5 -2 }}', '5 2 2 -2'],
    ['{{ ceil 1.2 }} {{ floor -1.2 }} {{ round 1.25 1 }} {{ round 2.5 0 }} {{ round 1.234 2 0.9 }}', '2 -2 1.3 3 1.23'],
    ['{{ toDate "2006-01-02" "2024-02-29" | unixEpoch }} {{ toDate "2006-01-02" "bad" | unixEpoch }}', '1709164800 -62135596800'],
    ['{{ date "2006-01-02 Mon Jan 3:04PM" (toDate "2006-01-02 15:04" "2024-03-05 17:09") }}', '2024-03-05 Tue Mar 5:09PM'],
    ['{{ toDateInZone "2006-01-02 15:04" "America/New_York" "2024-07-01 12:00" }}', '2024-07-01 12:00:00 -0400 EDT'],
    ['{{ toDateInZone "2006-01-02 15:04:05.000 MST" "UTC" "2024-07-01 12:00:01.500 UTC" }}', '2024-07-01 12:00:01.5 +0000 UTC'],
    ['{{ __line__ }} {{ __timestamp__ | unixEpochNanos }}', 'the line 1767225600123456789'],
  ];
  for (const [t, want] of cases) it(t, () => assert.equal(run(t), want));

  it('reports function errors with Go texts', () => {
    assert.match(fails('{{ regexReplaceAll "(" "x" "y" }}'), /error calling regexReplaceAll: error parsing regexp: missing closing \): `\(`$/);
    assert.match(fails('{{ bytes "x" }}'), /error calling bytes: strconv.ParseFloat: parsing "": invalid syntax$/);
    assert.match(fails('{{ duration "x" }}'), /error calling duration: time: invalid duration "x"$/);
    assert.match(fails('{{ divf 1 0 }}'), /error calling divf: decimal division by 0$/);
    assert.match(fails('{{ unixToTime "abc" }}'), /unable to parse time 'abc': strconv.ParseInt: parsing "abc": invalid syntax$/);
  });
});
