/**
 * Cancelling a running job (prediction, fine-tune): the page asks, the worker's loop sees the
 * flag at its next window or step and throws an error named {@link CANCELLED}, which comlink
 * carries to the page by name. Shared by the page and the worker (no tfjs here).
 */

/** The `name` of the error a cancelled job ends with. */
export const CANCELLED = 'Cancelled';

/** The error a job throws when it stops on request: "<what> cancelled". */
export function cancelledError(what: string): Error {
  const e = new Error(`${what} cancelled`);
  e.name = CANCELLED;
  return e;
}

/** Whether `e` is a job's cancellation (also after crossing comlink). */
export function isCancelled(e: unknown): boolean {
  return e instanceof Error && e.name === CANCELLED;
}

/** One job's flag: set by a cancel request, read by the job's loop. */
export interface CancelToken {
  cancelled: boolean;
}

/**
 * Lets queued messages (a cancel request) run: wasm and cpu resolve reads in microtasks, so a
 * loop of awaits alone would never let the worker see one.
 */
export function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
