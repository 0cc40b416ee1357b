/**
 * `synfire run NET.json --steps N`: validates a network description, runs it on a backend, injects spikes from
 * an optional spike input file and writes the recorded spikes (and u/v of chosen groups) as JSON (docs/nir.md).
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { defineCommand, intOption } from '../command.ts';
import { releaseBackend, selectSimulationBackend, type SimulationBackendChoice } from '../../backends/index.ts';
import type { ReplicaRecording } from '../../backends/types.ts';
import { formatRunOutput, readNetworkJson, readSpikeInput, runOutput } from '../../nir/files.ts';

const USAGE = `usage: synfire run NET.json --steps N [--backend NAME] [--input SPIKES.json] [--record GROUPS]
                  [--record-state GROUPS] [--out FILE]

  NET.json        a network description (synfire import-nir writes one); validated first, errors name the field
  --steps         number of timesteps to run (required)
  --backend       a backend of the registry (cpu, webgpu, wasm) or auto (default cpu, the exact oracle)
  --input         spike input file {"spikes": {"<source>": [[step, index], ...]}}, steps 0..N-1
  --record        comma-separated groups whose spikes are written, or 'all' (default all)
  --record-state  comma-separated groups (or 'all') whose u and v are written at every step (default none)
  --out           output file (default: print to stdout); format {"format": "synfire-run-1", "spikes": {...}, ...}
  Progress goes to stderr for runs of more than one chunk (1000 steps or a twentieth of N, if larger).`;

function groupList(value: string | undefined, flag: string, known: string[]): string[] | 'all' | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return 'all';
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const n of names) if (!known.includes(n)) throw new UsageError(`${flag}: '${n}' names no group (groups: ${known.join(', ')})`);
  return names;
}

export const run = defineCommand({
  usage: USAGE,
  options: {
    steps: { type: 'string' },
    backend: { type: 'string' },
    input: { type: 'string' },
    record: { type: 'string' },
    'record-state': { type: 'string' },
    out: { type: 'string' },
  },
  positionals: [1, 1],
  positionalsName: 'one network description (NET.json)',
  async run(values, positionals) {
    const file = positionals[0]!;
    const steps = intOption(values.steps, '--steps', 1, 2 ** 31 - 1);
    if (steps === undefined) throw new UsageError(`--steps N is required\n${USAGE}`);
    const network = readNetworkJson(file);
    const groups = network.groups.map((g) => g.name);
    const spikes = groupList(values.record, '--record', groups) ?? 'all';
    const state = groupList(values['record-state'], '--record-state', groups);
    const inputs = values.input ? readSpikeInput(values.input, network, steps) : new Map<string, Array<[number, number]>>();
    const stateSteps = state ? Array.from({ length: steps }, (_, t) => t) : undefined;

    let selection;
    try {
      selection = await selectSimulationBackend((values.backend ?? 'cpu') as SimulationBackendChoice);
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(`--backend: ${err.message}`);
      throw err;
    }
    const { backend } = selection;
    if (values.backend === 'auto') console.error(`backend: ${backend.name} (${selection.reason})`);
    try {
      const sim = await backend.create(network, { recording: { spikes, state, stateSteps } });
      try {
        for (const [source, list] of inputs) if (list.length > 0) sim.injectSpikes(source, list);
        const chunk = Math.max(1000, Math.ceil(steps / 20));
        const started = performance.now();
        const merged: ReplicaRecording = { spikes: {}, u: {}, v: {} };
        for (let done = 0; done < steps; ) {
          const n = Math.min(chunk, steps - done);
          await sim.run(n);
          done += n;
          const [rec] = await sim.readRecording();
          sim.clearRecording();
          for (const [g, list] of Object.entries(rec!.spikes)) (merged.spikes[g] ??= []).push(...list);
          for (const f of ['u', 'v'] as const) for (const [g, rows] of Object.entries(rec![f])) (merged[f][g] ??= []).push(...rows);
          if (steps > chunk) {
            const s = (performance.now() - started) / 1000;
            console.error(`step ${done}/${steps} (${Math.round((100 * done) / steps)}%, ${s.toFixed(1)} s)`);
          }
        }
        const out = runOutput(file, backend.name, steps, merged, stateSteps ?? []);
        const text = formatRunOutput(out);
        if (values.out) {
          writeFileSync(values.out, text);
          const total = Object.values(merged.spikes).reduce((a, l) => a + l.length, 0);
          console.error(`ran ${steps} steps on ${backend.name}: ${total} spikes; wrote ${values.out}`);
        } else process.stdout.write(text);
      } finally {
        sim.dispose();
      }
    } finally {
      releaseBackend(backend);
    }
    return 0;
  },
});
