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

/** Reads every canvas of the page (2d canvases only) and summarises its pixels. */
export async function canvasStats(page: Page, probes: string[] = []): Promise<CanvasStats[]> {
  return page.evaluate((probeList) => {
    const parse = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const targets = probeList.map((p) => [p, parse(p)] as const);
    return Array.from(document.querySelectorAll('canvas')).map((canvas) => {
      const ctx = canvas.getContext('2d');
      const stats = { id: canvas.id, width: canvas.width, height: canvas.height, inked: 0, colours: 0, probes: {} as Record<string, number> };
      if (!ctx || !canvas.width || !canvas.height) return stats;
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      const colours = new Set<number>();
      const counts = targets.map(() => 0);
      for (let i = 0; i < px.length; i += 4) {
        const [r, g, b] = [px[i]!, px[i + 1]!, px[i + 2]!];
        if (r < 240 || g < 240 || b < 240) inked++;
        colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
        targets.forEach(([, [tr, tg, tb]], k) => {
          if (Math.abs(r - tr!) + Math.abs(g - tg!) + Math.abs(b - tb!) < 40) counts[k]!++;
        });
      }
      stats.inked = inked / (px.length / 4);
      stats.colours = colours.size;
      targets.forEach(([name], k) => (stats.probes[name] = counts[k]!));
      return stats;
    });
  }, probes);
}
