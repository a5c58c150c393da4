/**
 * The text alternative of a line chart (its accessible name): what it plots and, per series,
 * where it peaks, so a screen reader gets what a glance at the lines gives.
 */
import type { Series } from './line_chart.ts';

/** Series described at most (a Kinetics model has hundreds of classes): the highest peaks. */
const MAX_DESCRIBED = 10;

const round = (v: number) => String(Number(v.toFixed(2)));

/** "`title`: 7 points, 1–7 s. gates_lowering peaks at 0.93 (2 s), lowest 0.01; …" */
export function describeChart(title: string, series: Series[], xLabel: string): string {
  const drawn = series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) return `${title}: nothing plotted yet`;
  const xs = drawn.flatMap((s) => s.points.map((p) => p[0]));
  const count = Math.max(...drawn.map((s) => s.points.length));
  const peaks = drawn.map((s) => {
    const top = s.points.reduce((a, b) => (b[1] > a[1] ? b : a));
    const low = Math.min(...s.points.map((p) => p[1]));
    return { name: s.name, top, low };
  });
  peaks.sort((a, b) => b.top[1] - a.top[1]);
  const told = peaks
    .slice(0, MAX_DESCRIBED)
    .map((p) => `${p.name} peaks at ${round(p.top[1])} (${round(p.top[0])} ${xLabel}), lowest ${round(p.low)}`);
  const more = peaks.length > MAX_DESCRIBED ? `; and ${peaks.length - MAX_DESCRIBED} more` : '';
  return `${title}: ${count} point${count === 1 ? '' : 's'}, ${round(Math.min(...xs))}–${round(Math.max(...xs))} ${xLabel}. ${told.join('; ')}${more}.`;
}
