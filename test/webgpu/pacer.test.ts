import { describe, expect, it } from 'vitest';
import { createGpuPacer } from '../../src/backends/webgpu/pacer.ts';

/**
 * A fake GPU: work of `ms` milliseconds started at submit time; done() resolves when it is finished. Node's timers may
 * fire up to about 1 ms before the requested time as `performance.now()` counts it, so the fake re-arms until the end
 * really has passed: "done" never comes early, whatever the timer does.
 */
function fakeSubmit(ms: number) {
  const end = performance.now() + ms;
  let polled: number | null = null;
  const finished = (resolve: (v: string) => void) => {
    const left = end - performance.now();
    if (left <= 0) resolve('ok');
    else setTimeout(() => finished(resolve), Math.ceil(left));
  };
  return {
    done: () => {
      polled = performance.now();
      return new Promise<string>((resolve) => finished(resolve));
    },
    polledAt: () => polled,
    end,
  };
}

describe('GPU pacer', () => {
  it('learns the rate, then starts polling late in the wait but never returns before the work is done', async () => {
    const pacer = createGpuPacer({ fraction: 0.8, minSleepMs: 1, enabled: true });
    expect(pacer.msPerUnit).toBe(0);
    const first = fakeSubmit(40);
    const t0 = performance.now();
    expect(await pacer.wait(100, first.done)).toBe('ok');
    expect(first.polledAt()! - t0).toBeLessThan(10); // no estimate yet: polls at once
    expect(pacer.msPerUnit).toBeGreaterThan(0.3);
    const second = fakeSubmit(40);
    const t1 = performance.now();
    await pacer.wait(100, second.done);
    expect(performance.now()).toBeGreaterThanOrEqual(second.end);
    expect(second.polledAt()! - t1).toBeGreaterThan(25); // slept most of the expected 40 ms before polling
  });

  it('shrinks an overestimate instead of sleeping ever longer', async () => {
    const pacer = createGpuPacer({ fraction: 0.5, minSleepMs: 1, enabled: true });
    await pacer.wait(10, fakeSubmit(60).done); // 6 ms/unit
    for (let i = 0; i < 4; i++) await pacer.wait(10, fakeSubmit(5).done);
    expect(pacer.msPerUnit).toBeLessThan(1.5);
  });

  it('does not sleep when disabled or for short waits', async () => {
    for (const pacer of [createGpuPacer({ enabled: false }), createGpuPacer({ minSleepMs: 1000, enabled: true })]) {
      await pacer.wait(10, fakeSubmit(20).done);
      const s = fakeSubmit(20);
      const t = performance.now();
      await pacer.wait(10, s.done);
      expect(s.polledAt()! - t).toBeLessThan(10);
    }
  });
});
