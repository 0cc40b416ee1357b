/** Loihi's integer semantics in one place: widths, compartment arithmetic, weights, learning rules. */
export * from './constants.ts';
export * from './neuron.ts';
export * from './synapse.ts';
export * from './learning.ts';
