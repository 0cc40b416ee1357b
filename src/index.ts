/**
 * synfire as a library in Node: the environment-neutral API (src/browser.ts) plus reading the MNIST and
 * Fashion-MNIST IDX files from disk.
 */
export * from './browser.ts';
export { loadDataset } from './data/load.ts';
