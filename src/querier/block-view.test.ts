import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBlock, encodeBlock } from '../chunk/block.js';
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
        if (got instanceof BlockView) {
          const strings = got.metadataStrings();
          if (want.metadata === null) assert.equal(strings, null);
          else for (const m of want.metadata) for (const l of m) assert.ok(strings!.includes(l.name) && strings!.includes(l.value));
        }
      }
    }
  });
});
