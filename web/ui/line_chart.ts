/**
 * A small canvas line chart: several named series over a shared x axis, an HTML legend
 * (ui/chart_legend.ts) and an optional highlighted x (the current window). The canvas is drawn
 * at its displayed size (times the device's pixel ratio), so its text is real 12 px on a phone
 * too, and again when that size changes. Its accessible name (role img) says what it plots
 * (ui/chart_text.ts): the canvas's own aria-label as the title, then each series' peak.
 * Redraws in well under a millisecond for the few hundred points a video gives.
 */
import { describeChart } from './chart_text.ts';
import { renderLegend } from './chart_legend.ts';

/** One line. */
export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface ChartOptions {
  xLabel: string;
  /** Fixed y range (probabilities: [0, 1]); from the data when absent. */
  yRange?: [number, number];
  /** x to mark with a vertical line. */
  marker?: number | null;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The colour series `i` is drawn in. */
export function seriesColor(i: number): string {
  return COLORS[i % COLORS.length];
}

/** Where a drawn chart's x axis lies: turns a canvas x (pixels) back into an x value. */
export interface ChartScale {
  xAt(canvasX: number): number;
}

/** Plot margins in CSS px (the legend is outside the canvas). */
const PAD = { left: 40, right: 14, top: 10, bottom: 24 };

/** What each canvas last drew, to draw it again at a new size. */
const lastDrawn = new WeakMap<HTMLCanvasElement, { series: Series[]; options: ChartOptions }>();
const resized = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    const last = lastDrawn.get(target as HTMLCanvasElement);
    if (last) drawLineChart(target as HTMLCanvasElement, last.series, last.options);
  }
});

/** Gives the canvas one pixel per device pixel of its displayed box; returns device pixels per CSS px. */
function fitToBox(canvas: HTMLCanvasElement): number {
  const ratio = window.devicePixelRatio || 1;
  // Capped: a canvas whose CSS width followed its pixel width would otherwise grow with each draw.
  const [width, height] = [Math.min(4096, Math.round(canvas.clientWidth * ratio)), Math.min(4096, Math.round(canvas.clientHeight * ratio))];
  if (width > 0 && height > 0 && (canvas.width !== width || canvas.height !== height)) {
    canvas.width = width;
    canvas.height = height;
  }
  return canvas.clientWidth > 0 ? canvas.width / canvas.clientWidth : 1;
}

/** The chart's title: the canvas's aria-label as the page wrote it. */
function titleOf(canvas: HTMLCanvasElement): string {
  canvas.dataset.title ??= canvas.getAttribute('aria-label') ?? 'chart';
  return canvas.dataset.title;
}

/** Draws `series` on `canvas`, replacing what was there; null when there was nothing to draw. */
export function drawLineChart(canvas: HTMLCanvasElement, series: Series[], options: ChartOptions): ChartScale | null {
  if (!lastDrawn.has(canvas)) resized.observe(canvas);
  lastDrawn.set(canvas, { series, options });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', describeChart(titleOf(canvas), series, options.xLabel));
  renderLegend(
    canvas,
    series.map((s) => s.name),
    seriesColor,
  );
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const scale = fitToBox(canvas);
  // Drawn in CSS px.
  const [width, height] = [canvas.width / scale, canvas.height / scale];
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  if (xs.length === 0) return null;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = options.yRange ?? [Math.min(0, ...ys), Math.max(...ys) || 1];
  const px = (x: number) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (width - PAD.left - PAD.right);
  const py = (y: number) => height - PAD.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - PAD.top - PAD.bottom);
  ctx.strokeStyle = '#999';
  ctx.fillStyle = '#333';
  ctx.font = '12px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(PAD.left, PAD.top);
  ctx.lineTo(PAD.left, height - PAD.bottom);
  ctx.lineTo(width - PAD.right, height - PAD.bottom);
  ctx.stroke();
  ctx.fillText(y1.toPrecision(3), 2, PAD.top + 8);
  ctx.fillText(y0.toPrecision(3), 2, height - PAD.bottom);
  // Five x ticks, the last one with the unit (right-aligned to stay inside).
  for (let i = 0; i <= 4; i++) {
    const x = x0 + ((x1 - x0) * i) / 4;
    ctx.textAlign = i === 0 ? 'left' : i === 4 ? 'right' : 'center';
    ctx.fillText(`${Number(x.toFixed(2))}${i === 4 ? ` ${options.xLabel}` : ''}`, i === 4 ? width - 2 : px(x), height - 6);
    ctx.beginPath();
    ctx.moveTo(px(x), height - PAD.bottom);
    ctx.lineTo(px(x), height - PAD.bottom + 4);
    ctx.stroke();
  }
  ctx.textAlign = 'left';
  series.forEach((s, i) => {
    ctx.strokeStyle = seriesColor(i);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    ctx.stroke();
  });
  if (options.marker !== undefined && options.marker !== null) {
    ctx.strokeStyle = 'rgba(0,0,0,0.4)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(px(options.marker), PAD.top);
    ctx.lineTo(px(options.marker), height - PAD.bottom);
    ctx.stroke();
  }
  // Read at click time: the canvas may have been redrawn at another size since.
  return {
    xAt: (canvasX) => {
      const cssX = (canvasX * canvas.clientWidth) / (canvas.width || 1);
      return x0 + ((cssX - PAD.left) / (canvas.clientWidth - PAD.left - PAD.right)) * (x1 - x0);
    },
  };
}
