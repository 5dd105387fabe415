import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OpenFiles } from './open-files.js';

describe('OpenFiles', () => {
  it('keeps a file open between reads, closes it when idle, at most max at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skald-open-files-'));
    try {
      for (const n of ['a', 'b', 'c']) await writeFile(join(dir, n), n.repeat(4));
      const files = new OpenFiles(50, 2);
      const a = files.get('a', () => join(dir, 'a'));
      assert.equal(a.size, 4);
      assert.equal(files.get('a', () => assert.fail('opened twice')).fd, a.fd);
      const buf = Buffer.alloc(4);
      readSync(a.fd, buf, 0, 4, 0);
      assert.equal(buf.toString(), 'aaaa');
      files.get('b', () => join(dir, 'b'));
      files.get('c', () => join(dir, 'c'));
      // The third file closed the first one opened.
      assert.equal(files.size, 2);
      const opens: string[] = [];
      const open = (n: string) => () => {
        opens.push(n);
        return join(dir, n);
      };
      files.get('a', open('a'));
      files.get('c', open('c'));
      files.get('b', open('b'));
      // a was closed by c, and b by a's return; c stayed open.
      assert.deepEqual(opens, ['a', 'b']);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(files.size, 0);
      assert.throws(() => files.get('missing', () => join(dir, 'missing')), /ENOENT/);
      assert.throws(() => files.get('dir', () => dir), /EISDIR/);
      assert.equal(files.size, 0);
      files.get('a', () => join(dir, 'a'));
      files.closeAll();
      assert.equal(files.size, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
