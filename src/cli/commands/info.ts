/** `synfire info`: prints the WebGPU adapter, its limits and its features. */
import { acquireGpu, NoAdapterError } from '../../backends/webgpu/device.ts';
import { defineCommand } from '../command.ts';

export const run = defineCommand({
  usage: 'usage: synfire info [--json]\n\nPrints the WebGPU adapter, whether it is a software fallback, its limits and features.',
  options: { json: { type: 'boolean' } },
  run: info,
});

async function info(values: { json?: boolean }): Promise<number> {
  let ctx;
  try {
    ctx = await acquireGpu();
  } catch (err) {
    if (err instanceof NoAdapterError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  try {
    print(ctx, !!values.json);
  } finally {
    ctx.destroy();
  }
  return 0;
}

function print(ctx: Awaited<ReturnType<typeof acquireGpu>>, json: boolean): void {
  const s = ctx.summary;
  if (json) {
    console.log(JSON.stringify(s, null, 2));
  } else {
    console.log(`adapter:      ${s.vendor} / ${s.architecture} / ${s.device}`);
    console.log(`description:  ${s.description}`);
    console.log(`environment:  ${s.environment}`);
    console.log(
      `fallback:     ${s.isFallbackAdapter ? 'yes (software adapter: WGSL runs on the CPU; --backend auto picks the CPU backend)' : 'no (hardware adapter)'}`,
    );
    console.log(`timestamps:   ${ctx.hasTimestamps ? 'yes' : 'no'}`);
    console.log(`features:     ${s.features.join(', ')}`);
    console.log('limits:');
    for (const [k, v] of Object.entries(s.limits).sort()) console.log(`  ${k.padEnd(44)} ${v}`);
  }
}
