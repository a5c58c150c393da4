/**
 * The app's line charts (a clip's probabilities, the camera's live ones, the training loss), drawn
 * by uPlot: several named series over a shared x axis, an HTML legend (ui/chart_legend.ts) and an
 * optional marked x (the playback cursor). This is the one file that knows uPlot.
 *
 * The page writes a placeholder `<canvas>` (id, data-testid, aria-label as the title); the first
 * draw puts uPlot in a box in its place (id `<canvas id>-box`, sized by CSS) and moves those
 * attributes onto uPlot's canvas, so the canvas keeps its test hooks and is `role="img"` with a
 * name that says what it plots and, per series, where it peaks (ui/chart_text.ts), updated with
 * every draw. The chart follows its box's size, so its 12 px text stays 12 px on a phone.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { renderLegend } from './chart_legend.ts';
import { describeChart } from './chart_text.ts';

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

const FONT = '12px system-ui, sans-serif';

/** x tick steps: whole ones when every x is whole (training steps), else these fractions too (seconds). */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
const STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, ...WHOLE_STEPS];

/** The series as uPlot's aligned columns: the sorted union of their x values, null where a series has no point. */
function aligned(series: Series[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const column = new Map(xs.map((x, i) => [x, i]));
  return [
    xs,
    ...series.map((s) => {
      const ys = new Array<number | null>(xs.length).fill(null);
      for (const [x, y] of s.points) ys[column.get(x) ?? 0] = y;
      return ys;
    }),
  ];
}

/** A chart on the page; the same object across redraws (uPlot itself is rebuilt when the series' names change). */
export class LineChart {
  /** The box uPlot lives in, where the page's canvas was; pointer events on the chart reach it. */
  readonly box: HTMLDivElement;
  // Set by build(), which the constructor calls.
  private plot!: uPlot;
  private canvas: HTMLCanvasElement;
  private names: string[] = [];
  private xLabel = '';
  private options: ChartOptions = { xLabel: '' };

  constructor(placeholder: HTMLCanvasElement) {
    this.canvas = placeholder;
    this.box = document.createElement('div');
    this.box.className = 'line-chart';
    this.box.id = `${placeholder.id || 'chart'}-box`;
    if (placeholder.dataset.legend) this.box.dataset.legend = placeholder.dataset.legend;
    placeholder.dataset.title ??= placeholder.getAttribute('aria-label') ?? 'chart';
    placeholder.replaceWith(this.box);
    this.build([], '');
    new ResizeObserver(() => this.fit()).observe(this.box);
  }

  /** Draws `series`, replacing what was there. */
  draw(series: Series[], options: ChartOptions): void {
    this.options = options;
    const names = series.map((s) => s.name);
    if (series.length === 0) {
      // Cleared (a new clip starts): the same plot, emptied, rather than a new one twice per clip.
      this.plot.setData([[], ...this.names.map(() => [])]);
    } else {
      if (this.names.join('\n') !== names.join('\n') || this.xLabel !== options.xLabel) this.build(names, options.xLabel);
      this.plot.setData(aligned(series));
    }
    const title = this.canvas.dataset.title ?? 'chart';
    this.canvas.setAttribute('aria-label', describeChart(title, series, options.xLabel));
    renderLegend(this.box, names, seriesColor);
  }

  /** The x value under a pointer at `clientX` (page px); null while nothing is plotted. */
  xAt(clientX: number): number | null {
    const plot = this.plot;
    if ((plot.data[0]?.length ?? 0) === 0) return null;
    return plot.posToVal(clientX - plot.over.getBoundingClientRect().left, 'x');
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(1, this.box.clientWidth), height: Math.max(1, this.box.clientHeight) };
  }

  private fit(): void {
    const size = this.size();
    if (this.plot.width !== size.width || this.plot.height !== size.height) this.plot.setSize(size);
  }

  /** A new uPlot for these series; the old canvas's attributes (id, test hooks, title, role) move to the new one. */
  private build(names: string[], xLabel: string): void {
    this.plot?.destroy(); // undefined on the first build
    this.names = names;
    this.xLabel = xLabel;
    const axis = { font: FONT, labelFont: FONT, stroke: '#333', grid: { stroke: '#eee', width: 1 }, ticks: { stroke: '#999', width: 1 } };
    const plot = new uPlot(
      {
        ...this.size(),
        legend: { show: false }, // the HTML list below wraps on a phone; uPlot's table would not
        cursor: { drag: { x: false, y: false, setScale: false }, y: false, points: { size: 6 } },
        scales: {
          x: {
            time: false,
            range: (_u, min, max) => (min === null || max === null ? [0, 1] : min === max ? [min - 1, max + 1] : [min, max]),
          },
          y: {
            range: (_u, min, max) => this.options.yRange ?? [Math.min(0, min ?? 0), max || 1],
          },
        },
        axes: [
          {
            ...axis,
            label: xLabel === 's' ? 'time (s)' : xLabel,
            labelSize: 18,
            size: 32,
            incrs: (u: uPlot) => ((u.data[0] ?? []).every((x) => Number.isInteger(x)) ? WHOLE_STEPS : STEPS),
          } as uPlot.Axis,
          { ...axis, size: 44 },
        ],
        series: [{}, ...names.map((label, i) => ({ label, stroke: seriesColor(i), width: 1.5, spanGaps: true }))],
        hooks: { draw: [(u: uPlot) => this.drawMarker(u)] },
      },
      [[], ...names.map(() => [])],
      this.box,
    );
    const canvas = plot.root.querySelector('canvas') as HTMLCanvasElement;
    for (const { name, value } of Array.from(this.canvas.attributes)) {
      if (!['width', 'height', 'style', 'class'].includes(name)) canvas.setAttribute(name, value);
    }
    canvas.setAttribute('role', 'img');
    this.canvas.removeAttribute('id'); // a placeholder out of the page, or a destroyed plot's canvas
    this.canvas = canvas;
    charts.set(canvas, this);
    this.plot = plot;
  }

  /** The marked x (the playback cursor) as a vertical line over the plot. */
  private drawMarker(u: uPlot): void {
    const marker = this.options.marker;
    if (marker === undefined || marker === null || (u.data[0]?.length ?? 0) === 0) return;
    const x = Math.round(u.valToPos(marker, 'x', true));
    const { ctx, bbox } = u;
    ctx.save();
    ctx.strokeStyle = 'rgba(0,0,0,0.45)';
    ctx.lineWidth = Math.max(1, uPlot.pxRatio);
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.restore();
  }
}

/** Each chart by its current canvas (and by the page's placeholder, until the first draw replaces it). */
const charts = new WeakMap<HTMLCanvasElement, LineChart>();

/** The chart shown in place of `canvas` (the page's placeholder or the chart's current canvas), made on first use. */
export function lineChart(canvas: HTMLCanvasElement): LineChart {
  let chart = charts.get(canvas);
  if (!chart) {
    chart = new LineChart(canvas);
    charts.set(canvas, chart);
  }
  return chart;
}

/** Draws `series` in the chart shown in place of `canvas`, replacing what was there. */
export function drawLineChart(canvas: HTMLCanvasElement, series: Series[], options: ChartOptions): LineChart {
  const chart = lineChart(canvas);
  chart.draw(series, options);
  return chart;
}
