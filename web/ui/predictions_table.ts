/**
 * The predictions table: one row per class (`tr[data-class]`) with its name and probability in
 * the current window, highest first.
 */
import { el } from './dom.ts';

/** Fills `table`'s body with `classNames` and `probabilities` (same order). */
export function renderPredictions(table: HTMLTableElement, classNames: string[], probabilities: ArrayLike<number> | null): void {
  const body = table.tBodies[0];
  body.replaceChildren();
  table.dataset.classes = JSON.stringify(classNames);
  if (!probabilities) return;
  const order = classNames.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a]);
  for (const i of order) {
    const row = el('tr', '', { 'data-class': classNames[i], 'data-probability': String(probabilities[i]) });
    row.append(el('td', classNames[i], { class: 'class-name' }), el('td', probabilities[i].toFixed(4), { class: 'probability' }));
    body.append(row);
  }
}
