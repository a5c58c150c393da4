/**
 * The predictions table: the current window's top classes (`tr[data-class]`), highest first,
 * each with its probability as a number and a bar; classes at or above the threshold are
 * highlighted (`tr.above`).
 */
import { breakableText, el } from './dom.ts';

/** Rows shown at most (a Kinetics model has hundreds of classes). */
export const TOP_K = 10;

/** Fills `table`'s body with the top `classNames` by `probabilities` (same order); `threshold` highlights. */
export function renderPredictions(
  table: HTMLTableElement,
  classNames: string[],
  probabilities: ArrayLike<number> | null,
  threshold = 0.5,
): void {
  const body = table.tBodies[0];
  body.replaceChildren();
  table.dataset.classes = JSON.stringify(classNames);
  if (!probabilities) return;
  const order = classNames
    .map((_, i) => i)
    .sort((a, b) => probabilities[b] - probabilities[a])
    .slice(0, TOP_K);
  for (const i of order) {
    const p = probabilities[i];
    const row = el('tr', '', { 'data-class': classNames[i], 'data-probability': String(p) });
    if (p >= threshold) row.classList.add('above');
    const bar = el('td', '', { class: 'bar', 'aria-hidden': 'true' });
    bar.append(el('span', '', { style: `width: ${(100 * p).toFixed(1)}%` }));
    const name = el('td', '', { class: 'class-name' });
    name.append(...breakableText(classNames[i]));
    row.append(name, el('td', p.toFixed(4), { class: 'probability' }), bar);
    body.append(row);
  }
}
