/**
 * The one `struct Params` shared by the simulation kernels (cuba_step, deliver, learn): sizes and table offsets,
 * never in the WGSL text. One ordered field list writes both the struct (via `${PARAMS}`) and the packing.
 */
import { packParams, paramsStruct, type ParamField } from '../wgsl.ts';

const NAMES = [
  'R', // replicas
  'N', // compartments of all groups
  'Npre', // compartments + source neurons
  'ringSize', // delay ring rows D (a power of two)
  'ringMask', // D - 1
  'scratchOff', // start of the weight_exp < 0 scratch in acc (after the ring: R * D * N)
  'scratchSize', // scratch words per replica
  'wTotal', // synapse words per replica
  'bitsWords', // spike-bit words per replica (ceil(Npre / 32))
  'bitsOff', // control: start of the spike bits [2][R][bitsWords]
  'listOff', // control: start of the spike lists [2][R * Npre]
  'srcWords', // source-bit words per replica and step
  'chunkStart', // first step of the current submit
  'chunkBitsOff', // chunk: start of the source bits [K][R][srcWords] (after the K state-record indices)
  'recBase', // step of spike-recording row 0
  'recSpikeOff', // rec: start of the spike rows [steps][R][recWords] (after the u/v rows)
  'recWords', // spike-recording words per replica and step
  'stateN', // recorded compartments per replica (u/v rows)
  'neuronOff', // tables: [bias, pre-group] per neuron
  'groupOff', // tables: pre-group entries (groups, then sources)
  'negOff', // tables: weight_exp < 0 scratch entries [scratch base, weight_exp, delays]
  'segOff', // tables: synapse segments
  'learnOff', // tables: full-scan learning items [segment, first item]
  'learnSegs', // number of full-scan learning segments
  'learnItems', // full-scan learning items per replica (pre neurons)
  'degreeOff', // tables: existing outgoing synapses per (replica, neuron), for the synaptic event count
  'spikeLanes', // deliver: threads per spike (a power of two dividing the workgroup size)
  'spikesPerGroup', // deliver: spikes per workgroup (workgroup size / spikeLanes)
] as const;

/** Name of a Params field. */
export type ParamName = (typeof NAMES)[number];

/** The ordered Params fields (all u32). */
export const PARAM_FIELDS: readonly ParamField[] = NAMES.map((name) => ({ name, type: 'u32' }));

/** WGSL text of the struct, for the `${PARAMS}` placeholder. */
export const PARAMS_WGSL = paramsStruct(PARAM_FIELDS);

/** Packs Params values in field order. */
export function packSimParams(values: Readonly<Record<ParamName, number>>): Int32Array {
  return packParams(PARAM_FIELDS, values);
}
