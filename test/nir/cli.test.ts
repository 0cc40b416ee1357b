import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'synfire-nir-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => join(dir, name);

describe('synfire import-nir / run / export-nir', () => {
  it('imports a published graph, prints and writes the quantization report', async () => {
    const r = await cli('import-nir', fixture('braille_noDelay_bias_zero.nir'), '--out', at('braille.json'), '--dt', '1e-4');
    expect(r.rc, r.err).toBe(0);
    expect(r.out).toMatch(/node\s+parameter\s+loihi\s+n\s+max abs err\s+max rel err\s+rms err/);
    expect(r.out).toMatch(/fc1\s+weight \(-> 'lif1.lif'\)\s+mixed 8-bit, weightExp=/);
    expect(r.out).toMatch(/lif1.lif\s+dt\/tau_syn\s+du=1842/);
    const report = JSON.parse(readFileSync(at('braille.report.json'), 'utf8'));
    expect(report.dt).toBe(1e-4);
    expect(report.errors.map((e: { node: string; param: string }) => `${e.node} ${e.param.split(' ')[0]}`)).toEqual(
      expect.arrayContaining([
        'fc1 weight',
        'fc2 weight',
        'lif1.w_rec weight',
        'lif1.lif dt/tau_syn',
        'lif1.lif dt/tau_mem',
        'lif2 bias',
        'lif2 v_threshold',
      ]),
    );
    for (const e of report.errors) for (const k of ['maxAbs', 'maxRel', 'rms', 'count']) expect(typeof e[k]).toBe('number');
    const net = JSON.parse(readFileSync(at('braille.json'), 'utf8'));
    expect(net.meta).toMatchObject({ dt: 1e-4, inputs: { input: 'input' }, outputs: { output: 'lif2' } });
  });

  it('runs a description with a spike input file and writes spikes and state', async () => {
    writeFileSync(at('in.json'), JSON.stringify({ spikes: { input: Array.from({ length: 30 }, (_, t) => [t, t % 12]) } }));
    const r = await cli('run', at('braille.json'), '--steps', '40', '--input', at('in.json'), '--record-state', 'lif2', '--out', at('out.json'));
    expect(r.rc, r.err).toBe(0);
    const out = JSON.parse(readFileSync(at('out.json'), 'utf8'));
    expect(out).toMatchObject({ format: 'synfire-run-1', backend: 'cpu', steps: 40 });
    expect(Object.keys(out.spikes).sort()).toEqual(['lif1.lif', 'lif2']);
    expect(out.spikes['lif1.lif'].length).toBeGreaterThan(0);
    for (const [t, i] of out.spikes['lif1.lif']) expect(t >= 0 && t < 40 && i >= 0 && i < 38).toBe(true);
    expect(out.state.lif2.steps).toHaveLength(40);
    expect(out.state.lif2.u).toHaveLength(40);
    expect(out.state.lif2.v[0]).toHaveLength(7);
    // Without --out the document goes to stdout; --record limits the groups.
    const s = await cli('run', at('braille.json'), '--steps', '40', '--input', at('in.json'), '--record', 'lif2');
    expect(s.rc, s.err).toBe(0);
    const doc = JSON.parse(s.out);
    expect(Object.keys(doc.spikes)).toEqual(['lif2']);
    expect(doc.spikes.lif2).toEqual(out.spikes.lif2);
    // Chunked long runs report progress and give the same spikes as one piece.
    const long = await cli('run', at('braille.json'), '--steps', '2500', '--input', at('in.json'), '--out', at('long.json'));
    expect(long.rc, long.err).toBe(0);
    expect(long.err).toMatch(/step 1000\/2500 \(40%/);
    const all = JSON.parse(readFileSync(at('long.json'), 'utf8'));
    expect(all.spikes.lif2.filter(([t]: [number]) => t < 40)).toEqual(out.spikes.lif2);
  });

  it('exports to NIR and imports back to the same description', async () => {
    const e = await cli('export-nir', at('braille.json'), '--out', at('braille.nir'));
    expect(e.rc, e.err).toBe(0);
    const i = await cli('import-nir', at('braille.nir'), '--out', at('back.json'));
    expect(i.rc, i.err).toBe(0);
    expect(i.out).toMatch(/synfire extension \(exact\)/);
    const strip = (f: string) => {
      const { meta: _m, ...rest } = JSON.parse(readFileSync(f, 'utf8'));
      return rest;
    };
    expect(strip(at('back.json'))).toEqual(strip(at('braille.json')));
  });

  it('reports bad input with the file and the field', async () => {
    const cnn = await cli('import-nir', fixture('cnn_sinabs.nir'), '--out', at('cnn.json'));
    expect(cnn.rc).toBe(1);
    expect(cnn.err).toMatch(/node '0' has NIR type 'Conv2d'/);
    expect((await cli('import-nir', at('nope.nir'), '--out', at('x.json'))).err).toMatch(/nope.nir: no such file/);
    writeFileSync(at('notnir.nir'), 'hello');
    expect((await cli('import-nir', at('notnir.nir'), '--out', at('x.json'))).err).toMatch(/notnir.nir: not a readable HDF5 file/);
    expect((await cli('import-nir', fixture('lif_norse.nir'))).rc).toBe(2);
    expect((await cli('import-nir', fixture('lif_norse.nir'), '--out', at('x.json'), '--dt', '-1')).err).toMatch(/--dt must be a positive number/);

    const net = JSON.parse(readFileSync(at('braille.json'), 'utf8'));
    net.groups[1].du = 5000;
    writeFileSync(at('bad.json'), JSON.stringify(net));
    const bad = await cli('run', at('bad.json'), '--steps', '5');
    expect(bad.rc).toBe(1);
    expect(bad.err).toMatch(/bad.json: groups\[1\] 'lif2': du = 5000 is out of range 0..4095 \(at groups\[1\].du\)/);
    writeFileSync(at('broken.json'), '{"groups": [');
    expect((await cli('run', at('broken.json'), '--steps', '5')).err).toMatch(/broken.json: malformed JSON at line 1/);

    writeFileSync(
      at('in-bad.json'),
      JSON.stringify({
        spikes: {
          input: [
            [0, 1],
            [3, 12],
          ],
        },
      }),
    );
    expect((await cli('run', at('braille.json'), '--steps', '5', '--input', at('in-bad.json'))).err).toMatch(
      /in-bad.json: spikes.input\[1\]\[1\] \(index\) = 12 is not an integer in 0..11/,
    );
    writeFileSync(at('in-late.json'), JSON.stringify({ spikes: { input: [[5, 1]] } }));
    expect((await cli('run', at('braille.json'), '--steps', '5', '--input', at('in-late.json'))).err).toMatch(
      /spikes.input\[0\]\[0\] \(step\) = 5 is not an integer in 0..4/,
    );
    writeFileSync(at('in-group.json'), JSON.stringify({ spikes: { lif2: [[0, 1]] } }));
    expect((await cli('run', at('braille.json'), '--steps', '5', '--input', at('in-group.json'))).err).toMatch(
      /spikes.lif2: is a group; spikes can only be injected into sources/,
    );

    const backend = await cli('run', at('braille.json'), '--steps', '5', '--backend', 'fpga');
    expect(backend.rc).toBe(2);
    expect(backend.err).toMatch(/--backend: unknown backend 'fpga'/);
    expect((await cli('run', at('braille.json'), '--steps', '5', '--record', 'nope')).err).toMatch(/--record: 'nope' names no group/);
    expect((await cli('run', at('braille.json'))).rc).toBe(2);
  });
});
