import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

describe('lowerThreadPriority', () => {
  it('lowers only the calling thread', { skip: !existsSync('/proc/thread-self') && 'no per-thread priorities here' }, async () => {
    const before = getPriority(process.pid);
    const url = JSON.stringify(new URL('./thread-priority.ts', import.meta.url).href);
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const w = new Worker(`
      const { parentPort } = require('node:worker_threads');
      const { readlinkSync } = require('node:fs');
      import(${tsx}).then((t) => { t.register(); return import(${url}); }).then((m) => {
        m.lowerThreadPriority();
        parentPort.postMessage(Number(readlinkSync('/proc/thread-self').split('/').pop()));
      });`, { eval: true });
    try {
      const tid = await new Promise<number>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
      assert.equal(getPriority(tid), Math.min(19, before + 10));
      assert.equal(getPriority(process.pid), before, 'the main thread keeps its priority');
    } finally {
      await w.terminate();
    }
  });
});
