/**
 * Drives the web app the way a person does, through its stable hooks: `input[type=file]` for
 * clips, `[data-testid=model-url]`, `[data-testid=backend]`, `[data-testid=predictions]` rows,
 * the window slider and the message box. Waits on the page's own signals, never on sleeps.
 */
import type { Page } from 'playwright-core';
import { basename } from 'node:path';

/** Waits until one of `body[data-<key>]` differs from what it was when `action` started; resolves with the key. */
async function afterChange(page: Page, keys: string[], action: () => Promise<void>, timeout: number): Promise<string> {
  const before = await page.evaluate((ks) => ks.map((k) => document.body.dataset[k] ?? ''), keys);
  await action();
  const handle = await page.waitForFunction(
    ([ks, was]) => {
      const i = ks.findIndex((k, j) => (document.body.dataset[k] ?? '') !== was[j]);
      return i >= 0 ? ks[i] : null;
    },
    [keys, before] as const,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as string;
}

/** Uploads `file` as a clip; resolves 'predicted' or 'clipError' once the page is done with it. */
export async function uploadClip(page: Page, file: string, timeout = 180_000): Promise<string> {
  const was = await page.evaluate(() => document.body.dataset.lastClip ?? '');
  await page.setInputFiles('input[type=file]', file);
  const uid = await (
    await page.waitForFunction((w) => (document.body.dataset.lastClip ?? '') !== w && document.body.dataset.lastClip, was)
  ).jsonValue();
  const done = await page.waitForFunction(
    (prefix) => ['predicted', 'clipError'].find((k) => (document.body.dataset[k] ?? '').startsWith(prefix)) ?? null,
    `${uid} ${basename(file)}`,
    { timeout, polling: 100 },
  );
  return (await done.jsonValue()) as string;
}

/** Opens the model at `url` through the URL box; resolves 'modelLoaded' or 'modelError'. */
export function openModelByUrl(page: Page, url: string, timeout = 120_000): Promise<string> {
  return afterChange(
    page,
    ['modelLoaded', 'modelError'],
    async () => {
      await page.fill('[data-testid=model-url]', url);
      await page.click('[data-testid=model-open]');
    },
    timeout,
  );
}

/** The predictions table: class name → probability, for the current window. */
export async function readPredictions(page: Page): Promise<Map<string, number>> {
  const rows = await page.$$eval('[data-testid=predictions] tr[data-class]', (trs) =>
    trs.map((tr) => [tr.querySelector('.class-name')?.textContent ?? '', Number(tr.getAttribute('data-probability'))] as [string, number]),
  );
  return new Map(rows);
}

/** Every window's probabilities, read by moving the window slider over them. */
export async function readAllWindows(page: Page, classNames: string[]): Promise<number[][]> {
  const last = Number(await page.getAttribute('[data-testid=window]', 'max'));
  const out: number[][] = [];
  for (let i = 0; i <= last; i++) {
    await page.locator('[data-testid=window]').fill(String(i));
    const p = await readPredictions(page);
    out.push(classNames.map((c) => p.get(c) ?? NaN));
  }
  return out;
}

/** The text of the page's message box ('' when hidden). */
export async function readMessage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const box = document.querySelector<HTMLElement>('[data-testid=message]');
    return box && !box.hidden ? (box.textContent ?? '') : '';
  });
}
