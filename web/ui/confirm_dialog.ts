/**
 * Asks before something cannot be undone, in the page's one `<dialog id="confirm-dialog">`
 * (a modal: focus stays in it; Escape or Cancel say no). Resolves true only for the confirm button.
 */
import { byId } from './dom.ts';

export function confirmAction(question: string, confirmLabel: string): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  byId('confirm-text').textContent = question;
  byId('confirm-yes').textContent = confirmLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.showModal();
    byId('confirm-no').focus(); // the safe answer is the default
  });
}
