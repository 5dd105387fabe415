import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidObjectKeyError, ObjectNotFoundError } from './errors.js';
import { FilesystemObjectStore, NODE_FILE_OPS, type FileOps } from './filesystem.js';
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

  it('reads ranges of files it keeps open, and sees its own overwrites and deletes at once', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      await s.put('p/pack', Buffer.from('0123456789'));
      assert.equal((await s.getRange('p/pack', 2, 3)).toString(), '234');
      assert.equal((await s.getRange('p/pack', 8, 5)).toString(), '89');
      await s.put('p/pack', Buffer.from('abcdefghijklmnop'));
      assert.equal((await s.getRange('p/pack', 8, 5)).toString(), 'ijklm');
      await s.putMany([{ key: 'p/pack', data: Buffer.from('XYZ') }]);
      assert.equal((await s.getRange('p/pack', 0, 10)).toString(), 'XYZ');
      await s.delete('p/pack');
      await assert.rejects(s.getRange('p/pack', 0, 1), ObjectNotFoundError);
      await assert.rejects(s.getRange('../escape', 0, 1), InvalidObjectKeyError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('sees a file replaced behind its back once the open file went idle', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      const other = new FilesystemObjectStore(root, { fsync: false });
      await s.put('k', Buffer.from('old'));
      assert.equal((await s.getRange('k', 0, 3)).toString(), 'old');
      await other.put('k', Buffer.from('new'));
      // Open files are closed after a second unused.
      await new Promise((r) => setTimeout(r, 2100));
      assert.equal((await s.getRange('k', 0, 3)).toString(), 'new');
      await other.delete('k');
      await new Promise((r) => setTimeout(r, 2100));
      await assert.rejects(s.getRange('k', 0, 3), ObjectNotFoundError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** Node's file operations, logging each as "op path" (fds resolved to the path opened). */
function recordingOps(log: string[]): FileOps {
  const paths = new Map<number, string>();
  return {
    ...NODE_FILE_OPS,
    open: async (p, flags) => {
      const fd = await NODE_FILE_OPS.open(p, flags);
      paths.set(fd, p);
      return fd;
    },
    fsync: async (fd) => {
      await NODE_FILE_OPS.fsync(fd);
      log.push(`fsync ${paths.get(fd)}`);
    },
    rename: async (from, to) => {
      await NODE_FILE_OPS.rename(from, to);
      log.push(`rename ${from} ${to}`);
    },
    mkdir: async (p) => {
      await NODE_FILE_OPS.mkdir(p);
      log.push(`mkdir ${p}`);
    },
  };
}

describe('FilesystemObjectStore.putMany', () => {
  it('stores every object as put would, and rejects an invalid key', async () => {
    const root = await tempRoot();
    try {
      const store = new FilesystemObjectStore(root, { fsync: false });
      const p = 'batch/';
      const objects = Array.from({ length: 12 }, (_, i) => ({ key: `${p}${i % 3}/k${i}`, data: Buffer.alloc(1000 + i, i) }));
      await store.putMany(objects);
      for (const o of objects) assert.ok((await store.get(o.key)).equals(o.data), o.key);
      assert.equal((await store.list(p)).length, objects.length);
      await store.putMany([]);
      await assert.rejects(store.putMany([{ key: p + 'ok', data: Buffer.from('x') }, { key: p + '../x', data: Buffer.from('x') }]), InvalidObjectKeyError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('stores every object of a batch, in new and existing directories, leaving no temporary files', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root);
      await s.put('t/a/old', Buffer.from('old'));
      const objects = Array.from({ length: 40 }, (_, i) => ({ key: `t/${'abcd'[i % 4]}/k${i}`, data: Buffer.alloc(100 + i, i) }));
      await s.putMany(objects);
      for (const o of objects) assert.ok((await s.get(o.key)).equals(o.data), o.key);
      for (const d of ['a', 'b', 'c', 'd']) {
        assert.ok((await readdir(join(root, 't', d))).every((n) => !n.startsWith('.skald-tmp-')), d);
      }
      assert.equal((await s.list('t/')).length, 41);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('makes each object durable before it is published, and each directory entry after', async () => {
    const root = await tempRoot();
    try {
      const log: string[] = [];
      const s = new FilesystemObjectStore(root, { ops: recordingOps(log) });
      await s.putMany([
        { key: 'x/y/one', data: Buffer.from('1') },
        { key: 'x/y/two', data: Buffer.from('2') },
        { key: 'x/z/three', data: Buffer.from('3') },
      ]);
      const at = (entry: string): number => {
        const i = log.indexOf(entry);
        assert.ok(i >= 0, `${entry} in ${log.join('\n')}`);
        return i;
      };
      // A new directory is made durable in its parent before anything is renamed into it.
      for (const [dir, parent] of [['x', ''], ['x/y', 'x'], ['x/z', 'x']]) {
        assert.ok(at(`mkdir ${join(root, dir)}`) < at(`fsync ${join(root, parent)}`));
      }
      for (const [dir, name] of [['x/y', 'one'], ['x/y', 'two'], ['x/z', 'three']]) {
        const rename = log.find((l) => l.startsWith('rename ') && l.endsWith(` ${join(root, dir, name)}`));
        assert.ok(rename !== undefined, name);
        const tmp = rename.split(' ')[1];
        // The file's data is synced before its rename, and the rename before its directory's sync.
        assert.ok(at(`fsync ${tmp}`) < log.indexOf(rename));
        assert.ok(log.indexOf(rename) < log.lastIndexOf(`fsync ${join(root, dir)}`));
      }
      // One directory sync per directory written, not one per object.
      assert.equal(log.filter((l) => l === `fsync ${join(root, 'x', 'y')}`).length, 1);
      log.length = 0;
      await s.putMany([{ key: 'x/y/four', data: Buffer.from('4') }]);
      assert.ok(!log.some((l) => l.startsWith('mkdir')), 'known directories are not created again');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects a batch with a conflicting key, leaving the other objects whole and no temporary files', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      await s.put('d/sub/k', Buffer.from('x'));
      await assert.rejects(s.putMany([{ key: 'd/ok', data: Buffer.from('fine') }, { key: 'd/sub', data: Buffer.from('y') }]), InvalidObjectKeyError);
      assert.deepEqual((await readdir(join(root, 'd'))).sort(), ['ok', 'sub']);
      assert.equal((await s.get('d/ok')).toString(), 'fine');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('writes into a directory again after a delete pruned it', async () => {
    const root = await tempRoot();
    try {
      const s = new FilesystemObjectStore(root, { fsync: false });
      await s.put('p/q/k', Buffer.from('1'));
      await s.delete('p/q/k');
      assert.deepEqual(await readdir(root), []);
      await s.putMany([{ key: 'p/q/k', data: Buffer.from('2') }]);
      assert.equal((await s.get('p/q/k')).toString(), '2');
      // Pruned behind the store's back: the cached directory is found missing and made again.
      await rm(join(root, 'p'), { recursive: true });
      await s.put('p/q/k2', Buffer.from('3'));
      assert.equal((await s.get('p/q/k2')).toString(), '3');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
