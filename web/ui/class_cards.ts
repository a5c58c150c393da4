/**
 * The fine-tune panel's class cards: one card per class being trained (`[data-testid=class-card]`
 * with `data-class`), listing that class's labelled ranges, each with a thumbnail (a frame from
 * the middle of the range, at the model's size) and a remove button with an accessible name.
 */
import { el } from './dom.ts';

/** A labelled range as a card shows it. */
export interface CardRange {
  id: number;
  clipName: string;
  /** Seconds. */
  start: number;
  end: number;
  heldOut: boolean;
  /** The thumbnail's pixels, once the worker has sent them. */
  thumb: ImageData | null;
  /** Index of the thumbnail's frame in the clip (at the model's frame rate). */
  frame: number;
}

function thumbnail(r: CardRange): HTMLElement {
  const seconds = ((r.start + r.end) / 2).toFixed(1);
  if (!r.thumb) return el('span', 'no preview', { class: 'thumb' });
  const canvas = el('canvas', '', {
    class: 'thumb',
    width: String(r.thumb.width),
    height: String(r.thumb.height),
    role: 'img',
    'aria-label': `frame at ${seconds} s of ${r.clipName}`,
    'data-frame': String(r.frame),
  });
  canvas.getContext('2d')?.putImageData(r.thumb, 0, 0);
  return canvas;
}

/** Fills `box` with a card for each of `classes` (in order) that has ranges; `onRemove` takes a range off a class. */
export function renderClassCards(
  box: HTMLElement,
  classes: string[],
  rangesOf: (className: string) => CardRange[],
  onRemove: (rangeId: number, className: string) => void,
): void {
  const cards: HTMLElement[] = [];
  for (const name of classes) {
    const ranges = rangesOf(name);
    if (ranges.length === 0) continue;
    const training = ranges.filter((r) => !r.heldOut).length;
    const card = el('section', '', { class: 'class-card', 'data-testid': 'class-card', 'data-class': name, 'aria-label': `class ${name}` });
    card.append(el('h3', name), el('p', `${training} to train on, ${ranges.length - training} held out`, { class: 'hint' }));
    const list = el('ul');
    for (const r of ranges) {
      const item = el('li', '', { 'data-range': String(r.id), 'data-held-out': String(r.heldOut) });
      const what = `${r.clipName} ${r.start.toFixed(1)}–${r.end.toFixed(1)} s`;
      const remove = el('button', '×', { type: 'button', 'aria-label': `remove ${what} from ${name}`, title: `remove from ${name}` });
      remove.addEventListener('click', () => onRemove(r.id, name));
      const text = el('span', what);
      if (r.heldOut) text.append(el('span', ' held out', { class: 'tag' }));
      item.append(thumbnail(r), text, remove);
      list.append(item);
    }
    card.append(list);
    cards.push(card);
  }
  box.replaceChildren(...cards);
  if (cards.length === 0) box.append(el('p', 'No labelled range yet: pick a clip, a time range and its classes above.', { class: 'hint' }));
}
