/** Dataset types shared by the loaders (src/data) and the models that consume them (src/nbp). */

/** A binarized dataset: x is n×nIn of 0/1, labels in 0..nOut-1. */
export interface EncodedDataset {
  name: string;
  n: number;
  nIn: number;
  x: Uint8Array;
  labels: Uint8Array;
}
