/** Small DOM helpers for the page (no framework). */

/** The element with id `id`, typed; throws when the page lacks it. */
export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** Creates an element with text and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/**
 * `text` with a line-break opportunity (<wbr>) after each `_`, so a class name such as
 * pedestrian_crossing_while_gates_down wraps between its words on a phone (textContent unchanged).
 */
export function breakableText(text: string): Array<Node | string> {
  return text.split(/(?<=_)/).flatMap((part, i) => (i === 0 ? [part] : [document.createElement('wbr'), part]));
}

/** What the message box is showing (data-kind): a warning is cleared by the next good result. */
export type MessageKind = 'error' | 'warning' | 'info';

/** Shows an error, warning or notice at the top of the page; null hides it. */
export function showMessage(text: string | null, kind: MessageKind = 'error'): void {
  const box = byId<HTMLParagraphElement>('message');
  box.hidden = text === null;
  box.textContent = text ?? '';
  box.className = kind === 'info' ? 'info' : '';
  box.dataset.kind = kind;
}

/** The message of anything thrown (comlink forwards worker errors as Error). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Calls `onFiles` with files dropped on `zone` (highlighting it while dragged over). */
export function onDrop(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFiles([...(e.dataTransfer?.files ?? [])]);
  });
}
