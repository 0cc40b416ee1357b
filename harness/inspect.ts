/** Checks on a rendered page, for the screenshot tests: which canvases exist and whether they hold a drawing. */
import type { Page } from 'puppeteer-core';

/** What one canvas holds, read back from its pixels. */
export interface CanvasStats {
  id: string;
  width: number;
  height: number;
  /** Fraction of pixels that are not (near) white. */
  inked: number;
  /** Number of distinct colours (quantized to 4 bits per channel). */
  colours: number;
  /** Per probe colour (#rrggbb), the number of pixels within a small distance of it. */
  probes: Record<string, number>;
}

// Plain JavaScript text, evaluated in the page: a function passed to page.evaluate would carry the TypeScript
// loader's helpers (tsx wraps named functions in __name, which the page does not define).
const CANVAS_STATS = `(probeList) => {
  const targets = probeList.map((p) => [p, [1, 3, 5].map((i) => parseInt(p.slice(i, i + 2), 16))]);
  return Array.from(document.querySelectorAll('canvas')).map((canvas) => {
    const ctx = canvas.getContext('2d');
    const stats = { id: canvas.id, width: canvas.width, height: canvas.height, inked: 0, colours: 0, probes: {} };
    if (!ctx || !canvas.width || !canvas.height) return stats;
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    const colours = new Set();
    const counts = targets.map(() => 0);
    for (let i = 0; i < px.length; i += 4) {
      const r = px[i], g = px[i + 1], b = px[i + 2];
      if (r < 240 || g < 240 || b < 240) inked++;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      for (let k = 0; k < targets.length; k++) {
        const t = targets[k][1];
        if (Math.abs(r - t[0]) + Math.abs(g - t[1]) + Math.abs(b - t[2]) < 40) counts[k]++;
      }
    }
    stats.inked = inked / (px.length / 4);
    stats.colours = colours.size;
    targets.forEach((t, k) => { stats.probes[t[0]] = counts[k]; });
    return stats;
  });
}`;

/** Reads every 2d canvas of the page and summarises its pixels. */
export async function canvasStats(page: Page, probes: string[] = []): Promise<CanvasStats[]> {
  return page.evaluate(`(${CANVAS_STATS})(${JSON.stringify(probes)})`) as Promise<CanvasStats[]>;
}
