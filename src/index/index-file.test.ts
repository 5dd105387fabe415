import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { labelsFromRecord, type Labels } from '../model/labels.js';
import { LabelMatcher, matchesAll, type MatchType } from '../model/matcher.js';
import { labelsFingerprint } from '../chunk/fingerprint.js';
import type { ChunkRef } from './chunk-ref.js';
import { CorruptIndexError } from './errors.js';
import { encodeIndexFile } from './index-file-writer.js';
import { IndexFile } from './index-file.js';

function ref(labels: Labels, from: bigint, through: bigint, n = 1): ChunkRef {
  const fingerprint = labelsFingerprint(labels);
  return { labels, fingerprint, from, through, key: `t/chunks/${fingerprint.toString(16)}/${from.toString(16)}-${through.toString(16)}-${n}`, offset: 0, compressedSize: 100 * n, rawSize: 1000 * n, entries: 10 * n };
}

const L = labelsFromRecord;
const m = (name: string, type: MatchType, value: string) => new LabelMatcher(name, type, value);

const streams = [
  L({ app: 'api', env: 'prod', pod: 'api-1' }),
  L({ app: 'api', env: 'dev', pod: 'api-2' }),
  L({ app: 'web', env: 'prod' }),
  L({ app: 'db', pod: 'db-0', 'ü': 'ß' }),
];
const refs = [ref(streams[0], 100n, 200n), ref(streams[0], 201n, 300n, 2), ref(streams[1], 50n, 60n), ref(streams[2], 500n, 600n), ref(streams[3], 100n, 100n), ref(streams[0], 100n, 200n)];

describe('IndexFile', () => {
  const f = IndexFile.decode(encodeIndexFile(refs));
  const names = (ids: Uint32Array) => [...ids].map((id) => f.seriesLabels(id).map((l) => l.value).join(','));

  it('holds unique series and chunks', () => {
    assert.equal(f.seriesCount, 4);
    assert.equal(f.chunkCount, 5, 'a repeated chunk key is stored once');
    assert.equal(f.minTime, 50n);
    assert.equal(f.maxTime, 600n);
    assert.deepEqual(f.refs().map((r) => r.key).sort(), [...new Set(refs.map((r) => r.key))].sort());
    const r = f.refs().find((x) => x.key === refs[1].key)!;
    assert.deepEqual(r, refs[1]);
  });

  it('looks up series by matchers, empty-matching matchers selecting series without the label', () => {
    assert.deepEqual(names(f.lookup([m('app', '=', 'api')])), ['api,dev,api-2', 'api,prod,api-1']);
    assert.deepEqual(names(f.lookup([m('app', '=', 'api'), m('env', '=', 'prod')])), ['api,prod,api-1']);
    assert.deepEqual(names(f.lookup([m('env', '!=', 'prod')])), ['api,dev,api-2', 'db,db-0,ß']);
    assert.deepEqual(names(f.lookup([m('env', '=', '')])), ['db,db-0,ß']);
    assert.deepEqual(names(f.lookup([m('pod', '=~', '.+')])), ['api,dev,api-2', 'api,prod,api-1', 'db,db-0,ß']);
    assert.deepEqual(names(f.lookup([m('pod', '=~', 'api-.*|')])), ['api,dev,api-2', 'api,prod,api-1', 'web,prod']);
    assert.deepEqual(names(f.lookup([m('app', '!~', 'api|db')])), ['web,prod']);
    assert.deepEqual(names(f.lookup([m('nope', '=', 'x')])), []);
    assert.equal(f.lookup([m('nope', '=', '')]).length, 4);
    assert.equal(f.lookup([]).length, 4);
  });

  it('answers label names and values, over all or some series', () => {
    assert.deepEqual(f.labelNames(), ['app', 'env', 'pod', 'ü']);
    assert.deepEqual(f.labelNames(f.lookup([m('app', '=', 'web')])), ['app', 'env']);
    assert.deepEqual(f.labelValues('app'), ['api', 'db', 'web']);
    assert.deepEqual(f.labelValues('env', f.lookup([m('app', '=', 'api')])), ['dev', 'prod']);
    assert.deepEqual(f.labelValues('missing'), []);
  });

  it('selects chunks overlapping an inclusive time range', () => {
    const api1 = f.lookup([m('pod', '=', 'api-1')]);
    assert.deepEqual(f.chunks(api1, 200n, 200n).map((r) => r.from), [100n]);
    assert.deepEqual(f.chunks(api1, 200n, 201n).map((r) => r.from), [100n, 201n]);
    assert.deepEqual(f.chunks(api1, 301n, 400n), []);
    assert.deepEqual(names(f.seriesInRange(f.lookup([]), 55n, 100n)), ['api,dev,api-2', 'api,prod,api-1', 'db,db-0,ß']);
  });

  it('matches brute force for random series and matchers', () => {
    const labelArb = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('', 'x', 'y', 'xy'), { maxKeys: 3 }).map((r) => L(Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ''))));
    const matcherArb = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom<MatchType>('=', '!=', '=~', '!~'), fc.constantFrom('', 'x', 'y', 'x.*', '.+', 'x|')).map(([n, t, v]) => m(n, t, v));
    fc.assert(
      fc.property(fc.array(labelArb, { minLength: 1, maxLength: 12 }), fc.array(matcherArb, { maxLength: 3 }), (sets, matchers) => {
        const file = IndexFile.decode(encodeIndexFile(sets.map((s, i) => ref(s, BigInt(i), BigInt(i)))));
        const got = [...file.lookup(matchers)].map((id) => JSON.stringify(file.seriesLabels(id)));
        const want = [...new Set(sets.map((s) => JSON.stringify(s)))].filter((s) => matchesAll(matchers, JSON.parse(s) as Labels));
        assert.deepEqual(got.sort(), want.sort());
      }),
      { numRuns: 300 },
    );
  });

  it('encodes an empty file', () => {
    const e = IndexFile.decode(encodeIndexFile([]));
    assert.equal(e.seriesCount, 0);
    assert.deepEqual(e.labelNames(), []);
    assert.equal(e.lookup([m('a', '=', '')]).length, 0);
  });

  it('keeps chunks that share a pack apart by offset', () => {
    const pack = 't/packs/32-258-abc';
    const inPack = [
      { ...ref(streams[0], 100n, 200n), key: pack, offset: 0, compressedSize: 40 },
      { ...ref(streams[0], 201n, 300n), key: pack, offset: 40, compressedSize: 60 },
      { ...ref(streams[2], 100n, 300n), key: pack, offset: 100, compressedSize: 7 },
    ];
    const p = IndexFile.decode(encodeIndexFile([...inPack, inPack[1]]));
    assert.equal(p.chunkCount, 3, 'a repeated (key, offset) is stored once');
    const byOffset = p.refs().sort((a, b) => a.offset - b.offset);
    assert.deepEqual(byOffset, inPack);
    assert.deepEqual(byOffset.map((_, c) => p.chunkId(c)).sort(), [pack, `${pack}@100`, `${pack}@40`]);
  });

  it('reads version 1 files (one object per chunk, no offsets)', () => {
    // Written by the version 1 writer: api/prod and web/prod, one chunk each.
    const v1 = IndexFile.decode(readFileSync(new URL('../../test/fixtures/index/index-v1.idx', import.meta.url)));
    assert.deepEqual(v1.refs().map((r) => ({ labels: r.labels.map((l) => `${l.name}=${l.value}`).join(','), key: r.key, offset: r.offset, size: r.compressedSize })), [
      { labels: 'app=api,env=prod', key: 't/chunks/1/64-c8-1', offset: 0, size: 100 },
      { labels: 'app=web,env=prod', key: 't/chunks/2/1f4-258-2', offset: 0, size: 200 },
    ]);
    assert.equal(v1.lookup([m('env', '=', 'prod')]).length, 2);
  });

  it('detects corruption of any single byte', () => {
    const buf = encodeIndexFile(refs.slice(0, 3));
    for (let i = 0; i < buf.length; i++) {
      const bad = Buffer.from(buf);
      bad[i] ^= 0x21;
      assert.throws(() => IndexFile.decode(bad), CorruptIndexError, `byte ${i}`);
    }
    assert.throws(() => IndexFile.decode(buf.subarray(0, 10)), CorruptIndexError);
  });
});
