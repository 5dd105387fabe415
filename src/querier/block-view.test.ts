import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBlock, encodeBlock } from '../chunk/block.js';
import { entryMetadata } from '../chunk/batch.js';
import { EMPTY_LABELS, type Labels } from '../model/labels.js';
import { BlockView, viewBlock } from './block-view.js';
import { rng } from '../../test/helpers/mutate.js';

function plain(b: { count: number; ts: BigInt64Array; lines: Buffer; lineStart: Uint32Array; metadata: readonly Labels[] | null }) {
  const out = [];
  for (let i = 0; i < b.count; i++) {
    out.push([b.ts[i], b.lines.toString('utf8', b.lineStart[i], b.lineStart[i + 1]), JSON.stringify(b.metadata === null ? null : b.metadata[i])]);
  }
  return out;
}

describe('viewBlock', () => {
  it('reads blocks as decodeBlock does, metadata included', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const n = 1 + Math.floor(r() * 80);
      const base = BigInt(Math.floor(r() * 2 ** 40)) * (r() < 0.5 ? 1n : -1n) * 1_000_000n;
      const ts = new BigInt64Array(n);
      let t = base;
      const lines: string[] = [];
      const md: Labels[] = [];
      const withMeta = r() < 0.6;
      for (let i = 0; i < n; i++) {
        t += BigInt(Math.floor(r() * (r() < 0.1 ? 2 ** 40 : 1000)));
        ts[i] = t;
        lines.push('x'.repeat(Math.floor(r() * 30)) + (r() < 0.2 ? 'é' : ''));
        md.push(withMeta && r() < 0.7 ? [{ name: 'detected_level', value: r() < 0.5 ? 'info' : 'warn' }, ...(r() < 0.3 ? [{ name: 'trace', value: String(i) }] : [])] : EMPTY_LABELS);
      }
      const buf = Buffer.from(lines.join(''));
      const lineStart = new Uint32Array(n + 1);
      for (let i = 0; i < n; i++) lineStart[i + 1] = lineStart[i] + Buffer.byteLength(lines[i]);
      const raw = Buffer.from(encodeBlock({ count: n, ts, lines: buf, lineStart, metadata: withMeta ? md : null }));
      for (let k = 0; k < 5; k++) {
        const from = k === 0 ? -(2n ** 62n) : ts[Math.floor(r() * n)] + BigInt(Math.floor(r() * 3) - 1);
        const through = k === 0 ? 2n ** 62n : from + BigInt(Math.floor(r() * 2 ** 30));
        const want = decodeBlock(raw, ts[0], from, through);
        const got = viewBlock(raw, ts[0], from, through);
        assert.deepEqual(plain(got), plain(want), `seed ${seed} range ${k}`);
        // Entry by entry, in a scattered order, from a fresh view: the same labels as the whole decode.
        const one = viewBlock(raw, ts[0], from, through);
        const order = [...Array(one.count).keys()].sort(() => r() - 0.5);
        for (const i of order) assert.deepEqual(entryMetadata(one, i), want.metadata === null ? EMPTY_LABELS : want.metadata[i], `seed ${seed} range ${k} entry ${i}`);
        if (got instanceof BlockView) {
          const strings = got.metadataStrings();
          if (want.metadata === null) assert.equal(strings, null);
          else for (const m of want.metadata) for (const l of m) assert.ok(strings!.includes(l.name) && strings!.includes(l.value));
        }
      }
    }
  });

  it('reads one entry\'s metadata as the whole decode would, corrupt blocks included', () => {
    const n = 6;
    const ts = BigInt64Array.from([...Array(n).keys()].map((i) => BigInt(i + 1)));
    const lines = Buffer.from('abcdef');
    const lineStart = Uint32Array.from([...Array(n + 1).keys()]);
    const md: Labels[] = [...Array(n).keys()].map((i) => (i % 3 === 1 ? EMPTY_LABELS : [{ name: 'k', value: `v${i % 2}` }]));
    const raw = Buffer.from(encodeBlock({ count: n, ts, lines, lineStart, metadata: md }));
    let corrupt = 0;
    // Every byte of the head (the lines are the last n bytes), flipped two ways.
    for (let p = 0; p < raw.length - n; p++) {
      for (const x of [0x01, 0x80]) {
        const bad = Buffer.from(raw);
        bad[p] ^= x;
        let whole: readonly Labels[] | null | Error;
        try {
          whole = viewBlock(bad, 1n, 0n, 100n).metadata;
        } catch (err) {
          whole = err as Error;
        }
        let view;
        try {
          view = viewBlock(bad, 1n, 0n, 100n);
        } catch {
          continue; // the columns themselves are corrupt
        }
        const each: Labels[] = [];
        let failed = false;
        try {
          for (let i = view.count - 1; i >= 0; i--) each[i] = entryMetadata(view, i);
        } catch {
          failed = true;
        }
        if (whole instanceof Error) {
          corrupt++;
          assert.ok(failed, `byte ${p} ^ ${x}: the whole decode failed (${whole.message}), one by one did not`);
        } else {
          assert.ok(!failed, `byte ${p} ^ ${x}: one by one failed where the whole decode did not`);
          assert.deepEqual(each, whole === null ? each.map(() => EMPTY_LABELS) : whole, `byte ${p} ^ ${x}`);
        }
      }
    }
    assert.ok(corrupt > 0);
  });
});
