/** The report's in-page script: reads the inline JSON and draws every canvas. Bundled and inlined by `synfire report`. */
import type { ReportData } from './data.ts';
import { accuracyChart, histogramChart, mseChart } from './charts.ts';
import { drawHistogram, drawLineChart, drawRaster } from './plots.ts';

function render(): void {
  const el = document.getElementById('synfire-report-data');
  if (!el?.textContent) throw new Error('report data missing');
  const data = JSON.parse(el.textContent) as ReportData;
  const canvas = (id: string) => document.getElementById(id) as HTMLCanvasElement | null;
  const acc = canvas('chart-accuracy');
  if (acc) drawLineChart(acc, accuracyChart(data.metrics));
  const mse = canvas('chart-mse');
  if (mse) drawLineChart(mse, mseChart(data.metrics));
  const raster = canvas('chart-raster');
  if (raster && data.raster) drawRaster(raster, data.raster);
  data.histograms.forEach((h, i) => {
    const c = canvas(`chart-hist-${i}`);
    if (c) drawHistogram(c, histogramChart(h, i));
  });
  // Tests and screenshots wait for this flag.
  document.body.dataset.rendered = 'true';
}

render();
// Canvases are drawn at their CSS size; redraw when the window changes it.
let pending = 0;
addEventListener('resize', () => {
  clearTimeout(pending);
  pending = setTimeout(render, 150) as unknown as number;
});
