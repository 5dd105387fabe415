import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countTables, DAY_MS, DEFAULT_INDEX_PERIODS, indexPeriodsFromSchema, tableInRange, tablesForRange } from './period.js';

const DAY = BigInt(DAY_MS) * 1_000_000n;

describe('index periods', () => {
  it('numbers 24h tables by unix day, selecting every table a range touches (inclusive)', () => {
    const t = (from: bigint, through: bigint) => tablesForRange(DEFAULT_INDEX_PERIODS, from, through).map((x) => x.name);
    assert.deepEqual(t(19700n * DAY, 19700n * DAY), ['index_19700']);
    assert.deepEqual(t(19700n * DAY - 1n, 19700n * DAY), ['index_19699', 'index_19700']);
    assert.deepEqual(t(19700n * DAY + 5n, 19702n * DAY + 5n), ['index_19700', 'index_19701', 'index_19702']);
    assert.deepEqual(t(-1n, 0n), ['index_-1', 'index_0']);
    assert.deepEqual(t(5n, 4n), []);
    assert.equal(countTables(DEFAULT_INDEX_PERIODS, 0n, 10n * DAY - 1n), 10);
  });

  it('switches prefix and period length at schema boundaries', () => {
    const periods = indexPeriodsFromSchema([
      { from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: DAY_MS } },
      { from: '2020-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v12', index: { prefix: 'old_', period: 7 * DAY_MS } },
    ]);
    assert.deepEqual(periods.map((p) => p.prefix), ['old_', 'index_']);
    const jan1 = BigInt(Date.parse('2024-01-01T00:00:00Z')) * 1_000_000n;
    const tables = tablesForRange(periods, jan1 - DAY, jan1 + DAY);
    assert.deepEqual(tables.map((t) => t.name), ['old_2817', 'index_19723', 'index_19724']);
    assert.equal(tables[0].end, jan1, 'the weekly table is cut at the schema boundary');
    assert.equal(tableInRange(periods, 'old_', 2817, jan1 - 1n, jan1), true);
    assert.equal(tableInRange(periods, 'old_', 2817, jan1, jan1 + DAY), false);
    assert.equal(tableInRange(periods, 'index_', 19723, jan1, jan1), true);
  });
});
