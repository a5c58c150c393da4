/**
 * A chart's legend as an HTML list (swatch + name) beside the canvas: it wraps and keeps the
 * page's text size on a phone, where a legend drawn into a scaled-down canvas could not be read.
 */
import { breakableText, el } from './dom.ts';

/**
 * The list `canvas`'s legend goes in: the element its `data-legend` names, else a list made
 * right after it (and named there).
 */
function legendOf(canvas: HTMLCanvasElement): HTMLElement {
  const named = canvas.dataset.legend ? document.getElementById(canvas.dataset.legend) : null;
  if (named) return named;
  const list = el('ul', '', { class: 'chart-legend', id: `${canvas.id || 'chart'}-legend`, 'aria-label': 'legend' });
  canvas.after(list);
  canvas.dataset.legend = list.id;
  return list;
}

/** Shows one entry per name, in `color(i)`. */
export function renderLegend(canvas: HTMLCanvasElement, names: string[], color: (i: number) => string): void {
  const list = legendOf(canvas);
  list.replaceChildren(
    ...names.map((name, i) => {
      const item = el('li');
      item.append(el('span', '', { class: 'swatch', style: `background: ${color(i)}`, 'aria-hidden': 'true' }), ...breakableText(name));
      return item;
    }),
  );
}
