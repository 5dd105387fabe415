import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord, labelsToRecord, labelsToString } from '../../model/labels.js';
import { parseQuery, type LogSelector } from '../syntax/index.js';
import { ParserHints } from './hints.js';
import { LabelsBuilder, META, PARSED } from './labels-builder.js';
import { NameTable } from './names.js';
import { compileLogPipeline, newPipelineOutput } from './pipeline.js';
import { ResultInterner } from './result-labels.js';

function builder(stream: Record<string, string> = { app: 'api', level: 'info' }): LabelsBuilder {
  return new LabelsBuilder(new NameTable(), labelsFromRecord(stream), ParserHints.NONE, new ResultInterner());
}

describe('LabelsBuilder', () => {
  it('renames metadata clashing with stream labels', () => {
    const b = builder();
    b.reset();
    b.addMetadata(labelsFromRecord({ level: 'warn', trace: 't' }));
    const r = b.labelsResult();
    assert.deepEqual(labelsToRecord(r.all), { app: 'api', level: 'info', level_extracted: 'warn', trace: 't' });
    assert.deepEqual(labelsToRecord(r.structuredMetadata), { level_extracted: 'warn', trace: 't' });
  });

  it('lets parsed labels win over metadata and stream labels', () => {
    const b = builder();
    b.reset();
    b.set(META, 'x', 'md');
    b.set(PARSED, 'x', 'parsed');
    b.set(PARSED, 'app', 'other');
    b.set(META, 'x', 'ignored');
    const r = b.labelsResult();
    assert.deepEqual(labelsToRecord(r.all), { app: 'other', level: 'info', x: 'parsed' });
    assert.deepEqual(labelsToRecord(r.stream), { level: 'info' });
    assert.deepEqual(labelsToRecord(r.parsed), { app: 'other', x: 'parsed' });
  });

  it('deletes labels of every category', () => {
    const b = builder();
    b.reset();
    b.set(PARSED, 'x', '1');
    b.del('x');
    b.del('level');
    assert.equal(b.get('x'), undefined);
    assert.equal(b.get('level'), undefined);
    assert.deepEqual(labelsToRecord(b.labelsResult().all), { app: 'api' });
  });

  it('returns the stream result when nothing changed', () => {
    const b = builder();
    b.reset();
    assert.equal(b.labelsResult(), b.baseResult);
  });

  it('interns equal label sets', () => {
    const b = builder();
    const results = ['1', '2', '1'].map((v) => {
      b.reset();
      b.set(PARSED, 'n', v);
      return b.labelsResult();
    });
    assert.equal(results[0], results[2]);
    assert.notEqual(results[0], results[1]);
    assert.equal(results[0].key, '{app="api", level="info", n="1"}');
  });

  it('defers results when a stream keeps producing new sets, keys still equal', () => {
    const b = builder();
    const keys: string[] = [];
    for (let i = 0; i < 3000; i++) {
      b.reset();
      b.set(PARSED, 'n', String(i));
      if (i === 2999 || i === 5) keys.push(b.labelsResult().key);
      else b.labelsResult();
    }
    assert.deepEqual(keys, ['{app="api", level="info", n="5"}', '{app="api", level="info", n="2999"}']);
  });

  it('carries the error labels as parsed labels', () => {
    const b = builder();
    b.reset();
    b.addErr('JSONParserErr', 'boom');
    const r = b.labelsResult();
    assert.deepEqual(labelsToRecord(r.parsed), { __error__: 'JSONParserErr', __error_details__: 'boom' });
  });

  it('groups sample labels by and without', () => {
    const by = new LabelsBuilder(new NameTable(), labelsFromRecord({ app: 'api', pod: 'p' }), ParserHints.NONE, new ResultInterner(), { labels: ['level', 'pod'], without: false, noLabels: false });
    by.reset();
    by.set(PARSED, 'level', 'warn');
    assert.deepEqual(labelsToRecord(by.groupedLabels().all), { level: 'warn', pod: 'p' });
    const without = new LabelsBuilder(new NameTable(), labelsFromRecord({ app: 'api', pod: 'p' }), ParserHints.NONE, new ResultInterner(), { labels: ['pod', 'x'], without: true, noLabels: false });
    without.reset();
    without.set(PARSED, 'x', '1');
    without.set(PARSED, 'y', '2');
    assert.deepEqual(labelsToRecord(without.groupedLabels().all), { app: 'api', y: '2' });
    const none = new LabelsBuilder(new NameTable(), labelsFromRecord({ app: 'api' }), ParserHints.NONE, new ResultInterner(), { labels: [], without: false, noLabels: true });
    none.reset();
    assert.deepEqual(none.groupedLabels().all, []);
    none.err = 'E';
    assert.deepEqual(labelsToRecord(none.groupedLabels().all), { app: 'api', __error__: 'E' });
  });
});

describe('result labels while the query defers', () => {
  it('every entry gets its exact labels, across many streams of new sets and one that repeats', () => {
    const p = compileLogPipeline(parseQuery('{app="x"} | logfmt') as LogSelector);
    const out = newPipelineOutput();
    const streams = Array.from({ length: 120 }, (_v, s) => labelsFromRecord({ app: 'x', s: String(s) }));
    const same = streams[0];
    const sps = streams.map((l) => p.forStream(l));
    for (let round = 0; round < 30; round++) {
      for (let s = 1; s < streams.length; s++) {
        assert.ok(sps[s].process(0n, Buffer.from(`id=${round}-${s} k=v`), [], out));
        assert.equal(out.labels.key, labelsToString(labelsFromRecord({ app: 'x', s: String(s), id: `${round}-${s}`, k: 'v' })));
        assert.ok(sps[0].process(0n, Buffer.from('k=v'), [], out));
        assert.equal(out.labels.key, labelsToString(labelsFromRecord({ ...labelsToRecord(same), k: 'v' })));
        assert.deepEqual(labelsToRecord(out.labels.parsed), { k: 'v' });
      }
    }
  });
});
