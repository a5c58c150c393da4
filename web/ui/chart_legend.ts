/**
 * A chart's legend as an HTML list (swatch + name) below the chart: it wraps and keeps the page's
 * text size on a phone, and a test reads it as plain list items.
 */
import { breakableText, el } from './dom.ts';

/**
 * The list `chart`'s legend goes in: the element its `data-legend` names, else a list made
 * right after it (and named there).
 */
function legendOf(chart: HTMLElement): HTMLElement {
  const named = chart.dataset.legend ? document.getElementById(chart.dataset.legend) : null;
  if (named) return named;
  const list = el('ul', '', { class: 'chart-legend', id: `${chart.id || 'chart'}-legend`, 'aria-label': 'legend' });
  chart.after(list);
  chart.dataset.legend = list.id;
  return list;
}

/** Shows one entry per name, in `color(i)`. */
export function renderLegend(chart: HTMLElement, names: string[], color: (i: number) => string): void {
  const list = legendOf(chart);
  list.replaceChildren(
    ...names.map((name, i) => {
      const item = el('li');
      item.append(el('span', '', { class: 'swatch', style: `background: ${color(i)}`, 'aria-hidden': 'true' }), ...breakableText(name));
      return item;
    }),
  );
}
