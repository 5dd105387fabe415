import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CHUNK_ENCODINGS, encodingFromCode, ENCODING_CODES, getCodec } from './codec.js';
import { CorruptChunkError } from './errors.js';

const text = Buffer.from('level=info msg="request served" path=/api/v1/push status=200 duration=12ms\n'.repeat(500));

describe('codecs', () => {
  for (const enc of CHUNK_ENCODINGS) {
    describe(enc, () => {
      const c = getCodec(enc);
      it('round-trips text, random and empty input', () => {
        for (const raw of [text, randomBytes(10_000), Buffer.alloc(0)]) {
          const z = c.compress(raw);
          assert.deepEqual(c.decompress(z, raw.length), raw);
        }
        if (enc !== 'none') assert.ok(c.compress(text).length < text.length / 4);
      });
      it('rejects a wrong raw size or garbage as CorruptChunkError', () => {
        const z = c.compress(text);
        assert.throws(() => c.decompress(z, text.length + 1), CorruptChunkError);
        if (enc !== 'none') assert.throws(() => c.decompress(Buffer.from('not compressed at all, certainly'), text.length), CorruptChunkError);
      });
      it('has a stable header code', () => {
        assert.equal(encodingFromCode(ENCODING_CODES[enc]), enc);
      });
    });
  }
  it('rejects unknown codes', () => {
    assert.throws(() => encodingFromCode(99), CorruptChunkError);
  });
});
