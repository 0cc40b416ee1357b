/** Weight histograms of a run's checkpoints (PROVISIONAL until the checkpoint format lands). */
import type { WeightHistogram } from './data.ts';

/** Reads the latest checkpoint of every replica in DIR and bins its weight matrices. */
export async function checkpointHistograms(dir: string): Promise<{ histograms: WeightHistogram[]; notes: string[] }> {
  return { histograms: [], notes: [`checkpoint reading not wired yet (${dir})`] };
}
