import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { added, runLine } from './test-helpers.js';

const LINE = 'level=info status=200 msg="request completed" latency_ms=138.398 duration=77.9ms path=/api/v1/cart ts=2026-01-01T01:59:11.027Z';

describe('| line_format', () => {
  const cases: [string, string][] = [
    ['{{.level}}', 'info'],
    ['{{.nonexistent}}|{{.level}}', '|info'],
    ['{{.nonexistent}}', ''],
    ['[{{__line__}}]', `[${LINE}]`],
    ['{{ __timestamp__ }}', '2026-01-01 00:00:00 +0000 UTC'],
    ['{{ .status | printf "%05s" }} {{ printf "%v-%v" .level .status }}', '00200 info-200'],
    ['{{ add .status 1 }} {{ div .status 100 }} {{ mod .status 7 }} {{ add 1 2 3 }}', '201 2 4 6'],
    ['{{ addf .latency_ms 0.5 }} {{ divf .latency_ms 3 }}', '138.898 46.132666666666665'],
    ['{{ .duration }} -> {{ div (int (mulf (duration .duration) 1000)) 1 }}ms', '77.9ms -> 77ms'],
    ['{{ bytes "1.1GB" }}', '1.1e+09'],
    ['{{ if eq .level "error" }}E{{ else if eq .level "info" }}I{{ else }}?{{ end }}', 'I'],
    ['{{ $l := .level }}{{ $l }}{{ with .missing }}x{{ else }}-{{ end }}', 'info-'],
    ['{{ toDateInZone "2006-01-02T15:04:05.000Z" "Europe/Berlin" .ts | unixEpoch }}', '1767229151'],
    ['{{ .ts | toDate "2006-01-02T15:04:05.000Z" | date "15h04" }}', '01h59'],
    ['{{ regexReplaceAll "level=(\\\\w+)" __line__ "L:$1" | trunc 10 }}', 'L:info sta'],
    ['{{ urldecode "a%20b+c" }} {{ urlencode "a b/c" }}', 'a b c a+b%2Fc'],
  ];
  for (const [t, want] of cases) {
    it(t, () => {
      const r = runLine(`| logfmt | line_format \`${t}\``, LINE);
      assert.equal(r.line, want);
      assert.equal(r.labels.__error__, undefined);
    });
  }

  const errors: [string, string][] = [
    ['{{ div 1 0 }}', 'template: line:1:3: executing "line" at <div 1 0>: error calling div: runtime error: integer divide by zero'],
    ['{{ if gt (now | unixEpoch) 0 }}x{{ end }}', 'template: line:1:6: executing "line" at <gt (now | unixEpoch) 0>: error calling gt: incompatible types for comparison'],
    ['ok {{ ToUpper 5 }}', 'template: line:1:14: executing "line" at <5>: expected string; found 5'],
    ['{{ urldecode "%zz" }}', 'template: line:1:3: executing "line" at <urldecode "%zz">: error calling urldecode: invalid URL escape "%zz"'],
  ];
  for (const [t, details] of errors) {
    it(`error: ${t}`, () => {
      const r = runLine(`| logfmt | line_format \`${t}\``, LINE);
      assert.equal(r.line, LINE);
      assert.equal(r.labels.__error__, 'TemplateFormatErr');
      assert.equal(r.labels.__error_details__, details);
    });
  }
});

describe('| label_format', () => {
  const stream = { app: 'api', job: 'prod/api', pod: 'p1' };
  const base = { ...stream, level: 'info' };
  const cases: [string, Record<string, string>][] = [
    ['label_format lvl=level', { app: 'api', job: 'prod/api', pod: 'p1', lvl: 'info' }],
    ['label_format new="{{.app}}-{{.pod}}"', { ...base, new: 'api-p1' }],
    ['label_format app=pod', { app: 'p1', job: 'prod/api', level: 'info' }],
    ['label_format cluster="{{ .nonexistent }}"', { ...base, cluster: '' }],
    // A rename after a template in the same stage sees the new value.
    ['label_format job="{{.job}}-x", job_orig=job', { app: 'api', pod: 'p1', level: 'info', job_orig: 'prod/api-x' }],
    // Templates of one stage read the labels as they were at the first template.
    ['label_format a="{{.app}}!", b="{{.a}}"', { ...base, a: 'api!', b: '' }],
    ['label_format level="{{ .level | upper }}"', { ...base, level: 'INFO' }],
  ];
  for (const [p, want] of cases) {
    it(p, () => assert.deepEqual(runLine('| logfmt | ' + p, 'level=info', stream).labels, want));
  }

  it('reports template errors and keeps going', () => {
    const r = runLine('| label_format a="{{ div 1 0 }}", b="ok"', 'x');
    assert.deepEqual(added(r), {
      b: 'ok', __error__: 'TemplateFormatErr',
      __error_details__: 'template: label:1:3: executing "label" at <div 1 0>: error calling div: runtime error: integer divide by zero',
    });
  });
});
