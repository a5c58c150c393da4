/**
 * Screenshots of the built app for web/README.md: the first screen, a prediction of the sample
 * clip and a fine-tune, at desktop (1280×800) and phone (390×844) sizes, as PNGs in
 * web/docs/screenshots/. Run after UI changes:
 *
 *     npx tsx test/browser/screenshots.ts
 *
 * Uses the browser tests' harness (builds dist/ when stale, serves it, Debian's Chromium) on the
 * wasm backend; a shot of a section is cut at 1.5 (fine-tune: 2) screen heights to keep the files small.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { join } from 'node:path';
import { nodePlatform } from '../../node/platform.ts';
import { openApp, ROOT } from './harness.ts';

const OUT = join(ROOT, 'web/docs/screenshots');

const SIZES: Array<{ name: string; context: BrowserContextOptions }> = [
  { name: 'desktop', context: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
];

/** Writes a PNG of the viewport (no `sectionId`) or of that section from its top, at most `screens` screens tall. */
async function shoot(page: Page, file: string, sectionId?: string, screens = 1.5): Promise<void> {
  const viewport = page.viewportSize()!;
  let clip = { x: 0, y: 0, width: viewport.width, height: viewport.height };
  if (sectionId) {
    const box = await page.evaluate((id) => {
      const r = document.getElementById(id)!.getBoundingClientRect();
      return { y: r.top + scrollY, height: r.height };
    }, sectionId);
    clip = { ...clip, y: box.y, height: Math.min(box.height, Math.round(viewport.height * screens)) };
  }
  const png = await page.screenshot({ fullPage: true, clip, animations: 'disabled', caret: 'hide' });
  await nodePlatform.writeFileAtomic(join(OUT, file), png);
  console.log(`${file}: ${(png.length / 1024).toFixed(0)} KB`);
}

/** Waits until no job runs and `body[data-<key>]` differs from `was`. */
async function settled(page: Page, key: string, was: string): Promise<void> {
  await page.waitForFunction(([k, w]) => (document.body.dataset[k] ?? '') !== w && !document.body.dataset.busy, [key, was] as const, {
    timeout: 300_000,
  });
}

async function main(): Promise<void> {
  const s = await openApp('index.html?backend=wasm');
  try {
    for (const size of SIZES) {
      const page = await (await s.browser.newContext(size.context)).newPage();
      page.setDefaultTimeout(60_000);
      await page.goto(`${s.appUrl}index.html?backend=wasm`);
      await page.waitForFunction(() => document.body.dataset.ready);
      await shoot(page, `${size.name}-first-screen.png`);

      // A prediction of the sample clip, shown at its busiest window, with the player on its first frame.
      await page.fill('[data-testid=stride]', '4');
      let was = await page.evaluate(() => document.body.dataset.predictions ?? '');
      await page.click('[data-testid=sample-clip]');
      await settled(page, 'predictions', was);
      await page.locator('[data-testid=window]').fill('6');
      await page.waitForFunction(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid=player]');
        return video !== null && video.readyState >= 2 && !video.seeking;
      });
      await shoot(page, `${size.name}-prediction.png`, 'clip-section');

      // A fine-tune: two labelled ranges to train on, one held out to measure on, a few steps.
      const ranges: Array<[string, string, string[], boolean]> = [
        ['0', '4', ['gates_lowering'], false],
        ['4', '8', ['train_left_to_right'], false],
        ['1', '5', ['gates_lowering', 'train_left_to_right'], true],
      ];
      for (const [from, to, labels, heldOut] of ranges) {
        await page.fill('[data-testid=range-start]', from);
        await page.fill('[data-testid=range-end]', to);
        for (const box of await page.locator('[data-testid=range-classes] input[data-class]').all())
          await box.setChecked(labels.includes((await box.getAttribute('data-class')) ?? ''));
        await page.setChecked('[data-testid=range-heldout]', heldOut);
        await page.click('[data-testid=range-add]');
      }
      await page.fill('[data-testid=tune-steps]', '6');
      was = await page.evaluate(() => document.body.dataset.tuned ?? '');
      await page.click('[data-testid=tune-start]');
      await settled(page, 'tuned', was);
      await shoot(page, `${size.name}-fine-tune.png`, 'tune-section', 2);
      await page.context().close();
    }
  } finally {
    await s.close();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
