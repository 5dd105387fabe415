import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FairScheduler } from './fair-scheduler.js';

/** Busy-waits ms of main-thread time (a unit of CPU work). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* work */ }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Charges a second of recent main-thread time (one unit is charged at most 100 ms). */
function busy(s: FairScheduler, tenant: string): void {
  for (let i = 0; i < 10; i++) s.charge(tenant, 100);
}

describe('FairScheduler', () => {
  it('never loses a waiting unit when a request that started after an idle sweep ends', async () => {
    const realNow = performance.now.bind(performance);
    let offset = 0;
    performance.now = () => realNow() + offset;
    try {
      const s = new FairScheduler();
      offset += 11_000; // past the sweep interval: the next enter() sweeps
      const releaseFirst = s.enter('a');
      const waiting = s.turn('a');
      // The first request ends while another unit of the tenant waits for its turn.
      releaseFirst();
      const granted = await Promise.race([waiting.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 1000))]);
      assert.equal(granted, true, 'the waiting unit must be granted');
      assert.equal(s.stats('a').waiting, 0);
    } finally {
      performance.now = realNow;
    }
  });

  it('grants one unit per event-loop iteration, so I/O callbacks run between them', async () => {
    const s = new FairScheduler();
    const order: string[] = [];
    const units = [1, 2, 3].map((i) => s.unit('a', () => { order.push(`unit ${i}`); }));
    // An immediate queued now runs between the units, as an I/O callback would.
    setImmediate(() => order.push('between'));
    await Promise.all(units);
    assert.deepEqual(order.slice(0, 2), ['unit 1', 'between']);
    assert.equal(order.length, 4);
  });

  it('gives the next unit to the tenant with the least recent main-thread time', async () => {
    const s = new FairScheduler();
    busy(s, 'heavy');
    const order: string[] = [];
    const heavy = Array.from({ length: 3 }, (_, i) => s.unit('heavy', () => { order.push(`heavy ${i}`); }));
    const light = s.unit('light', () => { order.push('light'); });
    await Promise.all([...heavy, light]);
    assert.equal(order[0], 'light');
    assert.deepEqual(order.slice(1), ['heavy 0', 'heavy 1', 'heavy 2']);
  });

  it('holds a heavier tenant\'s units while a lighter tenant has a request in flight, up to a bound', async () => {
    // A long bound, so that a slow machine cannot make the hold expire during the ticks below.
    let s = new FairScheduler(60_000);
    busy(s, 'heavy');
    const done = s.enter('light');
    let ran = false;
    const unit = s.unit('heavy', () => { ran = true; });
    for (let i = 0; i < 5; i++) await tick();
    assert.equal(ran, false, 'waits while the light request is in flight');
    done();
    await unit;
    assert.equal(ran, true);

    // A light request that never ends delays the heavy tenant by a bounded time only.
    s = new FairScheduler(50);
    busy(s, 'heavy');
    s.enter('light');
    const t0 = performance.now();
    await s.unit('heavy', () => undefined);
    const waited = performance.now() - t0;
    assert.ok(waited < 500, `waited ${waited} ms`);
  });

  it('does not hold a tenant for a heavier one, nor a tenant that is alone', async () => {
    const s = new FairScheduler();
    busy(s, 'heavy');
    s.enter('heavy');
    let ran = 0;
    void s.unit('light', () => ran++);
    void s.unit('solo', () => ran++);
    // Held units would wait 50 ms; these run on the next loop iterations.
    for (let i = 0; i < 3; i++) await tick();
    assert.equal(ran, 2);
  });

  it('keeps a tenant to its CPU share while others are active, and not when it is alone', async () => {
    const s = new FairScheduler();
    s.setShares((t) => (t === 'a' ? 0.25 : 0));
    // A's recent use is above its share: it is being capped.
    busy(s, 'a');
    const work = async (n: number): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await s.unit('a', () => spin(4));
      return performance.now() - t0;
    };
    const alone = await work(10);
    const stop = s.enter('b');
    const shared = await work(10);
    stop();
    // 40 ms of work: alone it takes about that; at a 25% share, about 4x as long (and b's request
    // also holds it for up to 50 ms).
    assert.ok(shared > alone + 90, `alone ${alone} ms, shared ${shared} ms`);
  });

  it('never spaces the units of a light tenant', async () => {
    const s = new FairScheduler();
    s.setShares(() => 0.25);
    busy(s, 'a');
    s.enter('a');
    for (let i = 0; i < 20; i++) {
      await s.unit('b', () => spin(2));
      assert.equal(s.stats('b').capped, false);
    }
    assert.equal(s.stats('a').capped, true);
  });

  it('yields paced work of a bound query through the tenant\'s turns, in short slices when capped', async () => {
    const s = new FairScheduler();
    const signal = new AbortController().signal;
    assert.equal(s.yielder(signal), undefined, 'an unbound query yields as before');
    s.bind(signal, 'q');
    const y = s.yielder(signal)!;
    assert.equal(y.sliceMs, undefined);
    spin(3);
    await y();
    assert.ok(s.stats('q').usageMs >= 2.5, 'the slice was charged to the tenant');

    s.setShares(() => 0.5);
    busy(s, 'q');
    s.enter('other');
    assert.equal(s.yielder(signal)!.sliceMs, 1);
  });

  it('forgets a tenant once it is idle and its recent time has decayed', () => {
    const s = new FairScheduler();
    const done = s.enter('t');
    assert.equal(s.stats('t').inflight, 1);
    done();
    done();
    assert.deepEqual(s.stats('t'), { usageMs: 0, inflight: 0, waiting: 0, capped: false });
  });
});
