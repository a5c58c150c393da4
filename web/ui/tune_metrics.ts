/**
 * Held-out results of a fine-tune per class (`[data-testid=tune-metrics]`, rows `tr[data-class]`
 * with `data-precision`, `data-recall`, `data-f1`): the classes being trained, each measured on its
 * own (core's metrics on rounded predictions), and their mean over the classes that have a
 * held-out range (a class without one has no recall to report).
 */
import type { EvalReport } from '../worker/fine_tune.ts';
import { breakableText, el } from './dom.ts';

function row(name: string, cells: string[], data: Record<string, string>): HTMLTableRowElement {
  const tr = el('tr', '', data);
  const th = el('th', '', { scope: 'row' });
  th.append(...breakableText(name));
  tr.append(th, ...cells.map((c) => el('td', c)));
  return tr;
}

/** Fills `box` with a table of `classes`' held-out precision, recall and F1 (`allClasses`: the report's class order). */
export function renderTuneMetrics(box: HTMLElement, report: EvalReport, allClasses: string[], classes: string[]): void {
  const table = el('table', '', { 'data-testid': 'tune-metrics' });
  table.append(el('caption', `Held-out ranges, per class (${report.clips} clips)`));
  const head = el('tr');
  for (const h of ['class', 'held-out clips', 'precision', 'recall', 'F1']) head.append(el('th', h, { scope: 'col' }));
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  const measured: EvalReport['perClass'] = [];
  for (const name of classes) {
    const m = report.perClass[allClasses.indexOf(name)];
    if (!m) continue;
    if (m.positives === 0) {
      table.tBodies[0].append(row(name, ['0', '—', '—', '—'], { 'data-class': name, 'data-measured': 'false' }));
      continue;
    }
    measured.push(m);
    table.tBodies[0].append(
      row(name, [String(m.positives), m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3)], {
        'data-class': name,
        'data-measured': 'true',
        'data-precision': String(m.precision),
        'data-recall': String(m.recall),
        'data-f1': String(m.f1),
      }),
    );
  }
  const mean = (key: 'precision' | 'recall' | 'f1') => measured.reduce((s, m) => s + m[key], 0) / measured.length;
  const foot = el('tfoot');
  if (measured.length > 0) {
    const values = { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
    foot.append(
      row(`mean of ${measured.length}`, ['', values.precision.toFixed(3), values.recall.toFixed(3), values.f1.toFixed(3)], {
        'data-mean': 'true',
        'data-precision': String(values.precision),
        'data-recall': String(values.recall),
        'data-f1': String(values.f1),
      }),
    );
  }
  table.append(foot);
  const note =
    measured.length < classes.length
      ? el('p', 'A class without a held-out range cannot be measured: mark one of its ranges "held out" to see how it does.', {
          class: 'hint',
        })
      : '';
  box.append(table, note);
}
