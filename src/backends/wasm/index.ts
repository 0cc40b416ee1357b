/**
 * The wasm backend: the fast CPU engine for generic networks. WebAssembly SIMD kernels (./kernels.ts) over
 * SoA state, CSR synapses and a two-row-per-step delay ring (./engine.ts), worker threads over replicas
 * (./simulation.ts). Same spikes, u, v and weights as the CPU oracle, bit for bit, for every feature the oracle
 * supports, learning included.
 */
import type { Backend } from '../types.ts';
import { WasmSimulation, type WasmBackendOptions } from './simulation.ts';

export { WasmSimulation, availableThreads, type WasmBackendOptions } from './simulation.ts';

/** Creates the wasm backend. */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  return {
    name: 'wasm',
    create: (network, simOptions) => WasmSimulation.create(network, simOptions, options),
  };
}
