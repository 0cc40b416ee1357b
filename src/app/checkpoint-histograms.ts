/** Weight histograms of a run's checkpoint (Node: reads DIR/checkpoint.json through src/app/checkpoint.ts). */
import { hasCheckpoint, readCheckpoint } from './checkpoint.ts';
import { weightHistogram, type WeightHistogram } from '../report/data.ts';

/** Bins W1 and W2 of every replica in DIR/checkpoint.json (P and M are ±W2ᵀ copies and would repeat W2). */
export async function checkpointHistograms(dir: string): Promise<{ histograms: WeightHistogram[]; notes: string[] }> {
  if (!hasCheckpoint(dir)) return { histograms: [], notes: [`No checkpoint.json in ${dir}: no weight histograms.`] };
  const ckpt = readCheckpoint(dir);
  const histograms: WeightHistogram[] = [];
  for (const r of ckpt.replicas) {
    histograms.push(weightHistogram('W1', r.replica, r.weights.W1));
    histograms.push(weightHistogram('W2', r.replica, r.weights.W2));
  }
  return {
    histograms,
    notes: [`Weights from checkpoint.json after ${ckpt.progress.samples} training samples (epoch ${ckpt.progress.epoch}, saved ${ckpt.savedAt}).`],
  };
}
