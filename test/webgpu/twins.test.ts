/**
 * Each WGSL integer helper against its TypeScript twin in src/loihi, on edge values: u near ±2^23, du = 0 and
 * 4095, dv = 0, 4095 and 4096, the largest |A|. The helpers are taken from the production shader text (with a
 * test entry point appended), so what is tested is what runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { shaderText, type Variant } from '../../src/backends/webgpu/wgsl.ts';
import { PARAMS_WGSL } from '../../src/backends/webgpu/kernels/params.ts';
import {
  clipVoltage,
  decayCurrent,
  decayVoltage,
  trunc0,
  trunc0MulSplit,
  updateCurrent,
  updateVoltage,
  wrapCurrent,
} from '../../src/loihi/neuron.ts';
import { applyWeightExp } from '../../src/loihi/synapse.ts';
import { applyWeightChange } from '../../src/loihi/learning.ts';
import { ACTIVATION_LIMIT, STATE_LIMIT, U_MAX, U_MIN, V_MAX, V_MIN } from '../../src/loihi/constants.ts';
import { intStream } from '../../src/util/random.ts';
import { releaseGpu, testGpu } from './helpers.ts';

afterAll(releaseGpu);

/** Runs `expr` (over a, b, c, d) for every input row in a test entry point appended to a production shader. */
async function runTwin(family: string, variant: Variant, expr: string, rows: number[][]): Promise<Int32Array> {
  const { device } = await testGpu();
  const code = `${shaderText(family, variant)}
@group(0) @binding(100) var<storage, read> twin_in: array<i32>;
@group(0) @binding(101) var<storage, read_write> twin_out: array<i32>;
@compute @workgroup_size(64)
fn twin(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  if (i >= arrayLength(&twin_out)) { return; }
  let a = twin_in[4u * i];
  let b = twin_in[4u * i + 1u];
  let c = twin_in[4u * i + 2u];
  let d = twin_in[4u * i + 3u];
  twin_out[i] = ${expr};
}`;
  const module = device.createShaderModule({ code });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'twin' } });
  const input = new Int32Array(rows.length * 4);
  rows.forEach((row, i) => input.set(row, 4 * i));
  const inBuf = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const outBuf = device.createBuffer({ size: rows.length * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: rows.length * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(inBuf, 0, input);
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 100, resource: { buffer: inBuf } },
      { binding: 101, resource: { buffer: outBuf } },
    ],
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(rows.length / 64));
  pass.end();
  encoder.copyBufferToBuffer(outBuf, 0, read, 0, rows.length * 4);
  device.queue.submit([encoder.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const out = new Int32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [inBuf, outBuf, read]) b.destroy();
  return out;
}

/** Deterministic pseudo-random integers in [min, max]. */
function randomInts(seed: number, count: number, min: number, max: number): number[] {
  const next = intStream(seed);
  return Array.from({ length: count }, () => next(min, max));
}

const U_EDGES = [
  0,
  1,
  -1,
  2,
  -2,
  4095,
  -4095,
  4096,
  -4096,
  4097,
  -4097,
  8191,
  -8191,
  2 ** 22,
  -(2 ** 22),
  8_300_000,
  -8_300_000,
  STATE_LIMIT - 4097,
  -(STATE_LIMIT - 4097),
  STATE_LIMIT - 1,
  -(STATE_LIMIT - 1),
  U_MAX,
  U_MIN,
  ...randomInts(1, 40, U_MIN, U_MAX),
];
const DU_EDGES = [0, 1, 2, 1023, 2047, 3000, 4094, 4095];
const DV_EDGES = [0, 1, 2, 2048, 3001, 4094, 4095, 4096];
const A_EDGES = [
  0,
  1,
  -1,
  2,
  131071,
  -131072,
  131072,
  ACTIVATION_LIMIT,
  -ACTIVATION_LIMIT,
  ...randomInts(2, 12, -ACTIVATION_LIMIT, ACTIVATION_LIMIT),
];
const V_EDGES = U_EDGES.filter((v) => v >= V_MIN && v <= V_MAX);
const BIAS_EDGES = [0, 1, -1, -40, 4095 * 128, -4096 * 128, 352];

const stepVariant: Variant = { PARAMS: PARAMS_WGSL, record: true };

function cross<T extends unknown[]>(...lists: { [K in keyof T]: readonly T[K][] }): T[] {
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((row) => list.map((x) => [...row, x])), [[]]) as T[];
}

async function expectTwin(family: string, variant: Variant, expr: string, rows: number[][], twin: (...args: number[]) => number): Promise<void> {
  const got = await runTwin(family, variant, expr, rows);
  const mismatches = rows
    .map((row, i) => ({ row, expected: twin(...row), got: got[i] }))
    .filter((m) => m.expected !== m.got)
    .slice(0, 5);
  expect(mismatches, `${expr} differs from its twin`).toEqual([]);
}

describe('WGSL integer helpers match their TypeScript twins', () => {
  it('trunc0_mul = trunc0MulSplit = trunc0(x*k) (split product, sign-magnitude rounding)', async () => {
    const ks = [0, 1, 2, 4095 - 4094, 2048, 3072, 4094, 4095, 4096];
    const rows = cross<[number, number]>(U_EDGES, ks);
    await expectTwin('cuba_step', stepVariant, 'trunc0_mul(a, b)', rows, trunc0MulSplit);
    // The split is exact: equal to the 64-bit product rounded toward zero.
    for (const [x, k] of rows) expect(trunc0MulSplit(x, k), `x=${x} k=${k}`).toBe(trunc0(x * k));
  });

  it('decay_current = decayCurrent', async () => {
    await expectTwin('cuba_step', stepVariant, 'decay_current(a, b)', cross<[number, number]>(U_EDGES, DU_EDGES), decayCurrent);
  });

  it('wrap_current = wrapCurrent (Lava wrap: +2^23 stays, -2^23 becomes +2^23)', async () => {
    const xs = [
      0,
      STATE_LIMIT,
      STATE_LIMIT + 1,
      -STATE_LIMIT,
      -STATE_LIMIT + 1,
      -STATE_LIMIT - 1,
      3 * STATE_LIMIT - 1,
      -3 * STATE_LIMIT + 1,
      8_425_973,
    ];
    await expectTwin(
      'cuba_step',
      stepVariant,
      'wrap_current(a)',
      xs.map((x) => [x]),
      wrapCurrent,
    );
    expect(wrapCurrent(-STATE_LIMIT)).toBe(STATE_LIMIT);
  });

  it('update_current = updateCurrent over u, du and the largest |A|', async () => {
    await expectTwin('cuba_step', stepVariant, 'update_current(a, b, c)', cross<[number, number, number]>(U_EDGES, DU_EDGES, A_EDGES), updateCurrent);
  });

  it('decay_voltage = decayVoltage (dv = 4096 clears v)', async () => {
    await expectTwin('cuba_step', stepVariant, 'decay_voltage(a, b)', cross<[number, number]>(V_EDGES, DV_EDGES), decayVoltage);
  });

  it('clip_voltage and update_voltage = clipVoltage and updateVoltage', async () => {
    const xs = [0, V_MAX, V_MAX + 1, V_MIN, V_MIN - 1, 3 * STATE_LIMIT, -3 * STATE_LIMIT];
    await expectTwin(
      'cuba_step',
      stepVariant,
      'clip_voltage(a)',
      xs.map((x) => [x]),
      clipVoltage,
    );
    const rows = cross<[number, number, number, number]>(V_EDGES.slice(0, 24), [0, 1, 4095, 4096], [U_MAX, U_MIN, 0, -366, 8_388_000], BIAS_EDGES);
    await expectTwin('cuba_step', stepVariant, 'update_voltage(a, b, c, d)', rows, updateVoltage);
  });

  // Domain: |sum| < 2^24, so sum << 7 stays inside i32 (group sums of valid networks are far smaller).
  it('apply_weight_exp = applyWeightExp (floor for e < 0)', async () => {
    const sums = [
      0,
      1,
      -1,
      2,
      -2,
      3,
      -3,
      5,
      -5,
      255,
      -256,
      18,
      -6,
      262143,
      -262143,
      2 ** 24 - 1,
      -(2 ** 24 - 1),
      ...randomInts(3, 20, -(2 ** 24 - 1), 2 ** 24 - 1),
    ];
    const exps = Array.from({ length: 16 }, (_, i) => i - 8);
    await expectTwin('cuba_step', stepVariant, 'apply_weight_exp(a, b)', cross<[number, number]>(sums, exps), applyWeightExp);
  });

  it('apply_weight_change = applyWeightChange in deliver and learn', async () => {
    const rows = cross<[number, number, number, number]>(
      [-256, -255, -1, 0, 1, 253, 254, 255],
      [-65536, -4, -2, 0, 2, 4, 65536],
      [-256, -10],
      [254, 255],
    );
    await expectTwin('deliver', { PARAMS: PARAMS_WGSL, learning: true }, 'apply_weight_change(a, b, c, d)', rows, applyWeightChange);
    await expectTwin('learn', { PARAMS: PARAMS_WGSL }, 'apply_weight_change(a, b, c, d)', rows, applyWeightChange);
  });
});
