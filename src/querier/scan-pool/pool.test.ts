import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { blockFrames, compressBlock } from '../../chunk/block.js';
import { checksum } from '../../chunk/checksum.js';
import { getCodec } from '../../chunk/index.js';
import { ScanPool, ScanWorkerError } from './pool.js';
import { BLOCK_FIELDS, FAILED, NOT_FOUND, PACKED } from './protocol.js';

/** A format-2 block: a small head, then `lines`. */
function block(lines: string): { data: Buffer; rawLength: number; linesSize: number } {
  const l = Buffer.from(lines);
  const raw = Buffer.concat([Buffer.from('head-bytes'), l]);
  return { data: compressBlock(getCodec('zstd'), raw, l.length), rawLength: raw.length, linesSize: l.length };
}

function job(pool: ScanPool, needle: string | string[], blocks: { data: Buffer; rawLength: number; linesSize: number }[], crc = 1) {
  const bytes = blocks.reduce((n, b) => n + b.data.length, 0);
  const data = pool.buffer(bytes);
  const desc = new Int32Array(blocks.length * BLOCK_FIELDS);
  let off = 0;
  blocks.forEach((b, i) => {
    data.set(b.data, off);
    desc.set([PACKED, off, b.data.length, b.rawLength, b.linesSize, crc], i * BLOCK_FIELDS);
    off += b.data.length;
  });
  return { encoding: 'zstd' as const, needles: (Array.isArray(needle) ? needle : [needle]).map((n) => new Uint8Array(Buffer.from(n))), data, blocks: desc };
}

describe('ScanPool', () => {
  const pools: ScanPool[] = [];
  after(async () => { await Promise.all(pools.map((p) => p.close())); });
  const newPool = (n: number): ScanPool => {
    const p = new ScanPool(n);
    pools.push(p);
    return p;
  };

  it('returns the lines of the blocks that hold the needle, and every block CRC', async () => {
    const pool = newPool(2);
    const blocks = [block('a line\nanother line\n'), block('x needle-xyz y\n'), block('needle-xy z\n'), block('')];
    const r = await pool.scan(job(pool, 'needle-xyz', blocks));
    assert.deepEqual([...r.found].map((f) => (f >= 0 ? 'hit' : f)), [NOT_FOUND, 'hit', NOT_FOUND, NOT_FOUND]);
    assert.equal(Buffer.from(r.lines.buffer, r.lines.byteOffset + r.found[1], blocks[1].linesSize).toString(), 'x needle-xyz y\n');
    assert.deepEqual([...r.crcs], blocks.map((b) => checksum(b.data)));
    assert.deepEqual(r.errors, [null, null, null, null]);
    // Without the CRC flag, no CRC.
    const r2 = await pool.scan(job(pool, 'line', blocks.slice(0, 1), 0));
    assert.equal(r2.crcs[0], 0);
    assert.ok(r2.found[0] >= 0);
    // Several literals: a block must hold every one.
    const r3 = await pool.scan(job(pool, ['needle', 'xyz'], blocks));
    assert.deepEqual([...r3.found].map((f) => f >= 0), [false, true, false, false]);
  });

  it('reads blocks in shared memory in place, beside packed ones', async () => {
    const pool = newPool(1);
    const blocks = [block('no match\n'), block('a needle here\n'), block('needle again\n')];
    // Blocks 0 and 2 at odd offsets of one shared buffer, block 1 packed into the job's data.
    const sab = new SharedArrayBuffer(4096);
    const view = Buffer.from(sab);
    const at = [7, 0, 7 + blocks[0].data.length + 3];
    view.set(blocks[0].data, at[0]);
    view.set(blocks[2].data, at[2]);
    const data = pool.buffer(blocks[1].data.length);
    data.set(blocks[1].data);
    const desc = new Int32Array(3 * BLOCK_FIELDS);
    desc.set([0, at[0], blocks[0].data.length, blocks[0].rawLength, blocks[0].linesSize, 1], 0);
    desc.set([PACKED, 0, blocks[1].data.length, blocks[1].rawLength, blocks[1].linesSize, 1], BLOCK_FIELDS);
    desc.set([0, at[2], blocks[2].data.length, blocks[2].rawLength, blocks[2].linesSize, 1], 2 * BLOCK_FIELDS);
    const r = await pool.scan({ encoding: 'zstd', needles: [new Uint8Array(Buffer.from('needle'))], data, shared: [sab], blocks: desc });
    assert.deepEqual([...r.found].map((f) => f >= 0), [false, true, true]);
    assert.deepEqual([...r.crcs], blocks.map((b) => checksum(b.data)));
    assert.equal(Buffer.from(r.lines.buffer, r.lines.byteOffset + r.found[2], blocks[2].linesSize).toString(), 'needle again\n');
    // The shared buffer is not transferred: it stays usable here.
    assert.equal(view.length, 4096);
  });

  it('reports a block that does not decompress, and goes on with the others', async () => {
    const pool = newPool(1);
    const good = block('has needle\n');
    const bad = block('has needle too\n');
    const data = Buffer.from(bad.data);
    // The lines frame's zstd magic number.
    const f = blockFrames(data, bad.rawLength, bad.linesSize);
    data.fill(0xff, f.lines.byteOffset - data.byteOffset, f.lines.byteOffset - data.byteOffset + 4);
    const r = await pool.scan(job(pool, 'needle', [{ ...bad, data }, good]));
    assert.equal(r.found[0], FAILED);
    assert.match(r.errors[0] ?? '', /zstd/);
    assert.ok(r.found[1] >= 0);
  });

  it('runs many jobs at once on all workers, each answered once', async () => {
    const pool = newPool(2);
    const blocks = Array.from({ length: 6 }, (_, i) => block(`line ${i}\n`.repeat(500) + (i % 2 ? 'needle\n' : '')));
    const replies = await Promise.all(Array.from({ length: 20 }, () => pool.scan(job(pool, 'needle', blocks))));
    for (const r of replies) assert.deepEqual([...r.found].map((f) => f >= 0), [false, true, false, true, false, true]);
    assert.equal(pool.running, 2);
  });

  it('fails the jobs of a crashed worker with a 500 and replaces the worker', async () => {
    const pool = newPool(1);
    await pool.scan(job(pool, 'x', [block('x\n')]));
    // A needle that is not bytes makes the worker throw outside its per-block handling.
    const bad = { ...job(pool, 'x', [block('x\n')]), needles: undefined as unknown as Uint8Array<ArrayBuffer>[] };
    await assert.rejects(pool.scan(bad), (e: unknown) => e instanceof ScanWorkerError && e.status === 500);
    const r = await pool.scan(job(pool, 'x', [block('x\n')]));
    assert.ok(r.found[0] >= 0);
    assert.equal(pool.running, 1);
  });

  it('drops the queued jobs of an owner, and close() ends the workers', async () => {
    const pool = newPool(1);
    const owner = {};
    const big = [block('hay\n'.repeat(50_000))];
    const jobs = Array.from({ length: 6 }, () => pool.scan(job(pool, 'needle', big), owner));
    const settled = Promise.allSettled(jobs);
    pool.drop(owner, new Error('gone'));
    assert.equal(pool.queued, 0);
    const res = await settled;
    assert.ok(res.filter((r) => r.status === 'rejected').length >= 4, 'queued jobs are rejected');
    assert.ok(res.filter((r) => r.status === 'fulfilled').length >= 1, 'started jobs still answer');
    // A queued job can be taken back by its ticket; a started one cannot.
    const t1 = {};
    const t2 = {};
    const running = pool.scan(job(pool, 'needle', big), owner, t1);
    // A worker holds two jobs: the third waits in the queue.
    const second = pool.scan(job(pool, 'needle', big));
    const waiting = pool.scan(job(pool, 'needle', big), owner, t2);
    const waitingDone = waiting.then(() => 'ran', () => 'withdrawn');
    assert.equal(pool.withdraw(t2, new Error("mine")), 1);
    assert.equal(await waitingDone, 'withdrawn');
    assert.ok((await running).found.length === 1);
    await second;
    assert.equal(pool.withdraw(t1, new Error("mine")), 0);
    await pool.close();
    assert.equal(pool.running, 0);
    await assert.rejects(pool.scan(job(pool, 'x', [block('x\n')])), ScanWorkerError);
  });
});
