import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord } from '../../model/labels.js';
import { parseQuery, type LogSelector } from '../syntax/index.js';
import { compileLogPipeline, newPipelineOutput } from './pipeline.js';
import { runLine } from './test-helpers.js';

describe('compileLogPipeline', () => {
  it('is a no-op without stages, adding structured metadata to the labels', () => {
    const p = compileLogPipeline(parseQuery('{app="api"}') as LogSelector);
    assert.equal(p.noop, true);
    const s = p.forStream(labelsFromRecord({ app: 'api', level: 'info' }));
    const out = newPipelineOutput();
    const line = Buffer.from('x');
    assert.equal(s.process(1n, line, [], out), true);
    assert.equal(out.line, line);
    assert.equal(out.labels.key, '{app="api", level="info"}');
    s.process(1n, line, labelsFromRecord({ level: 'warn', trace_id: 't' }), out);
    assert.equal(out.labels.key, '{app="api", level="info", level_extracted="warn", trace_id="t"}');
    assert.deepEqual(out.labels.stream.map((l) => l.name), ['app', 'level']);
  });

  it('drops always-true filters and no-op label filters', () => {
    assert.equal(compileLogPipeline(parseQuery('{app="api"} |= "" | x=~".*"') as LogSelector).noop, true);
    assert.equal(compileLogPipeline(parseQuery('{app="api"} |= "a"') as LogSelector).noop, false);
  });

  it('returns the line object itself when no stage changed it', () => {
    const p = compileLogPipeline(parseQuery('{app="api"} |= "x" | logfmt') as LogSelector).forStream(labelsFromRecord({ app: 'api' }));
    const out = newPipelineOutput();
    const line = Buffer.from('x=1');
    p.process(1n, line, [], out);
    assert.equal(out.line, line);
  });

  it('metadata behaves like a label everywhere', () => {
    const r = runLine('| trace_id="t1" | line_format "{{.trace_id}}" | label_format tid=trace_id', 'x', undefined, { trace_id: 't1' });
    assert.equal(r.line, 't1');
    assert.deepEqual(r.labels, { app: 'api', job: 'prod/api', tid: 't1' });
  });
});
