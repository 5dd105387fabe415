import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidObjectKeyError, ObjectNotFoundError } from './errors.js';
import { FilesystemObjectStore } from './filesystem.js';
import { runObjectStoreConformance } from './object-store.conformance.js';

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'skald-fs-store-'));
}

runObjectStoreConformance('filesystem', async () => {
  const root = await tempRoot();
  return { store: new FilesystemObjectStore(join(root, 'objects')), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('FilesystemObjectStore', () => {
  it('maps keys to nested files under the root, and prunes empty directories on delete', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root);
      await s.put('t/chunks/ab/1-2-3', Buffer.from('chunk'));
      assert.equal((await stat(join(root, 't', 'chunks', 'ab', '1-2-3'))).size, 5);
      await s.delete('t/chunks/ab/1-2-3');
      assert.deepEqual(await readdir(root), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('leaves no temporary files behind and never lists them', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      await Promise.all(Array.from({ length: 20 }, (_, i) => s.put(`d/k${i % 3}`, Buffer.alloc(1000, i))));
      assert.deepEqual((await readdir(join(root, 'd'))).sort(), ['k0', 'k1', 'k2']);
      await assert.rejects(s.put('d/.skald-tmp-x', Buffer.from('x')), InvalidObjectKeyError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('reports a key that collides with a directory of other keys', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      await s.put('a/b', Buffer.from('x'));
      await assert.rejects(s.put('a', Buffer.from('y')), InvalidObjectKeyError);
      await assert.rejects(s.put('a/b/c', Buffer.from('y')), InvalidObjectKeyError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('reads small objects and large ones (read asynchronously) whole; a directory is not an object', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      for (const size of [0, 1, 4095, 70_000, (2 << 20) + 1, 5 << 20]) {
        const data = Buffer.alloc(size);
        for (let i = 0; i < size; i++) data[i] = (i * 31 + size) & 0xff;
        await s.put(`x/o${size}`, data);
        assert.ok((await s.get(`x/o${size}`)).equals(data), `size ${size}`);
      }
      await assert.rejects(s.get('x'), ObjectNotFoundError);
      await assert.rejects(s.get('x/o1/deeper'), ObjectNotFoundError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
