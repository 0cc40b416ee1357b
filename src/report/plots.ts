/**
 * Hand-written canvas plots (line chart, spike raster, histogram) shared by the self-contained report and the live
 * harness page. Environment-neutral: only the canvas passed in is touched.
 */

/** One line of a line chart. */
export interface Series {
  label: string;
  color: string;
  points: Array<[number, number]>;
  dash?: number[];
}

/** A line chart: x against y for several series. */
export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  yMin?: number;
  yMax?: number;
}

/** One population of a raster: its spikes as [step, index] pairs. */
export interface RasterPopulation {
  name: string;
  size: number;
  spikes: Array<[number, number]>;
}

/** A spike raster over `steps` timesteps, populations stacked bottom to top, phases shaded. */
export interface RasterSpec {
  title: string;
  steps: number;
  /** Label of each step (e.g. the nBP phase), drawn under the axis. */
  stepLabels?: string[];
  populations: RasterPopulation[];
}

/** A histogram of precomputed bins. */
export interface HistogramSpec {
  title: string;
  xLabel: string;
  color: string;
  bins: Array<{ lo: number; hi: number; count: number }>;
}

/** Colours for series, replicas and populations (colour-blind-safe Okabe–Ito order). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

const FONT = '12px system-ui, sans-serif';
const MARGIN = { left: 56, right: 12, top: 28, bottom: 40 };

/** Round tick positions covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Sizes the canvas backing store to its CSS box times devicePixelRatio and returns a context in CSS pixels. */
function prepare(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = (globalThis as { devicePixelRatio?: number }).devicePixelRatio ?? 1;
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas 2d context unavailable');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = FONT;
  return { ctx, width, height };
}

function axes(ctx: CanvasRenderingContext2D, w: number, h: number, title: string, xLabel: string, yLabel: string): void {
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(MARGIN.left, MARGIN.top);
  ctx.lineTo(MARGIN.left, h - MARGIN.bottom);
  ctx.lineTo(w - MARGIN.right, h - MARGIN.bottom);
  ctx.stroke();
  ctx.fillStyle = '#111';
  ctx.textAlign = 'left';
  ctx.font = 'bold 13px system-ui, sans-serif';
  ctx.fillText(title, MARGIN.left, 18);
  ctx.font = FONT;
  ctx.textAlign = 'center';
  ctx.fillText(xLabel, (MARGIN.left + w - MARGIN.right) / 2, h - 6);
  ctx.save();
  ctx.translate(14, (MARGIN.top + h - MARGIN.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

function fmtTick(t: number): string {
  return Math.abs(t) >= 1e4 || (Math.abs(t) < 1e-3 && t !== 0) ? t.toExponential(1) : Number(t.toPrecision(4)).toString();
}

/** Draws a line chart with axes, ticks, markers and a legend. */
export function drawLineChart(canvas: HTMLCanvasElement, spec: LineChartSpec): void {
  const { ctx, width: w, height: h } = prepare(canvas);
  axes(ctx, w, h, spec.title, spec.xLabel, spec.yLabel);
  const pts = spec.series.flatMap((s) => s.points);
  if (!pts.length) {
    ctx.fillStyle = '#888';
    ctx.textAlign = 'center';
    ctx.fillText('no data yet', w / 2, h / 2);
    return;
  }
  let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let y0 = spec.yMin ?? Math.min(...pts.map((p) => p[1]));
  let y1 = spec.yMax ?? Math.max(...pts.map((p) => p[1]));
  if (x1 === x0) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * (w - MARGIN.left - MARGIN.right);
  const sy = (y: number) => h - MARGIN.bottom - ((y - y0) / (y1 - y0)) * (h - MARGIN.top - MARGIN.bottom);
  ctx.fillStyle = '#333';
  ctx.strokeStyle = '#e4e4e4';
  ctx.textAlign = 'right';
  for (const t of niceTicks(y0, y1)) {
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, sy(t));
    ctx.lineTo(w - MARGIN.right, sy(t));
    ctx.stroke();
    ctx.fillText(fmtTick(t), MARGIN.left - 4, sy(t) + 4);
  }
  ctx.textAlign = 'center';
  for (const t of niceTicks(x0, x1, 8)) ctx.fillText(fmtTick(t), sx(t), h - MARGIN.bottom + 14);
  for (const s of spec.series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.6;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(y)) : ctx.moveTo(sx(x), sy(y))));
    ctx.stroke();
    ctx.setLineDash([]);
    for (const [x, y] of s.points) ctx.fillRect(sx(x) - 1.5, sy(y) - 1.5, 3, 3);
  }
  // Legend, top right, one row per series.
  ctx.textAlign = 'left';
  const lw = Math.max(...spec.series.map((s) => ctx.measureText(s.label).width)) + 30;
  spec.series.forEach((s, i) => {
    const x = w - MARGIN.right - lw;
    const y = MARGIN.top + 6 + i * 15;
    ctx.strokeStyle = s.color;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 20, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#222';
    ctx.fillText(s.label, x + 24, y + 4);
  });
}

/** The head of a phase label: the text before its first ':' or '(' ("W2 potentiation (reward): ..." -> "W2 potentiation"). */
function shortLabel(label: string): string {
  return label.split(/[:(]/)[0]!.trim() || label;
}

/** Truncates text with an ellipsis to fit `width` pixels. */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(text.slice(0, n) + '…').width > width) n--;
  return text.slice(0, n) + '…';
}

/** Merges single-neuron populations named like gates (g00, g01, ...) into one 'gates' row block, index = gate number. */
export function mergeGates(spec: RasterSpec): RasterSpec {
  const gate = /^g(\d+)$/;
  const gates = spec.populations.filter((p) => p.size === 1 && gate.test(p.name));
  if (gates.length < 2) return spec;
  const merged: RasterPopulation = {
    name: 'gates',
    size: Math.max(...gates.map((g) => Number(gate.exec(g.name)![1]))) + 1,
    spikes: gates.flatMap((g) => g.spikes.map(([s]) => [s, Number(gate.exec(g.name)![1])] as [number, number])),
  };
  return { ...spec, populations: [...spec.populations.filter((p) => !gates.includes(p)), merged] };
}

/**
 * Pixel heights of stacked row blocks: proportional to size, but at least `min` px each (so that a 10-unit output
 * population stays visible and labelled next to 400-unit layers); the large blocks share what is left.
 */
export function bandHeights(sizes: readonly number[], total: number, min: number): number[] {
  const fixed = new Set<number>();
  for (;;) {
    const free = total - fixed.size * min;
    const rest = sizes.reduce((n, s, i) => n + (fixed.has(i) ? 0 : s), 0);
    const next = sizes.findIndex((s, i) => !fixed.has(i) && (rest ? (s / rest) * free : 0) < min);
    if (next < 0 || fixed.size === sizes.length) return sizes.map((s, i) => (fixed.has(i) ? min : rest ? (s / rest) * free : 0));
    fixed.add(next);
  }
}

/** Draws a spike raster: one row per neuron, populations stacked and labelled, alternate steps shaded. */
export function drawRaster(canvas: HTMLCanvasElement, input: RasterSpec): void {
  const spec = mergeGates(input);
  const { ctx, width: w, height: h } = prepare(canvas);
  const left = 96;
  const bottom = 52;
  const plotW = w - left - MARGIN.right;
  const plotH = h - MARGIN.top - bottom;
  ctx.fillStyle = '#111';
  ctx.font = 'bold 13px system-ui, sans-serif';
  ctx.fillText(spec.title, left, 18);
  ctx.font = FONT;
  const bands = bandHeights(
    spec.populations.map((p) => p.size),
    plotH,
    13,
  );
  const colW = plotW / Math.max(spec.steps, 1);
  for (let t = 0; t < spec.steps; t++) {
    ctx.fillStyle = t % 2 ? '#f3f3f3' : '#ffffff';
    ctx.fillRect(left + t * colW, MARGIN.top, colW, plotH);
    ctx.fillStyle = '#333';
    ctx.textAlign = 'center';
    ctx.fillText(String(t), left + (t + 0.5) * colW, MARGIN.top + plotH + 13);
    const label = spec.stepLabels?.[t];
    if (label) ctx.fillText(fitText(ctx, shortLabel(label), colW - 4), left + (t + 0.5) * colW, MARGIN.top + plotH + 27);
  }
  ctx.fillText('timestep (phase)', left + plotW / 2, h - 4);
  let base = MARGIN.top + plotH;
  spec.populations.forEach((pop, i) => {
    const bandH = bands[i]!;
    const top = base - bandH;
    ctx.strokeStyle = '#ddd';
    ctx.beginPath();
    ctx.moveTo(left, top);
    ctx.lineTo(left + plotW, top);
    ctx.stroke();
    ctx.fillStyle = '#222';
    ctx.textAlign = 'right';
    ctx.fillText(pop.name, left - 6, top + bandH / 2 + 4);
    ctx.fillStyle = PALETTE[i % PALETTE.length]!;
    const rowH = bandH / Math.max(pop.size, 1);
    const dotH = Math.max(rowH, 1.5);
    // With only a dozen steps per sample, a spike is a horizontal tick across most of its step's column: a
    // population's activity in a phase then reads as a striped block, silent neurons as gaps.
    for (const [step, index] of pop.spikes) {
      if (step < 0 || step >= spec.steps) continue;
      const y = base - (index + 1) * rowH;
      ctx.fillRect(left + step * colW + colW * 0.15, y, colW * 0.7, dotH);
    }
    base = top;
  });
  ctx.strokeStyle = '#444';
  ctx.strokeRect(left, MARGIN.top, plotW, plotH);
}

/** Draws a histogram as bars over their bin ranges. */
export function drawHistogram(canvas: HTMLCanvasElement, spec: HistogramSpec): void {
  const { ctx, width: w, height: h } = prepare(canvas);
  axes(ctx, w, h, spec.title, spec.xLabel, 'count');
  if (!spec.bins.length) return;
  const x0 = spec.bins[0]!.lo;
  const x1 = spec.bins[spec.bins.length - 1]!.hi;
  const y1 = Math.max(1, ...spec.bins.map((b) => b.count));
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * (w - MARGIN.left - MARGIN.right);
  const sy = (y: number) => h - MARGIN.bottom - (y / y1) * (h - MARGIN.top - MARGIN.bottom);
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  for (const t of niceTicks(0, y1)) ctx.fillText(fmtTick(t), MARGIN.left - 4, sy(t) + 4);
  ctx.textAlign = 'center';
  for (const t of niceTicks(x0, x1, 8)) ctx.fillText(fmtTick(t), sx(t), h - MARGIN.bottom + 14);
  ctx.fillStyle = spec.color;
  for (const b of spec.bins) {
    if (!b.count) continue;
    ctx.fillRect(sx(b.lo) + 0.5, sy(b.count), Math.max(sx(b.hi) - sx(b.lo) - 1, 1), sy(0) - sy(b.count));
  }
}
