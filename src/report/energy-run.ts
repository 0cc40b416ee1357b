/** The report's Loihi estimate: the run's circuit rasters counted by ../bench/energy-nbp.ts (Node: reads DIR). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportData } from './data.ts';
import { parseRaster } from './data.ts';
import { DAVIES_2018, type LoihiCosts, type LoihiEstimate } from '../bench/energy.ts';
import { estimateTrainingSample } from '../bench/energy-nbp.ts';
import type { NbpShape } from '../nbp/types.ts';

function shapeOf(config: Record<string, unknown> | null): NbpShape | null {
  const s = config?.shape as Partial<NbpShape> | undefined;
  return s && [s.nIn, s.nHid, s.nOut].every((v) => Number.isInteger(v) && (v as number) > 0) ? (s as NbpShape) : null;
}

/** Estimates Loihi energy and time per training sample from every DIR/raster-sample-K.json (averaged). */
export async function circuitEnergy(
  dir: string,
  data: ReportData,
  costs: LoihiCosts = DAVIES_2018,
): Promise<{ estimate: LoihiEstimate | null; notes: string[] }> {
  const files = readdirSync(dir)
    .filter((f) => /^raster-sample-\d+\.json$/.test(f))
    .sort();
  if (!files.length)
    return { estimate: null, notes: [`No Loihi estimate: it counts the events of a circuit raster; run 'synfire raster ${dir} --sample 0'.`] };
  const shape = shapeOf(data.config);
  if (!shape) return { estimate: null, notes: [`No Loihi estimate: ${join(dir, 'config.json')} gives no network shape.`] };
  const rasters = files.map((f) => {
    const file = join(dir, f);
    const r = parseRaster(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
    if (r.label === null || r.label === undefined) throw new Error(`${file}: no 'label', needed to rebuild the target spike`);
    return { label: r.label, populations: r.populations };
  });
  const estimate = estimateTrainingSample(shape, rasters, costs);
  return { estimate, notes: [] };
}
