/** Issue 11 "also": the harness server answers 400 to a malformed URL; a disposed CPU simulation says so. */
import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startServer } from '../../harness/server.ts';
import { CpuSimulation } from '../../src/backends/cpu/simulation.ts';
import { traceToNetwork } from '../../src/trace/convert.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { TINY } from '../trace/fixtures.ts';

/** A raw GET (fetch would normalise the URL). */
function get(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(`${url}${path}`, { method: 'GET', path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('harness server', () => {
  it('answers 400 to a stray % in the URL and keeps serving', async () => {
    const server = await startServer({ assets: new Map([['/index.html', { body: '<p>hi</p>', type: 'text/html' }]]) });
    try {
      const bad = await get(server.url, '/data/%E0%A4%A');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatch(/malformed URL/);
      expect((await get(server.url, '/100%')).status).toBe(400);
      expect((await get(server.url, '/')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('CPU simulation dispose', () => {
  it('later calls throw a clear "disposed" error', async () => {
    const sim = new CpuSimulation(traceToNetwork(parseTrace(TINY, 'tiny.json')));
    await sim.run(2);
    sim.dispose();
    await expect(sim.run(1)).rejects.toThrow(/run: this CPU simulation has been disposed/);
    await expect(sim.readRecording()).rejects.toThrow(/readRecording: .*disposed/);
    await expect(sim.readWeights('in_n')).rejects.toThrow(/readWeights: .*disposed/);
    await expect(sim.readState('n')).rejects.toThrow(/readState: .*disposed/);
    expect(() => sim.injectSpikes('in', [[5, 0]])).toThrow(/injectSpikes: .*disposed/);
    sim.dispose(); // twice is fine
  });
});
