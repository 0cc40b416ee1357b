/** Golden Loihi traces: parsing, conversion to a network, running, result files and comparison. */
export * from './format.ts';
export { TraceError } from './json.ts';
export { parseTrace, parseResultFile, readTraceFile } from './parse.ts';
export { traceToNetwork } from './convert.ts';
export { runTrace, formatResult, writeResultFile } from './result.ts';
export { compareResults, describeMismatch, type Mismatch } from './compare.ts';
