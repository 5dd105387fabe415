import assert from 'node:assert/strict';
import { test } from 'node:test';
import { templateError } from './template-check.js';

test('templates Loki accepts', () => {
  for (const t of [
    '{{ .level }}', '{{.msg}} {{ .status | printf "%05s" }}', '{{ if eq .level "error" }}E{{ else if eq .level "warn" }}W{{ else }}O{{ end }}',
    '{{ $l := .level }}{{ $l }}', '{{ range $i, $e := . }}{{ $i }}{{ break }}{{ end }}', '{{ with fromJson __line__ }}{{ .msg }}{{ end }}',
    '{{- .a -}}', '{{/* comment */}}x', "{{ 'a' }}", '{{ (.a) }}', '{{ __line__ | trunc 3 }}', '{{ toDateInZone "2006" "UTC" .ts | unixEpoch }}',
    '{{define "x"}}a{{end}}{{template "x" .}}', '{{ .a.b.c }}', '{{ 1.5e3 }} {{ 0x1F }} {{ -2 }}', 'no actions', '{{ html "<a>" }}{{ println .x }}',
  ]) assert.equal(templateError('line', t), undefined, t);
});

test('Go\'s parse errors', () => {
  const cases: [string, string][] = [
    ['{{ .level', 'template: line:1: unclosed action'],
    ['{{', 'template: line:1: unclosed action'],
    ['{{ nofunc .pod }}', 'template: line:1: function "nofunc" not defined'],
    ['{{ end }}', 'template: line:1: unexpected {{end}}'],
    ['{{ else }}', 'template: line:1: unexpected {{else}}'],
    ['{{ .pod }', 'template: line:1: unexpected "}" in operand'],
    ['{{ $x }}', 'template: line:1: undefined variable "$x"'],
    ['{{ if }}x{{ end }}', 'template: line:1: missing value for if'],
    ['{{ if .a }}x', 'template: line:1: unexpected EOF'],
    ['{{ .a-b }}', "template: line:1: bad character U+002D '-'"],
    ['{{ 1 | 2 }}', 'template: line:1: non executable command in pipeline stage 2'],
    ['{{ (.a }}', 'template: line:1: unclosed left paren'],
    ['{{ break }}', 'template: line:1: {{break}} outside {{range}}'],
    ['{{ "\\q" }}', 'template: line:1: invalid syntax'],
    ['{{ 0x }}', 'template: line:1: illegal number syntax: "0x"'],
    ['{{ "abc }}', 'template: line:1: unterminated quoted string'],
    ['{{ }}', 'template: line:1: missing value for command'],
    ['a\n{{ .x', 'template: line:2: unclosed action'],
  ];
  for (const [t, msg] of cases) assert.equal(templateError('line', t), msg, t);
  assert.equal(templateError('label', '{{ .x'), 'template: label:1: unclosed action');
});
