/** The CPU reference backend: Loihi-exact, plain TypeScript over typed arrays (the oracle). */
import type { Backend } from '../types.ts';
import { CpuSimulation } from './simulation.ts';

export { CpuSimulation } from './simulation.ts';

/** Creates the CPU backend. */
export function createCpuBackend(): Backend {
  return {
    name: 'cpu',
    create: async (network, options) => new CpuSimulation(network, options),
  };
}
