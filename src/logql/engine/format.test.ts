import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMatrix, formatScalar, formatTimestampMs, formatVector, lokiScalarTimestamp } from './format.js';

describe('result formatting', () => {
  it('timestamps are seconds with at most 3 decimals', () => {
    assert.equal(formatTimestampMs(1_700_000_000_000), '1700000000');
    assert.equal(formatTimestampMs(1_767_232_799_999), '1767232799.999');
    assert.equal(formatTimestampMs(1_767_232_800_500), '1767232800.5');
    assert.equal(formatTimestampMs(1_767_232_800_050), '1767232800.05');
    assert.equal(formatTimestampMs(-1_500), '-1.5');
  });

  it('matrix JSON, values as Go formats them', () => {
    const labels = [{ name: 'a', value: '<b>' }, { name: 'z', value: '"q"' }];
    const s = formatMatrix([{ labels, key: '', timestampsMs: [1000, 2000, 3000, 4000, 5000], values: [0.1 + 0.2, NaN, Infinity, -Infinity, 1e21] }]);
    assert.equal(s, '{"resultType":"matrix","result":[{"metric":{"a":"\\u003cb\\u003e","z":"\\"q\\""},"values":[[1,"0.30000000000000004"],[2,"NaN"],[3,"+Inf"],[4,"-Inf"],[5,"1000000000000000000000"]]}]}');
  });

  it('vector JSON with stats', () => {
    const s = formatVector([{ labels: [], key: '{}', timestampMs: 1_700_000_000_000, value: 2 }], { x: 1 });
    assert.equal(s, '{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"2"]}],"stats":{"x":1}}');
    assert.equal(formatVector([]), '{"resultType":"vector","result":[]}');
  });

  it('scalars carry Loki\'s overflowed timestamp', () => {
    assert.equal(lokiScalarTimestamp(1_767_229_200_000_000_000n), '-3658231076116');
    assert.equal(formatScalar(1_767_229_200_000_000_000n, -1), '{"resultType":"scalar","result":[-3658231076116,"-1"]}');
  });
});
