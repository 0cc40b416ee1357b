/**
 * NIR graph -> synfire network description (docs/nir.md). Spiking nodes (Input, CubaLIF, LIF) become spike
 * sources and compartment groups; the Affine/Linear/Delay nodes on the edges between them become projections.
 * Continuous parameters are quantized to Loihi integers (quantize.ts) and every quantization is reported.
 * A file written by `synfire export-nir` carries synfire's integer extension; it is then read exactly.
 */
import { RANGES, VTH_SHIFT } from '../loihi/constants.ts';
import type { SignMode } from '../loihi/synapse.ts';
import type { CompartmentGroup, Network, Projection, SpikeSource } from '../network/types.ts';
import { validateNetwork } from '../network/validate.ts';
import type { H5Dataset, H5Group } from './hdf5.ts';
import { NirError, type NirArray, type NirGraph, type NirNode } from './graph.ts';
import { errorStats, quantizeBias, quantizeDu, quantizeDv, quantizeWeights, type ErrorStats } from './quantize.ts';

/** NIR primitives synfire maps. Everything else is refused with an error naming the node. */
export const SUPPORTED_NIR_TYPES = ['Input', 'Output', 'CubaLIF', 'LIF', 'Affine', 'Linear', 'Delay'] as const;
/** NIR primitives known to exist and refused (docs/nir.md says why). */
export const REFUSED_NIR_TYPES: Record<string, string> = {
  Conv1d: 'convolutions are not expanded to dense projections',
  Conv2d: 'convolutions are not expanded to dense projections',
  SumPool2d: 'pooling is not supported',
  AvgPool2d: 'pooling is not supported',
  Flatten: 'reshaping nodes are not supported',
  Scale: 'elementwise scaling between nodes is not supported',
  Threshold: 'a stateless threshold has no Loihi compartment equivalent',
  IF: 'non-leaky neurons are not mapped (would need dv = 0 and an input gain without dt/tau)',
  I: 'integrators without a threshold do not spike',
  LI: 'leaky integrators without a threshold do not spike',
  CubaLI: 'leaky integrators without a threshold do not spike',
  NIRGraph: 'nested graphs are not flattened; flatten the graph before export',
};

/** The network plus where it came from: NET.json is this object (docs/nir.md). */
export interface NirNetwork extends Network {
  meta?: NirMeta;
}

export interface NirMeta {
  /** NIR file the description was imported from. */
  source?: string;
  nirVersion?: string;
  /** Seconds per step used for quantization. */
  dt?: number;
  /** NIR Input node -> spike source of the same name. */
  inputs?: Record<string, string>;
  /** NIR Output node -> group that feeds it. */
  outputs?: Record<string, string>;
}

export interface ImportOptions {
  /** Seconds per step (default 1). */
  dt?: number;
  /** Threshold mantissa every group gets (VTH = vth << 6); parameters are scaled per neuron so that the NIR
   * threshold maps to it exactly. Default 8192. */
  vth?: number;
  /** Read synfire's integer extension when present (default true). false re-quantizes the float parameters. */
  useExtension?: boolean;
  /** File name for messages and meta. */
  file?: string;
}

/** The quantization error of one parameter of one node, in the NIR parameter's own units. */
export interface ParameterError extends ErrorStats {
  node: string;
  param: string;
  /** The integer parameter(s) it became. */
  loihi: string;
}

export interface ImportReport {
  file: string;
  nirVersion: string;
  dt: number;
  vth: number;
  /** True when the file's synfire extension was read (no quantization). */
  exact: boolean;
  errors: ParameterError[];
  notes: string[];
}

export const DEFAULT_VTH = 8192;
/** Largest single-spike u change of an 8-bit mixed weight (254 << 7, then << 6). */
const MAX_WEIGHT_EFFECT = 254 * 128 * 64;
/** Largest bias (4095 << 7). */
const MAX_BIAS = 4095 * 128;

// ---------------------------------------------------------------------------------------------------------------
// Parameters

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function param(node: NirNode, name: string, key: string, required: boolean): NirArray | undefined {
  const value = node.params.get(key);
  if (value === undefined) {
    if (required) throw new NirError(`node '${name}' (${node.type}): missing parameter '${key}'`);
    return undefined;
  }
  if (typeof value === 'string') throw new NirError(`node '${name}' (${node.type}): parameter '${key}' is a string, expected numbers`);
  for (let i = 0; i < value.data.length; i++) {
    if (!Number.isFinite(value.data[i]!)) throw new NirError(`node '${name}' (${node.type}): ${key}[${i}] = ${value.data[i]} is not finite`);
  }
  return value;
}

/** A per-neuron parameter of length n (a scalar or a length-1 array is broadcast). */
function perNeuron(node: NirNode, name: string, key: string, n: number, fallback?: number): Float64Array {
  const p = param(node, name, key, fallback === undefined);
  if (!p) return new Float64Array(n).fill(fallback!);
  if (p.data.length === n) return p.data;
  if (p.data.length === 1) return new Float64Array(n).fill(p.data[0]!);
  throw new NirError(`node '${name}' (${node.type}): '${key}' has ${p.data.length} values (shape [${p.shape}]), expected ${n}`);
}

interface NeuronParams {
  size: number;
  /** dt/tau_syn per neuron (CubaLIF) or undefined (LIF: no synaptic filter). */
  alpha?: Float64Array;
  beta: Float64Array;
  r: Float64Array;
  vLeak: Float64Array;
  vThreshold: Float64Array;
  wIn: Float64Array;
}

function neuronParams(node: NirNode, name: string, dt: number): NeuronParams {
  const th = param(node, name, 'v_threshold', true)!;
  const n = size(th.shape);
  const cuba = node.type === 'CubaLIF';
  const tauMem = perNeuron(node, name, cuba ? 'tau_mem' : 'tau', n);
  const tauSyn = cuba ? perNeuron(node, name, 'tau_syn', n) : undefined;
  const result: NeuronParams = {
    size: n,
    alpha: tauSyn?.map((t) => dt / t),
    beta: tauMem.map((t) => dt / t),
    r: perNeuron(node, name, 'r', n),
    vLeak: perNeuron(node, name, 'v_leak', n),
    vThreshold: perNeuron(node, name, 'v_threshold', n),
    wIn: cuba ? perNeuron(node, name, 'w_in', n, 1) : new Float64Array(n).fill(1),
  };
  const vReset = perNeuron(node, name, 'v_reset', n, 0);
  const check = (ok: (i: number) => boolean, what: (i: number) => string): void => {
    for (let i = 0; i < n; i++) if (!ok(i)) throw new NirError(`node '${name}' (${node.type}): ${what(i)}`);
  };
  check(
    (i) => vReset[i] === 0,
    (i) => `v_reset[${i}] = ${vReset[i]}; Loihi resets v to 0, so only v_reset = 0 is supported`,
  );
  check(
    (i) => result.vThreshold[i]! > 0,
    (i) => `v_threshold[${i}] = ${result.vThreshold[i]} must be > 0 (parameters are scaled so the threshold maps to vth)`,
  );
  check(
    (i) => result.beta[i]! >= 0 && Number.isFinite(result.beta[i]!),
    (i) => `${cuba ? 'tau_mem' : 'tau'}[${i}] = ${tauMem[i]} gives dt/tau = ${result.beta[i]}, expected a positive time constant`,
  );
  if (result.alpha)
    check(
      (i) => result.alpha![i]! >= 0 && Number.isFinite(result.alpha![i]!),
      (i) => `tau_syn[${i}] = ${tauSyn![i]} is not a positive time constant`,
    );
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Graph walk: every edge into a neuron node is traced back through Affine/Linear/Delay to a spiking node.

interface Path {
  /** The spiking node the path starts at. */
  from: string;
  /** The weight node on the path, if any (at most one). */
  weight?: string;
  /** Delay in steps per presynaptic index (Delay nodes before the weight node) and per target (after it). */
  delayPre?: Float64Array;
  delayPost?: Float64Array;
}

const SPIKING = new Set(['Input', 'CubaLIF', 'LIF']);
const TRANSFORMS = new Set(['Affine', 'Linear', 'Delay']);

function addDelays(a: Float64Array | undefined, b: Float64Array): Float64Array {
  if (!a) return b;
  if (a.length !== b.length) throw new NirError(`two Delay nodes in a row have different sizes (${a.length} and ${b.length})`);
  return a.map((x, i) => x + b[i]!);
}

// ---------------------------------------------------------------------------------------------------------------

function report(
  errors: ParameterError[],
  node: string,
  param: string,
  loihi: string,
  targets: ArrayLike<number>,
  quantized: ArrayLike<number>,
): void {
  errors.push({ node, param, loihi, ...errorStats(targets, quantized) });
}

/** Imports a NIR graph. Throws NirError for unsupported or malformed graphs, NetworkError if the result is invalid. */
export function importNir(graph: NirGraph, options: ImportOptions = {}): { network: NirNetwork; report: ImportReport } {
  const file = options.file ?? 'graph';
  if (graph.synfire && options.useExtension !== false) {
    const result = importExtension(graph, file);
    if (options.dt !== undefined || options.vth !== undefined)
      result.report.notes.push('dt and vth options are ignored: the extension holds the integers (use --no-extension to re-quantize)');
    return result;
  }
  const dt = options.dt ?? 1;
  if (!(dt > 0) || !Number.isFinite(dt)) throw new NirError(`dt = ${dt} must be a positive number of seconds per step`);
  const vth = options.vth ?? DEFAULT_VTH;
  if (!Number.isInteger(vth) || vth < 1 || vth > RANGES.vth.max) throw new NirError(`vth = ${vth} must be an integer in 1..${RANGES.vth.max}`);
  const VTH = vth * 2 ** VTH_SHIFT;

  for (const [name, node] of graph.nodes) {
    if (SPIKING.has(node.type) || TRANSFORMS.has(node.type) || node.type === 'Output') continue;
    const why = REFUSED_NIR_TYPES[node.type];
    throw new NirError(
      `${file}: node '${name}' has NIR type '${node.type}', which synfire does not support${why ? ` (${why})` : ''}; supported: ${SUPPORTED_NIR_TYPES.join(', ')}`,
    );
  }
  const incoming = new Map<string, string[]>();
  for (const [a, b] of graph.edges) incoming.set(b, [...(incoming.get(b) ?? []), a]);

  const errors: ParameterError[] = [];
  const notes: string[] = [];
  const sources: SpikeSource[] = [];
  const groups: CompartmentGroup[] = [];
  const sizes = new Map<string, number>();
  const neuron = new Map<string, NeuronParams>();
  const inputs: Record<string, string> = {};
  const outputs: Record<string, string> = {};

  for (const [name, node] of graph.nodes) {
    if (node.type === 'Input') {
      const shape = param(node, name, 'shape', true)!;
      const n = size(Array.from(shape.data));
      if (!Number.isInteger(n) || n < 1) throw new NirError(`node '${name}' (Input): shape [${Array.from(shape.data)}] has no neurons`);
      sources.push({ name, size: n });
      sizes.set(name, n);
      inputs[name] = name;
    } else if (node.type === 'CubaLIF' || node.type === 'LIF') {
      const p = neuronParams(node, name, dt);
      neuron.set(name, p);
      sizes.set(name, p.size);
    }
  }

  /** Traces the input of `node` (a transform or neuron node) back to spiking nodes. */
  const trace = (target: string, seen: string[]): Path[] => {
    const paths: Path[] = [];
    for (const src of incoming.get(target) ?? []) {
      const node = graph.nodes.get(src)!;
      if (SPIKING.has(node.type)) {
        paths.push({ from: src });
        continue;
      }
      if (node.type === 'Output') throw new NirError(`edge '${src}' -> '${target}': an Output node cannot feed other nodes`);
      if (seen.includes(src))
        throw new NirError(
          `node '${src}' (${node.type}): a loop through transform nodes only (${[...seen, src].join(' -> ')}) has no spiking node to break it`,
        );
      const upstream = trace(src, [...seen, src]);
      if (upstream.length === 0) throw new NirError(`node '${src}' (${node.type}) has no input edge`);
      for (const up of upstream) {
        if (node.type === 'Delay') {
          const d = param(node, src, 'delay', true)!.data.map((x) => x / dt);
          if (up.weight) paths.push({ ...up, delayPost: addDelays(up.delayPost, d) });
          else paths.push({ ...up, delayPre: addDelays(up.delayPre, d) });
        } else {
          if (up.weight)
            throw new NirError(
              `node '${src}' (${node.type}) follows weight node '${up.weight}' (${graph.nodes.get(up.weight)!.type}) without a neuron between them; synfire needs one weight node per connection`,
            );
          paths.push({ ...up, weight: src });
        }
      }
    }
    return paths;
  };

  const projections: Projection[] = [];
  const usedNames = new Set<string>([...sizes.keys()]);
  for (const [name, node] of graph.nodes) {
    if (node.type === 'Output') {
      const srcs = incoming.get(name) ?? [];
      for (const s of srcs) {
        const t = graph.nodes.get(s)!.type;
        if (t !== 'CubaLIF' && t !== 'LIF' && t !== 'Input')
          throw new NirError(`node '${name}' (Output) is fed by '${s}' (${t}); synfire outputs spikes, so Outputs must be fed by CubaLIF/LIF nodes`);
        outputs[name] = s;
      }
      continue;
    }
    const p = neuron.get(name);
    if (!p) continue;
    const n = p.size;
    // Per-neuron gain from a NIR weight to the u change of one spike, and from a NIR bias current to v per step.
    const scale = p.vThreshold.map((th) => VTH / th);
    const weightGain = new Float64Array(n);
    const biasGain = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const br = p.beta[i]! * p.r[i]!;
      weightGain[i] = scale[i]! * br * (p.alpha ? p.alpha[i]! * p.wIn[i]! : 1);
      biasGain[i] = scale[i]! * br * p.wIn[i]!;
    }
    // Decays: one du/dv per group.
    const du = p.alpha ? quantizeDu(p.alpha[0]!) : { du: RANGES.du.max, effective: 1 };
    const dv = quantizeDv(p.beta[0]!);
    for (let i = 1; i < n; i++) {
      if (p.alpha && quantizeDu(p.alpha[i]!).du !== du.du)
        throw new NirError(
          `node '${name}' (${node.type}): tau_syn differs across neurons (du ${du.du} at 0, ${quantizeDu(p.alpha[i]!).du} at ${i}); a synfire group shares one du`,
        );
      if (quantizeDv(p.beta[i]!).dv !== dv.dv)
        throw new NirError(
          `node '${name}' (${node.type}): ${p.alpha ? 'tau_mem' : 'tau'} differs across neurons (dv ${dv.dv} at 0, ${quantizeDv(p.beta[i]!).dv} at ${i}); a synfire group shares one dv`,
        );
    }
    if (p.alpha) {
      report(errors, name, 'dt/tau_syn', `du=${du.du}`, p.alpha, new Float64Array(n).fill(du.effective));
      if (p.alpha[0]! > 1)
        notes.push(
          `node '${name}': dt/tau_syn = ${p.alpha[0]} > 1 cannot be represented; du clamped to ${du.du} (pass the dt the graph was trained with: --dt)`,
        );
    }
    report(errors, name, p.alpha ? 'dt/tau_mem' : 'dt/tau', `dv=${dv.dv}`, p.beta, new Float64Array(n).fill(dv.effective));
    if (p.beta[0]! > 1)
      notes.push(
        `node '${name}': dt/tau = ${p.beta[0]} > 1 cannot be represented; dv clamped to ${dv.dv} (pass the dt the graph was trained with: --dt)`,
      );

    // Incoming connections: targets in u change per spike (weights) and v per step (bias) at the default vth.
    const paths = trace(name, [name]);
    const biasTargets = new Float64Array(n);
    for (let i = 0; i < n; i++) biasTargets[i] = scale[i]! * p.beta[i]! * p.vLeak[i]!;
    const biasSeen = new Set<string>();
    interface Pending {
      path: Path;
      preSize: number;
      w: Float64Array;
      targets: Float64Array;
    }
    const pending: Pending[] = [];
    for (const path of paths) {
      const preSize = sizes.get(path.from)!;
      let w: Float64Array;
      const wNode = path.weight ? graph.nodes.get(path.weight)! : undefined;
      if (wNode && path.weight) {
        const wp = param(wNode, path.weight, 'weight', true)!;
        if (wp.shape.length !== 2 || wp.shape[0] !== n || wp.shape[1] !== preSize) {
          throw new NirError(
            `node '${path.weight}' (${wNode.type}): weight has shape [${wp.shape}], expected [${n}, ${preSize}] ('${path.from}' has ${preSize} neurons, '${name}' has ${n})`,
          );
        }
        w = wp.data;
        if (wNode.type === 'Affine' && !biasSeen.has(path.weight)) {
          biasSeen.add(path.weight);
          const b = param(wNode, path.weight, 'bias', true)!;
          if (b.data.length !== n) throw new NirError(`node '${path.weight}' (Affine): bias has ${b.data.length} values, expected ${n}`);
          for (let i = 0; i < n; i++) biasTargets[i]! += biasGain[i]! * b.data[i]!;
          if (p.alpha && b.data.some((x) => x !== 0))
            notes.push(
              `node '${path.weight}': the Affine bias enters Loihi's v directly (its steady state through the synaptic filter), not through u`,
            );
        }
      } else {
        if (preSize !== n)
          throw new NirError(`edge '${path.from}' -> '${name}': sizes differ (${preSize} and ${n}) and there is no weight node between them`);
        w = new Float64Array(n * n);
        for (let i = 0; i < n; i++) w[i * n + i] = 1;
      }
      for (const [d, len, side] of [
        [path.delayPre, preSize, 'source'],
        [path.delayPost, n, 'target'],
      ] as const) {
        if (d && d.length !== len)
          throw new NirError(`a Delay node between '${path.from}' and '${name}' has ${d.length} values, expected ${len} (the ${side} size)`);
      }
      const targets = new Float64Array(n * preSize);
      for (let i = 0; i < n; i++) for (let j = 0; j < preSize; j++) targets[i * preSize + j] = weightGain[i]! * w[i * preSize + j]!;
      pending.push({ path, preSize, w, targets });
    }
    // Lower this group's vth (all its targets scale with it) until no weight or bias needs clipping.
    let over = 1;
    for (const { targets } of pending) for (const t of targets) over = Math.max(over, Math.abs(t) / MAX_WEIGHT_EFFECT);
    for (const b of biasTargets) over = Math.max(over, Math.abs(b) / MAX_BIAS);
    const groupVth = over > 1 ? Math.max(1, Math.floor(vth / over)) : vth;
    const ratio = groupVth / vth;
    if (ratio !== 1) {
      notes.push(`node '${name}': vth lowered from ${vth} to ${groupVth} so that its largest weight/bias fits Loihi's range`);
      for (let i = 0; i < n; i++) {
        scale[i]! *= ratio;
        weightGain[i]! *= ratio;
        biasTargets[i]! *= ratio;
      }
      for (const { targets } of pending) for (let k = 0; k < targets.length; k++) targets[k]! *= ratio;
    }
    report(errors, name, 'v_threshold', `vth=${groupVth} (VTH=${groupVth << VTH_SHIFT})`, p.vThreshold, p.vThreshold);
    for (const { path, preSize, w, targets } of pending) {
      const q = quantizeWeights(targets);
      const projName = uniqueName(path.weight ?? `${path.from}->${name}`, usedNames, `${path.from}->${name}`);
      // Report in NIR weight units: the effect divided back by the per-row gain.
      if (path.weight) {
        const back = new Float64Array(n * preSize);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < preSize; j++) back[i * preSize + j] = weightGain[i] ? q.effect[i * preSize + j]! / weightGain[i]! : 0;
        report(errors, path.weight, `weight (-> '${name}')`, `${q.signMode} 8-bit, weightExp=${q.weightExp}`, w, back);
      }
      let delays: number | Int32Array = 0;
      if (path.delayPre || path.delayPost) {
        const exact = new Float64Array(n * preSize);
        const steps = new Int32Array(n * preSize);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < preSize; j++) {
            const x = (path.delayPre?.[j] ?? 0) + (path.delayPost?.[i] ?? 0);
            const s = Math.round(x);
            if (s < RANGES.delay.min || s > RANGES.delay.max)
              throw new NirError(
                `delay from '${path.from}'[${j}] to '${name}'[${i}] is ${x * dt} s = ${x} steps; synfire delays are ${RANGES.delay.min}..${RANGES.delay.max} steps`,
              );
            exact[i * preSize + j] = x * dt;
            steps[i * preSize + j] = s;
          }
        }
        report(
          errors,
          projName,
          'delay (s)',
          'delay steps',
          exact,
          Float64Array.from(steps, (s) => s * dt),
        );
        delays = steps.every((s) => s === steps[0]) ? steps[0]! : steps;
      }
      projections.push({
        name: projName,
        from: path.from,
        to: name,
        weightExp: q.weightExp,
        numWeightBits: q.numWeightBits,
        signMode: q.signMode,
        synapses: { kind: 'dense', weights: Array.from(q.raw), delays: typeof delays === 'number' ? delays : Array.from(delays) },
      });
    }
    const bias = quantizeBias(biasTargets);
    // Bias error in v units relative to the threshold (NIR voltage units): divide by the per-neuron scale.
    report(
      errors,
      name,
      'bias (v_leak + Affine bias, in threshold units)',
      `biasExp=${bias.biasExp}`,
      biasTargets.map((b, i) => b / scale[i]!),
      bias.effect.map((b, i) => b / scale[i]!),
    );
    groups.push({
      name,
      size: n,
      du: du.du,
      dv: dv.dv,
      vth: groupVth,
      biasMant: Array.from(bias.biasMant),
      biasExp: bias.biasExp,
      refractory: 0,
    });
  }
  if (groups.length === 0) throw new NirError(`${file}: the graph has no CubaLIF or LIF node, so nothing spikes`);
  notes.push('every synfire projection adds one step of latency (a spike at step t reaches u at t+1+delay)');
  const network: NirNetwork = {
    groups,
    sources,
    projections,
    meta: { source: file, nirVersion: graph.version, dt, inputs, outputs },
  };
  validateNetwork(network);
  return { network, report: { file, nirVersion: graph.version, dt, vth, exact: false, errors, notes } };
}

function uniqueName(base: string, used: Set<string>, alt: string): string {
  let name = used.has(base) ? alt : base;
  for (let k = 2; used.has(name); k++) name = `${alt}#${k}`;
  used.add(name);
  return name;
}

// ---------------------------------------------------------------------------------------------------------------
// synfire's integer extension (written by export.ts): exact parameters, read back without quantization.

function extValue(g: H5Group, key: string, where: string): H5Dataset {
  const d = g.children.get(key);
  if (d?.kind !== 'dataset') throw new NirError(`${where}: synfire extension has no dataset '${key}'`);
  return d;
}

function extString(g: H5Group, key: string, where: string): string {
  const d = extValue(g, key, where);
  if (!Array.isArray(d.data)) throw new NirError(`${where}: synfire extension '${key}' must be a string`);
  return d.data[0]!;
}

function extInts(g: H5Group, key: string, where: string): number[] {
  const d = extValue(g, key, where);
  if (Array.isArray(d.data)) throw new NirError(`${where}: synfire extension '${key}' must be numeric`);
  return Array.from(d.data);
}

function extInt(g: H5Group, key: string, where: string): number {
  const v = extInts(g, key, where);
  if (v.length !== 1) throw new NirError(`${where}: synfire extension '${key}' must be a scalar`);
  return v[0]!;
}

function optionalInts(g: H5Group, key: string, where: string): number[] | undefined {
  return g.children.has(key) ? extInts(g, key, where) : undefined;
}

function importExtension(graph: NirGraph, file: string): { network: NirNetwork; report: ImportReport } {
  const root = graph.synfire!;
  const format = extString(root, 'format', `${file}: /synfire`);
  if (format !== EXTENSION_FORMAT) throw new NirError(`${file}: synfire extension format '${format}' is not '${EXTENSION_FORMAT}'`);
  const dt = root.children.has('dt') ? Number((extValue(root, 'dt', file).data as Float64Array)[0]) : 1;
  const groups: Array<[number, CompartmentGroup]> = [];
  const sources: Array<[number, SpikeSource]> = [];
  const projections: Array<[number, Projection]> = [];
  const inputs: Record<string, string> = {};
  const outputs: Record<string, string> = {};
  for (const [nodeName, node] of graph.nodes) {
    if (node.type === 'Output') {
      for (const [a, b] of graph.edges) if (b === nodeName) outputs[nodeName] = a;
      continue;
    }
    const ext = node.synfire;
    if (!ext) {
      if (node.type === 'Delay') continue; // informational Delay nodes of exported projections
      throw new NirError(
        `${file}: node '${nodeName}' (${node.type}) has no synfire extension, but the file has one; import it with the extension off to quantize the float parameters`,
      );
    }
    const where = `${file}: node '${nodeName}'`;
    const kind = extString(ext, 'kind', where);
    const index = extInt(ext, 'index', where);
    const name = extString(ext, 'name', where);
    if (kind === 'group') {
      const g: CompartmentGroup = {
        name,
        size: extInt(ext, 'size', where),
        du: extInt(ext, 'du', where),
        dv: extInt(ext, 'dv', where),
        vth: extInt(ext, 'vth', where),
        biasMant: extInts(ext, 'biasMant', where),
        biasExp: extInt(ext, 'biasExp', where),
        refractory: extInt(ext, 'refractory', where),
      };
      const uInit = optionalInts(ext, 'uInit', where);
      const vInit = optionalInts(ext, 'vInit', where);
      if (uInit) g.uInit = uInit;
      if (vInit) g.vInit = vInit;
      groups.push([index, g]);
    } else if (kind === 'source') {
      const s: SpikeSource = { name, size: extInt(ext, 'size', where) };
      const flat = optionalInts(ext, 'spikes', where);
      if (flat) {
        const pairs: Array<[number, number]> = [];
        for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
        s.spikes = pairs;
      }
      sources.push([index, s]);
      inputs[nodeName] = name;
    } else if (kind === 'projection') {
      const delays = extInts(ext, 'delays', where);
      const scalarDelay = extValue(ext, 'delays', where).shape.length === 0;
      const synKind = extString(ext, 'synapses', where);
      const weights = extInts(ext, 'weights', where);
      const proj: Projection = {
        name,
        from: extString(ext, 'from', where),
        to: extString(ext, 'to', where),
        weightExp: extInt(ext, 'weightExp', where),
        numWeightBits: extInt(ext, 'numWeightBits', where),
        signMode: extString(ext, 'signMode', where) as SignMode,
        synapses:
          synKind === 'sparse'
            ? {
                kind: 'sparse',
                pre: extInts(ext, 'pre', where),
                post: extInts(ext, 'post', where),
                weights,
                delays: scalarDelay ? delays[0]! : delays,
              }
            : { kind: 'dense', weights, delays: scalarDelay ? delays[0]! : delays },
      };
      const learning = ext.children.get('learning');
      if (learning?.kind === 'group') {
        const lw = `${where} learning`;
        proj.learning = { dw: extString(learning, 'dw', lw) };
        if (learning.children.has('reward')) proj.learning.reward = extString(learning, 'reward', lw);
        if (learning.children.has('wMin')) proj.learning.wMin = extInt(learning, 'wMin', lw);
        if (learning.children.has('wMax')) proj.learning.wMax = extInt(learning, 'wMax', lw);
      }
      projections.push([index, proj]);
    } else {
      throw new NirError(`${where}: synfire extension kind '${kind}' is not group, source or projection`);
    }
  }
  const byIndex = <T>(items: Array<[number, T]>): T[] => items.sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  const network: NirNetwork = {
    groups: byIndex(groups),
    sources: byIndex(sources),
    projections: byIndex(projections),
    meta: { source: file, nirVersion: graph.version, dt, inputs, outputs },
  };
  validateNetwork(network);
  return {
    network,
    report: {
      file,
      nirVersion: graph.version,
      dt,
      vth: 0,
      exact: true,
      errors: [],
      notes: ['read synfire integer extension: parameters are exact, nothing was quantized'],
    },
  };
}

/** Format string of synfire's NIR extension (the file-level /synfire/format dataset). */
export const EXTENSION_FORMAT = 'synfire-nir-1';
