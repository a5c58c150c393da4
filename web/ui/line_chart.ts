/**
 * A small canvas line chart: several named series over a shared x axis, with a legend and an
 * optional highlighted x (the current window). Redraws in well under a millisecond for the
 * few hundred points a video gives.
 */

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

/** Draws `series` on `canvas`, replacing what was there; null when there was nothing to draw. */
export function drawLineChart(canvas: HTMLCanvasElement, series: Series[], options: ChartOptions): ChartScale | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const { width, height } = canvas;
  const pad = { left: 44, right: 250, top: 10, bottom: 26 };
  ctx.clearRect(0, 0, width, height);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  if (xs.length === 0) return null;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = options.yRange ?? [Math.min(0, ...ys), Math.max(...ys) || 1];
  const px = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const py = (y: number) => height - pad.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  ctx.strokeStyle = '#999';
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.beginPath();
  ctx.moveTo(pad.left, pad.top);
  ctx.lineTo(pad.left, height - pad.bottom);
  ctx.lineTo(width - pad.right, height - pad.bottom);
  ctx.stroke();
  ctx.fillText(y1.toPrecision(3), 2, pad.top + 8);
  ctx.fillText(y0.toPrecision(3), 2, height - pad.bottom);
  // Five x ticks, the last one with the unit.
  for (let i = 0; i <= 4; i++) {
    const x = x0 + ((x1 - x0) * i) / 4;
    const label = `${Number(x.toFixed(2))}${i === 4 ? ` ${options.xLabel}` : ''}`;
    ctx.fillText(label, Math.min(px(x) - 6, width - pad.right - 40), height - 8);
    ctx.beginPath();
    ctx.moveTo(px(x), height - pad.bottom);
    ctx.lineTo(px(x), height - pad.bottom + 4);
    ctx.stroke();
  }
  series.forEach((s, i) => {
    ctx.strokeStyle = seriesColor(i);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    ctx.stroke();
    ctx.fillStyle = seriesColor(i);
    ctx.fillText(s.name.slice(0, 40), width - pad.right + 8, pad.top + 12 + i * 14);
  });
  if (options.marker !== undefined && options.marker !== null) {
    ctx.strokeStyle = 'rgba(0,0,0,0.4)';
    ctx.beginPath();
    ctx.moveTo(px(options.marker), pad.top);
    ctx.lineTo(px(options.marker), height - pad.bottom);
    ctx.stroke();
  }
  const plotWidth = width - pad.left - pad.right;
  return { xAt: (canvasX) => x0 + ((canvasX - pad.left) / plotWidth) * (x1 - x0) };
}
