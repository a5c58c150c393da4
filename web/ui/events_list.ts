/**
 * The detected events of a clip, as buttons that seek the video to each event's start:
 * "gates_lowering 1.00–3.00 s, peak 0.93". Events come from core's segmenting rule
 * (core/predict/events.ts, the CLI's `predict` events).
 */
import type { ClassEvents } from '../../core/index.ts';
import { el } from './dom.ts';

/** Fills `list` with the events of every class (time order); `onPick` gets an event's start in seconds. */
export function renderEvents(list: HTMLElement, classes: ClassEvents[], onPick: (seconds: number) => void): void {
  const events = classes
    .flatMap((c) => c.events.map((e) => ({ className: c.className, ...e })))
    .sort((a, b) => a.startSeconds - b.startSeconds || a.className.localeCompare(b.className));
  list.replaceChildren(
    ...events.map((e) => {
      const item = el('li');
      const text = `${e.className} ${e.startSeconds.toFixed(2)}–${e.endSeconds.toFixed(2)} s, peak ${e.peak.toFixed(2)}`;
      const button = el('button', text, { type: 'button', 'data-start': String(e.startSeconds), 'data-class': e.className });
      button.addEventListener('click', () => onPick(e.startSeconds));
      item.append(button);
      return item;
    }),
  );
  list.dataset.count = String(events.length);
}
