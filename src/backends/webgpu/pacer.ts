/**
 * Waits for submitted GPU work without spinning the host thread.
 *
 * Dawn for Node (the `webgpu` package) resolves `onSubmittedWorkDone()` / `mapAsync()` by polling its event loop on
 * every tick while a promise is pending, so awaiting a long submit keeps one CPU core busy. On a software adapter
 * (SwiftShader) that core is taken from the driver's own worker threads; on a hardware GPU it is simply wasted. A pacer
 * learns how long one unit of work (a sample, a step) takes, sleeps for most of the expected time with a plain timer
 * (no pending GPU promise, so no polling) and only then awaits the GPU. The estimate is the last measured time per unit,
 * halved when polling found the work already done (the sleep overshot, e.g. after a first call that included shader
 * compilation), so it meets the real rate again within a few calls; it never makes a wait end before the work is done, it only decides when to start
 * polling. Results are unaffected (the GPU's completion is still awaited).
 */
export interface GpuPacer {
  /** Awaits `done()` (the GPU promise), first sleeping for `fraction` of the expected time of `units` units of work. */
  wait<T>(units: number, done: () => Promise<T>): Promise<T>;
  /** Current estimate in milliseconds per unit (0 before the first measurement). */
  readonly msPerUnit: number;
}

export interface GpuPacerOptions {
  /** Share of the expected time to sleep before polling (default 0.85). */
  fraction?: number;
  /** Waits expected to be shorter than this many ms are not paced (default 4: timers are coarse). */
  minSleepMs?: number;
  /** Turn pacing off (then `wait` just awaits `done()`); default on unless SYNFIRE_GPU_SPIN=1. */
  enabled?: boolean;
}

/** A wait that ends within this many ms of polling found the work already done. */
const OVERSHOOT_MS = 1.5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createGpuPacer(options: GpuPacerOptions = {}): GpuPacer {
  const fraction = options.fraction ?? 0.85;
  const minSleepMs = options.minSleepMs ?? 4;
  const env = typeof process !== 'undefined' ? process.env?.SYNFIRE_GPU_SPIN : undefined;
  const enabled = options.enabled ?? env !== '1';
  let msPerUnit = 0;
  return {
    get msPerUnit() {
      return msPerUnit;
    },
    async wait<T>(units: number, done: () => Promise<T>): Promise<T> {
      const t0 = performance.now();
      const expected = msPerUnit * units;
      const slept = enabled && units > 0 && expected * fraction >= minSleepMs;
      if (slept) await sleep(expected * fraction);
      const tPoll = performance.now();
      const result = await done();
      const t1 = performance.now();
      if (units > 0) {
        // Work already finished when polling began: the sleep overshot by an unknown amount, so halve the estimate.
        const overshot = slept && t1 - tPoll < OVERSHOOT_MS;
        msPerUnit = ((t1 - t0) / units) * (overshot ? 0.5 : 1);
      }
      return result;
    },
  };
}
