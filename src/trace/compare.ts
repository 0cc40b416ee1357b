/**
 * Comparison of a result with a trace's expected results (loihi-trace-format.md "Comparing"): spikes as sets of
 * (step, index), u and v element by element. Reports the earliest mismatch.
 */
import type { LoihiTrace, TraceResult } from './format.ts';

/** The first difference between expected and actual results. */
export interface Mismatch {
  step: number;
  group: string;
  index: number;
  /** 'spike': a spike expected but missing, or produced but not expected. */
  kind: 'spike' | 'u' | 'v';
  expected: number | 'spike' | 'no spike';
  got: number | 'spike' | 'no spike';
}

// At equal steps, a u difference explains a v difference, and both explain a spike difference.
const KIND_ORDER: Record<Mismatch['kind'], number> = { u: 0, v: 1, spike: 2 };

function earlier(a: Mismatch, b: Mismatch | undefined): boolean {
  return b === undefined || a.step < b.step || (a.step === b.step && KIND_ORDER[a.kind] < KIND_ORDER[b.kind]);
}

/**
 * The earliest mismatch between `expected` and `got` (by step; at equal steps u before v before spikes, then group
 * order, then index), or undefined if they agree. Both must have the trace's shape (parsed or simulated).
 */
export function compareResults(trace: LoihiTrace, expected: TraceResult, got: TraceResult): Mismatch | undefined {
  let first: Mismatch | undefined;
  const consider = (m: Mismatch): void => {
    if (earlier(m, first)) first = m;
  };
  for (const g of trace.groups) {
    const key = (step: number, index: number): number => step * g.size + index;
    const want = new Set((expected.spikes[g.name] ?? []).map(([s, i]) => key(s, i)));
    const have = new Set((got.spikes[g.name] ?? []).map(([s, i]) => key(s, i)));
    const spikeAt = (k: number, isExpected: boolean): Mismatch => ({
      step: Math.floor(k / g.size),
      group: g.name,
      index: k % g.size,
      kind: 'spike',
      expected: isExpected ? 'spike' : 'no spike',
      got: isExpected ? 'no spike' : 'spike',
    });
    let missing = Infinity;
    for (const k of want) if (!have.has(k) && k < missing) missing = k;
    let extra = Infinity;
    for (const k of have) if (!want.has(k) && k < extra) extra = k;
    if (missing < Infinity) consider(spikeAt(missing, true));
    if (extra < Infinity) consider(spikeAt(extra, false));
    for (const kind of ['u', 'v'] as const) {
      const rowsWant = expected[kind][g.name] ?? [];
      const rowsGot = got[kind][g.name] ?? [];
      for (let r = 0; r < trace.record_steps.length; r++) {
        const a = rowsWant[r] ?? [];
        const b = rowsGot[r] ?? [];
        let i = 0;
        while (i < g.size && a[i] === b[i]) i++;
        if (i === g.size) continue;
        consider({ step: trace.record_steps[r]!, group: g.name, index: i, kind, expected: a[i] ?? NaN, got: b[i] ?? NaN });
        break;
      }
    }
  }
  return first;
}

/** One line: `MISMATCH step S group G index I expected E got X` (u/v values as `u=...`, spikes as spike/no spike). */
export function describeMismatch(m: Mismatch): string {
  const show = (x: Mismatch['expected']): string => (typeof x === 'number' ? `${m.kind}=${Number.isNaN(x) ? 'nothing' : x}` : x);
  return `MISMATCH step ${m.step} group ${m.group} index ${m.index} expected ${show(m.expected)} got ${show(m.got)}`;
}
