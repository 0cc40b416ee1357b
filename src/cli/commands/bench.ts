/** `synfire bench <name>`: runs one benchmark family (src/bench/<name>.ts). */
import { UsageError } from '../errors.ts';

const BENCHES: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  core: () => import('../../bench/core.ts'),
  nbp: () => import('../../bench/nbp.ts'),
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(`usage: synfire bench <${Object.keys(BENCHES).join('|')}> [--json FILE] [options]`);
    return name ? 0 : 2;
  }
  const load = BENCHES[name];
  if (!load) throw new UsageError(`unknown benchmark '${name}' (have: ${Object.keys(BENCHES).join(', ')})`);
  return (await load()).run(rest);
}
