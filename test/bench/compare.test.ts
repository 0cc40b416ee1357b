import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/types.ts';
import { bestOf, compareWithBaseline, formatComparison, matches, metricOf, type Baseline } from '../../src/bench/compare.ts';
import { deriveChecks } from '../../src/bench/baseline.ts';

function result(over: Partial<BenchResult> & Pick<BenchResult, 'benchmark' | 'backend'>): BenchResult {
  return { sizes: {}, environment: 'node', adapter: null, version: '0.1.0', commit: 'abc', ...over };
}

/** A synthetic run: core at two sizes on both backends, nbp fused vs circuit. */
function run(scale: { gpu4k?: number; gpu100k?: number; cpu?: number; fused?: number; dispatches?: number } = {}): BenchResult[] {
  const cpu = scale.cpu ?? 1;
  return [
    result({ benchmark: 'core', backend: 'cpu', sizes: { neurons: 4000 }, neuronStepsPerS: 2e6 * cpu }),
    result({
      benchmark: 'core',
      backend: 'webgpu',
      sizes: { neurons: 4000 },
      neuronStepsPerS: 1e6 * (scale.gpu4k ?? 1) * cpu,
      dispatchesPerStep: scale.dispatches ?? 3,
      submitsPerStep: 0.01,
    }),
    result({ benchmark: 'core', backend: 'cpu', sizes: { neurons: 100000 }, neuronStepsPerS: 1.5e6 * cpu }),
    result({
      benchmark: 'core',
      backend: 'webgpu',
      sizes: { neurons: 100000 },
      neuronStepsPerS: 6e6 * (scale.gpu100k ?? 1) * cpu,
      dispatchesPerStep: 3,
      submitsPerStep: 0.01,
    }),
    result({ benchmark: 'nbp', backend: 'webgpu', sizes: { replicas: 3 }, samplesPerS: 900 * (scale.fused ?? 1) * cpu, extra: { engine: 'fused' } }),
    result({ benchmark: 'nbp', backend: 'webgpu', sizes: { replicas: 3 }, samplesPerS: 30 * cpu, extra: { engine: 'circuit' } }),
  ];
}

const RATIOS = [
  { benchmark: 'core', metric: 'neuronStepsPerS' as const, axis: 'backend' as const, numerator: 'webgpu', denominator: 'cpu' },
  { benchmark: 'nbp', metric: 'samplesPerS' as const, axis: 'extra.engine' as const, numerator: 'fused', denominator: 'circuit' },
];
const COUNTERS = [{ benchmark: 'core', metric: 'dispatchesPerStep' as const, backend: 'webgpu' as const }];

function baselineFrom(results: BenchResult[]): Baseline {
  return {
    schema: 1,
    tolerance: 0.3,
    counterTolerance: 0,
    recorded: { date: '2026-01-01', version: '0.1.0', commit: 'abc', environment: 'node', adapter: null, machine: 'test' },
    suite: [{ name: 'core', quick: true }],
    checks: deriveChecks(results, RATIOS, COUNTERS),
  };
}

describe('deriveChecks', () => {
  it('pairs results that differ only along the axis', () => {
    const checks = deriveChecks(run(), RATIOS, COUNTERS);
    const ratios = checks.filter((c) => c.kind === 'ratio');
    expect(ratios.map((c) => [c.id, c.baseline])).toEqual([
      ['core neurons=4000: webgpu/cpu neuronStepsPerS', 0.5],
      ['core neurons=100000: webgpu/cpu neuronStepsPerS', 4],
      ['nbp replicas=3: fused/circuit samplesPerS', 30],
    ]);
    const counters = checks.filter((c) => c.kind === 'counter');
    expect(counters.map((c) => [c.id, c.baseline])).toEqual([
      ['core webgpu neurons=4000: dispatchesPerStep', 3],
      ['core webgpu neurons=100000: dispatchesPerStep', 3],
    ]);
  });

  it('pairs across ignored sizes, on the named extras only, and names them in the id', () => {
    const results = [
      result({ benchmark: 'nbp', backend: 'cpu', sizes: { replicas: 3, samples: 5000 }, samplesPerS: 60000, extra: { phase: 'train', threads: 2 } }),
      result({
        benchmark: 'nbp',
        backend: 'webgpu',
        sizes: { replicas: 3, samples: 1000 },
        samplesPerS: 1500,
        extra: { phase: 'train', threads: null, strategy: 'fused' },
      }),
      result({ benchmark: 'nbp', backend: 'cpu', sizes: { replicas: 3, samples: 10000 }, samplesPerS: 3e5, extra: { phase: 'infer' } }),
      result({ benchmark: 'nbp', backend: 'webgpu', sizes: { replicas: 3, samples: 10000 }, samplesPerS: 3e4, extra: { phase: 'infer' } }),
    ];
    const rule = {
      benchmark: 'nbp',
      metric: 'samplesPerS' as const,
      axis: 'backend' as const,
      numerator: 'webgpu',
      denominator: 'cpu',
      extraKeys: ['phase'],
    };
    // Without ignoreSizes only the inference pair (same sample count) pairs up.
    expect(deriveChecks(results, [rule], []).map((c) => c.id)).toEqual(['nbp replicas=3 samples=10000 phase=infer: webgpu/cpu samplesPerS']);
    const checks = deriveChecks(results, [{ ...rule, ignoreSizes: ['samples'] }], []);
    expect(checks.map((c) => [c.id, c.baseline])).toEqual([
      ['nbp replicas=3 phase=train: webgpu/cpu samplesPerS', 0.025],
      ['nbp replicas=3 phase=infer: webgpu/cpu samplesPerS', 0.1],
    ]);
    const b = { tolerance: 0.3, counterTolerance: 0, checks };
    expect(compareWithBaseline(b, results).passed).toBe(true);
    const slower = results.map((r) => (r.backend === 'webgpu' && r.extra?.phase === 'infer' ? { ...r, samplesPerS: 1e4 } : r));
    expect(compareWithBaseline(b, slower).regressions.map((r) => r.id)).toEqual(['nbp replicas=3 phase=infer: webgpu/cpu samplesPerS']);
  });

  it('skips a configuration whose partner is missing', () => {
    const results = run().filter((r) => !(r.benchmark === 'core' && r.backend === 'cpu' && r.sizes.neurons === 4000));
    expect(deriveChecks(results, RATIOS, []).map((c) => c.id)).toEqual([
      'core neurons=100000: webgpu/cpu neuronStepsPerS',
      'nbp replicas=3: fused/circuit samplesPerS',
    ]);
  });
});

describe('compareWithBaseline', () => {
  const baseline = baselineFrom(run());

  it('passes an identical run', () => {
    const c = compareWithBaseline(baseline, run());
    expect(c.passed).toBe(true);
    expect(c.outcomes.every((o) => o.status === 'ok' && o.change === 1)).toBe(true);
  });

  it('passes a uniformly slower machine (every ratio unchanged)', () => {
    const c = compareWithBaseline(baseline, run({ cpu: 0.37 }));
    expect(c.passed).toBe(true);
    expect(c.regressions).toEqual([]);
  });

  it('passes a change within tolerance', () => {
    const c = compareWithBaseline(baseline, run({ gpu100k: 0.75 }));
    expect(c.passed).toBe(true);
    const o = c.outcomes.find((x) => x.id.startsWith('core neurons=100000'))!;
    expect(o.status).toBe('ok');
    expect(o.change).toBeCloseTo(0.75, 10);
  });

  it('fails a fall past tolerance and says which benchmark fell and by how much', () => {
    const c = compareWithBaseline(baseline, run({ gpu100k: 0.5 }));
    expect(c.passed).toBe(false);
    expect(c.regressions.map((r) => r.id)).toEqual(['core neurons=100000: webgpu/cpu neuronStepsPerS']);
    expect(c.regressions[0]!.message).toContain('fell by 50.0 %');
    const text = formatComparison(c);
    expect(text).toContain('REGRESS core neurons=100000');
    expect(text).toContain('bench:check FAILED');
  });

  it('treats exactly the tolerance as a pass and just past it as a regression', () => {
    expect(compareWithBaseline(baseline, run({ fused: 0.7 })).passed).toBe(true);
    expect(compareWithBaseline(baseline, run({ fused: 0.69 })).passed).toBe(false);
  });

  it('honours a tolerance override', () => {
    expect(compareWithBaseline(baseline, run({ gpu4k: 0.6 })).passed).toBe(false);
    expect(compareWithBaseline(baseline, run({ gpu4k: 0.6 }), { tolerance: 0.5 }).passed).toBe(true);
  });

  it('reports a rise past tolerance as an improvement, not a failure', () => {
    const c = compareWithBaseline(baseline, run({ fused: 2 }));
    expect(c.passed).toBe(true);
    expect(c.outcomes.find((o) => o.id.startsWith('nbp'))!.status).toBe('improved');
  });

  it('fails a machine-independent counter that rose', () => {
    const c = compareWithBaseline(baseline, run({ dispatches: 4 }));
    expect(c.passed).toBe(false);
    expect(c.regressions.map((r) => r.id)).toEqual(['core webgpu neurons=4000: dispatchesPerStep']);
    expect(c.regressions[0]!.message).toContain('rose by 33.3 %');
  });

  it('reports missing benchmarks and fails unless allowed', () => {
    const results = run().filter((r) => r.benchmark !== 'nbp');
    const c = compareWithBaseline(baseline, results);
    expect(c.passed).toBe(false);
    expect(c.missing.map((m) => m.id)).toEqual(['nbp replicas=3: fused/circuit samplesPerS']);
    expect(c.missing[0]!.message).toContain('no result matches nbp webgpu replicas=3 engine=fused');
    expect(formatComparison(c)).toContain('MISSING nbp replicas=3');
    expect(compareWithBaseline(baseline, results, { allowMissing: true }).passed).toBe(true);
  });

  it('reports an ambiguous selector as missing rather than guessing', () => {
    const results = [...run(), result({ benchmark: 'core', backend: 'cpu', sizes: { neurons: 4000 }, neuronStepsPerS: 1 })];
    const c = compareWithBaseline(baseline, results);
    expect(c.missing[0]!.message).toContain('2 results match core cpu neurons=4000');
  });
});

describe('selectors', () => {
  it('match only the listed sizes and extras', () => {
    const r = result({ benchmark: 'core', backend: 'webgpu', sizes: { neurons: 10, fanout: 3 }, extra: { engine: 'fused', ratio: 2 } });
    expect(matches(r, { benchmark: 'core', sizes: { neurons: 10 } })).toBe(true);
    expect(matches(r, { benchmark: 'core', sizes: { neurons: 11 } })).toBe(false);
    expect(matches(r, { benchmark: 'core', extra: { engine: 'circuit' } })).toBe(false);
    expect(matches(r, { benchmark: 'core', backend: 'cpu' })).toBe(false);
    expect(metricOf(r, 'extra.ratio')).toBe(2);
    expect(metricOf(r, 'extra.engine')).toBeUndefined();
    expect(metricOf(r, 'usPerStep')).toBeUndefined();
  });
});

describe('bestOf', () => {
  it('keeps, per configuration, the repetition with the highest throughput', () => {
    const slow = run({ cpu: 0.5 });
    const fast = run();
    const mixed = run().map((r, i) =>
      i === 1
        ? { ...r, neuronStepsPerS: r.neuronStepsPerS! * 3 }
        : { ...r, neuronStepsPerS: r.neuronStepsPerS && r.neuronStepsPerS / 4, samplesPerS: r.samplesPerS && r.samplesPerS / 4 },
    );
    const best = bestOf([slow, fast, mixed]);
    expect(best[0]).toBe(fast[0]);
    expect(best[1]).toBe(mixed[1]);
    expect(best[4]).toBe(fast[4]);
  });

  it('refuses repetitions that list different configurations', () => {
    expect(() => bestOf([run(), run().reverse()])).toThrow(/repetitions differ at result 0/);
  });
});

describe('cross-benchmark ratios', () => {
  const rule = {
    name: 'fused/circuit',
    numerator: { benchmark: 'nbp', metric: 'extra.per_replica' as const, extra: { phase: 'train' } },
    denominator: { benchmark: 'nbp-circuit', metric: 'samplesPerS' as const },
  };
  const results = (fused: number) => [
    result({ benchmark: 'nbp', backend: 'cpu', sizes: { replicas: 3 }, samplesPerS: 3 * fused, extra: { phase: 'train', per_replica: fused } }),
    result({ benchmark: 'nbp', backend: 'cpu', sizes: { replicas: 3 }, samplesPerS: 9e5, extra: { phase: 'infer', per_replica: 3e5 } }),
    result({ benchmark: 'nbp-circuit', backend: 'cpu', sizes: { replicas: 1 }, samplesPerS: 250 }),
    result({ benchmark: 'nbp', backend: 'webgpu', sizes: { replicas: 3 }, samplesPerS: 3000, extra: { phase: 'train', per_replica: 1000 } }),
  ];

  it('pairs two benchmarks per backend with a metric for each side', () => {
    const checks = deriveChecks(results(50000), [], [], [rule]);
    // The webgpu side has no circuit result, so only the cpu pair is watched.
    expect(checks.map((c) => [c.id, c.baseline])).toEqual([['fused/circuit (cpu)', 200]]);
    const b = { tolerance: 0.3, counterTolerance: 0, checks };
    expect(compareWithBaseline(b, results(40000)).passed).toBe(true);
    const fell = compareWithBaseline(b, results(25000));
    expect(fell.regressions.map((r) => r.message)).toEqual(['fell by 50.0 % (200 -> 100, tolerance 30.0 %)']);
  });
});
