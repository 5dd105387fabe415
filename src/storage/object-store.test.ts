import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareKeys, validateObjectKey } from './object-store.js';
import { InvalidObjectKeyError } from './errors.js';

describe('object keys', () => {
  it('compareKeys orders like UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(Math.sign(compareKeys(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 500 },
    );
    assert.ok(compareKeys('\u{1F600}', '\uFFFD') > 0);
  });

  it('rejects keys longer than 1024 bytes', () => {
    validateObjectKey('a'.repeat(1024));
    assert.throws(() => validateObjectKey('a'.repeat(1025)), InvalidObjectKeyError);
    assert.throws(() => validateObjectKey('é'.repeat(513)), InvalidObjectKeyError);
  });
});
