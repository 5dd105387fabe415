import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResultLabels } from '../../logql/log/types.js';
import { EMPTY_LABELS, labelsFromRecord, labelsToString, type Labels } from '../../model/labels.js';
import { LabelMatcher } from '../../model/matcher.js';
import { FieldCollector, fieldValues, type LineParser, type ParsedLine, type SampledEntry } from './detected-fields.js';
import { detectedLabels } from './detected-labels.js';
import { fakeSources, S } from './test-util.js';

const T0 = 1_767_225_600n * S;

describe('detected labels', () => {
  it('counts values per label and leaves out id-like labels except the static ones', async () => {
    const f = fakeSources();
    f.ingester.push('a', { app: 'api', pod: '1', build: '7', trace: '123e4567-e89b-12d3-a456-426614174000' }, [[T0, 'x']]);
    f.ingester.push('a', { app: 'web', pod: '2', build: '8', trace: '123e4567-e89b-12d3-a456-426614174001' }, [[T0, 'y']]);
    f.ingester.push('b', { other: 'z' }, [[T0, 'q']]);
    const b = { start: T0, end: T0 + 10n * S };
    assert.deepEqual(await detectedLabels(f.src, ['a'], b, []), [{ label: 'app', cardinality: 2 }, { label: 'pod', cardinality: 2 }]);
    assert.deepEqual(await detectedLabels(f.src, ['a'], b, [new LabelMatcher('app', '=', 'web')]), [{ label: 'app', cardinality: 1 }, { label: 'pod', cardinality: 1 }]);
    await f.ingester.flushTo(f.index);
    assert.deepEqual(await detectedLabels(f.src, ['a'], b, []), [{ label: 'app', cardinality: 2 }, { label: 'pod', cardinality: 2 }]);
    assert.deepEqual(await detectedLabels(f.src, ['b'], b, []), [{ label: 'other', cardinality: 1 }]);
  });
});

/** A logfmt-ish stand-in for the real line parsers: `k=v` pairs, json when the line starts with `{`. */
const stubParser: LineParser = {
  parse(_key: string, _stream: Labels, line: Buffer): ParsedLine {
    const s = line.toString();
    if (s.startsWith('{')) return { parser: 'json', labels: labelsFromRecord(JSON.parse(s) as Record<string, string>) };
    const pairs = s.split(' ').filter((p) => p.includes('=')).map((p) => p.split('='));
    if (pairs.length === 0) return { parser: undefined, labels: EMPTY_LABELS };
    return { parser: 'logfmt', labels: labelsFromRecord(Object.fromEntries(pairs)) };
  },
};

function entry(line: string, metadata: Record<string, string> = {}, parsed: Record<string, string> = {}): SampledEntry {
  const stream = labelsFromRecord({ app: 'x' });
  const labels: ResultLabels = { all: stream, key: '', stream, structuredMetadata: labelsFromRecord(metadata), parsed: labelsFromRecord(parsed) };
  return { line: Buffer.from(line), labels, streamKey: labelsToString(stream) };
}

describe('detected fields', () => {
  it('collects parsed fields and structured metadata with types, parsers and cardinality', () => {
    const c = new FieldCollector(1000, stubParser);
    c.add(entry('level=info took=1s', { trace_id: 'abc' }));
    c.add(entry('level=error took=2s', { trace_id: 'def' }));
    c.add(entry('{"status":"200"}', {}, { __error__: 'X', extra: 'y' }));
    c.add(entry('just text'));
    assert.deepEqual(c.result(), [
      { label: 'extra', type: 'string', cardinality: 1, parsers: ['json'] },
      { label: 'level', type: 'string', cardinality: 2, parsers: ['logfmt'] },
      { label: 'status', type: 'int', cardinality: 1, parsers: ['json'] },
      { label: 'took', type: 'duration', cardinality: 2, parsers: ['logfmt'] },
      { label: 'trace_id', type: 'string', cardinality: 2, parsers: null },
    ]);
  });

  it('stops adding fields at the limit', () => {
    const c = new FieldCollector(2, stubParser);
    c.add(entry('a=1 b=2 c=3'));
    assert.equal(c.result().length, 2);
  });

  it('lists the values of one field', () => {
    const es = [entry('level=info', { level: 'meta' }), entry('level=warn'), entry('level=info')];
    assert.deepEqual(fieldValues(es, 'level', 10, stubParser), ['info', 'meta', 'warn']);
    assert.deepEqual(fieldValues(es, 'level', 1, stubParser).length, 1);
  });
});
