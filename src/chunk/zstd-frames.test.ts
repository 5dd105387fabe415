import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Compressor } from 'zstd-napi';
import { getCodec } from './codec.js';
import { zstdFrames } from './zstd-frames.js';

describe('zstdFrames', () => {
  const zstd = getCodec('zstd');
  const texts = ['', 'a', 'hello '.repeat(50), 'x'.repeat(300), Array.from({ length: 5000 }, (_, i) => `line ${i * 7919 % 1000}`).join('\n')].map((t) => Buffer.from(t));

  it('maps frames back to back to their compressed and raw ends', () => {
    const frames = texts.map((t) => zstd.compress(t));
    const map = zstdFrames(Buffer.concat(frames));
    let c = 0;
    let r = 0;
    assert.deepEqual(map, {
      compressedEnd: frames.map((f) => (c += f.length)),
      rawEnd: texts.map((t) => (r += t.length)),
    });
    assert.deepEqual(zstdFrames(Buffer.alloc(0)), { compressedEnd: [], rawEnd: [] });
  });

  it('reads frames with a checksum, and gives up on frames without a content size or malformed data', () => {
    const withSum = new Compressor();
    withSum.setParameters({ checksumFlag: true });
    const a = withSum.compress(texts[4]);
    assert.deepEqual(zstdFrames(a), { compressedEnd: [a.length], rawEnd: [texts[4].length] });
    const noSize = new Compressor();
    noSize.setParameters({ contentSizeFlag: false });
    assert.equal(zstdFrames(noSize.compress(texts[2])), undefined);
    const good = zstd.compress(texts[3]);
    assert.equal(zstdFrames(Buffer.concat([good, Buffer.from('junk')])), undefined);
    assert.equal(zstdFrames(good.subarray(0, good.length - 1)), undefined);
    const badMagic = Buffer.from(good);
    badMagic[0] ^= 1;
    assert.equal(zstdFrames(badMagic), undefined);
  });
});
