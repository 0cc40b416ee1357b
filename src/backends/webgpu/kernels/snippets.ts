/**
 * WGSL snippets generated from TypeScript, so that a number lives in one place: scripts/build-shaders.mjs loads
 * this module and expands `#include NAME` in shaders/*.wgsl with WGSL_SNIPPETS[NAME] (hand-written snippets live
 * in shaders/include/). The freshness check (`build-shaders --check`) fails when a value here changes and
 * shaders.gen.ts was not rebuilt.
 *
 * - `tables`: the table layout of ./tables.ts (GROUP_STRIDE, G_*, NEG_STRIDE, SEG_STRIDE, S_*, KIND_*, LEARN_*),
 *   the control header (CTRL_*) and the per-dimension workgroup limit (MAX_WORKGROUPS).
 * - `loihi_constants`: the state widths of src/loihi/constants.ts that the neuron step needs.
 */
import { CONTROL, GROUP, GROUP_STRIDE, KIND_CSR, KIND_DENSE, LEARN, NEG_STRIDE, SEG, SEG_STRIDE } from './tables.ts';
import { MAX_WORKGROUPS_PER_DIMENSION } from './common.ts';
import { DECAY_UNITY, STATE_LIMIT, U_WRAP, V_MAX } from '../../../loihi/constants.ts';

/** WGSL's UPPER_SNAKE name of a camelCase field, with a prefix: ('S_', 'wBase') → 'S_W_BASE'. */
export function wgslName(prefix: string, name: string): string {
  return prefix + name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** `const NAME: u32 = 12u;` or `const NAME: i32 = -3;`. */
function constant(name: string, type: 'u32' | 'i32', value: number): string {
  if (!Number.isInteger(value) || (type === 'u32' && value < 0)) throw new Error(`WGSL constant ${name}: ${value} is not a valid ${type}`);
  return `const ${name}: ${type} = ${value}${type === 'u32' ? 'u' : ''};`;
}

function block(source: string, lines: string[]): string {
  return [`// Generated from ${source} (src/backends/webgpu/kernels/snippets.ts).`, ...lines].join('\n');
}

/** The table, control and grid constants. */
export function tablesSnippet(): string {
  return block('src/backends/webgpu/kernels/tables.ts', [
    constant('GROUP_STRIDE', 'u32', GROUP_STRIDE),
    ...Object.entries(GROUP).map(([k, v]) => constant(wgslName('G_', k), 'u32', v)),
    constant('NEG_STRIDE', 'u32', NEG_STRIDE),
    constant('SEG_STRIDE', 'u32', SEG_STRIDE),
    ...Object.entries(SEG).map(([k, v]) => constant(wgslName('S_', k), 'u32', v)),
    constant('KIND_DENSE', 'i32', KIND_DENSE),
    constant('KIND_CSR', 'i32', KIND_CSR),
    ...Object.entries(LEARN).map(([k, v]) => constant(wgslName('LEARN_', k), 'i32', v)),
    ...Object.entries(CONTROL).map(([k, v]) => constant(wgslName('CTRL_', k), 'u32', v)),
    constant('MAX_WORKGROUPS', 'u32', MAX_WORKGROUPS_PER_DIMENSION),
  ]);
}

/** The Loihi state constants of the neuron step. */
export function loihiConstantsSnippet(): string {
  return block('src/loihi/constants.ts', [
    constant('DECAY_UNITY', 'i32', DECAY_UNITY),
    `${constant('STATE_LIMIT', 'i32', STATE_LIMIT)}  // 2^23`,
    `${constant('U_WRAP', 'i32', U_WRAP)}  // 2^24`,
    `${constant('V_MAX', 'i32', V_MAX)}  // 2^23 - 1`,
  ]);
}

/** Generated snippets by `#include` name. */
export const WGSL_SNIPPETS: Readonly<Record<string, string>> = {
  tables: tablesSnippet(),
  loihi_constants: loihiConstantsSnippet(),
};
