/** Loihi estimate for a run (PROVISIONAL until the circuit builder lands). */
import type { ReportData } from './data.ts';
import type { LoihiEstimate } from '../bench/energy.ts';

/** Counts the circuit's events for the run's raster sample and estimates Loihi energy and time. */
export async function circuitEnergy(dir: string, data: ReportData): Promise<{ estimate: LoihiEstimate | null; notes: string[] }> {
  void data;
  return { estimate: null, notes: [`energy estimate not wired yet (${dir})`] };
}
