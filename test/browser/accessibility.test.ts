/**
 * Phones and assistive tech, at desktop (1280×800) and phone (390×844) sizes, on opening the app
 * and after a prediction of the sample clip (with a labelled range and a model saved in this
 * browser, so the × buttons exist) and after a fine-tune: every interactive node of Chromium's accessibility tree has
 * a name; the page does not scroll sideways; visible controls are at least 24×24 px; the charts
 * expose a text alternative that names what they plot, and the chart legend wraps at a readable size.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { BROWSER_SKIP, openApp, type BrowserSession } from './harness.ts';
import { readMessage } from './app_driver.ts';
import { accessibilityProblems, chartNames } from './accessibility_audit.ts';

const SIZES: Array<{ name: string; context: BrowserContextOptions }> = [
  { name: 'desktop', context: { viewport: { width: 1280, height: 800 } } },
  { name: 'phone', context: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
];

/** Predicts the sample clip, labels two ranges of it (one held out) and saves the model in this browser (the × buttons appear). */
async function predictLabelAndSave(page: Page): Promise<void> {
  const was = await page.evaluate(() => document.body.dataset.predictions ?? '');
  await page.click('[data-testid=sample-clip]');
  await page.waitForFunction((w) => (document.body.dataset.predictions ?? '') !== w && !document.body.dataset.busy, was, {
    timeout: 180_000, // on 2 shared cores
  });
  for (const [from, to, heldOut] of [
    ['0', '4', false],
    ['4', '8', true],
  ] as const) {
    await page.fill('[data-testid=range-start]', from);
    await page.fill('[data-testid=range-end]', to);
    await page.check('[data-testid=range-classes] input[data-class=gates_lowering]');
    await page.setChecked('[data-testid=range-heldout]', heldOut);
    await page.click('[data-testid=range-add]');
  }
  await page.fill('[data-testid=save-name]', 'a11y-check');
  await page.click('[data-testid=save-idb]');
  await page.waitForSelector('[data-saved="a11y-check"]');
}

describe('phones and assistive tech', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  const errors: string[] = [];

  before(async () => {
    s = await openApp('index.html?backend=wasm');
  });
  after(async () => {
    await s?.close();
  });

  for (const size of SIZES) {
    describe(size.name, () => {
      let page: Page;
      let openingChart = '';
      before(async () => {
        const context = await s.browser.newContext(size.context);
        page = await context.newPage();
        page.setDefaultTimeout(30_000);
        page.on('console', (m) => m.type() === 'error' && errors.push(`${size.name}: ${m.text()}`));
        page.on('pageerror', (e) => errors.push(`${size.name}: uncaught: ${e.message}`));
        await page.goto(`${s.appUrl}index.html?backend=wasm`);
        await page.waitForFunction(() => document.body.dataset.ready);
      });

      test('on opening: every control is named and big enough, nothing overflows, the charts have text alternatives', async () => {
        assert.deepEqual(await accessibilityProblems(page), []);
        const charts = await chartNames(page);
        assert.ok(charts.chart && charts['loss-chart'], JSON.stringify(charts));
        openingChart = charts.chart;
      });

      test('after a prediction, a labelled range and a saved model: the same, and the chart’s text names every class it plots', async () => {
        await predictLabelAndSave(page);
        assert.equal(await readMessage(page), 'saved "a11y-check" in this browser');
        const crosses = await page.$$eval('button', (bs) => bs.filter((b) => b.textContent?.trim() === '×').length);
        assert.ok(crosses >= 2, `${crosses} × button(s): the range’s and the saved model’s should both be on the page`);
        assert.deepEqual(await accessibilityProblems(page), []);
        const classNames = JSON.parse((await page.getAttribute('[data-testid=predictions]', 'data-classes')) ?? '[]') as string[];
        assert.equal(classNames.length, 5);
        const chart = (await chartNames(page)).chart;
        assert.notEqual(chart, openingChart, 'the chart’s text alternative did not change with what it plots');
        for (const name of classNames) assert.ok(chart.includes(name), `the chart's text alternative does not name ${name}: ${chart}`);
        // The legend: one entry per class, on screen, at a readable size, wrapping rather than overflowing.
        const legend = await page.$$eval('[data-testid=chart-legend] li', (items) =>
          items.map((li) => {
            const box = li.getBoundingClientRect();
            return { text: li.textContent ?? '', right: box.right, fontSize: Number.parseFloat(getComputedStyle(li).fontSize) };
          }),
        );
        assert.deepEqual(
          legend.map((l) => l.text.trim()),
          classNames,
        );
        const width = page.viewportSize()!.width;
        for (const l of legend) {
          assert.ok(l.fontSize >= 12, `legend entry ${l.text} is ${l.fontSize}px`);
          assert.ok(l.right <= width, `legend entry ${l.text} ends at ${l.right}px, past the ${width}px screen`);
        }
      });

      test('after a fine-tune (with held-out metrics): the same, and the loss chart’s text gives the loss', async () => {
        await page.fill('[data-testid=tune-steps]', '2');
        const was = await page.evaluate(() => document.body.dataset.tuned ?? '');
        await page.click('[data-testid=tune-start]');
        await page.waitForFunction((w) => (document.body.dataset.tuned ?? '') !== w && !document.body.dataset.busy, was, {
          timeout: 180_000,
        });
        assert.deepEqual(await accessibilityProblems(page), []);
        assert.match(
          (await chartNames(page))['loss-chart'],
          /^Training loss by step: 2 points, 1–2 step\. loss peaks at [\d.]+ \(\d step\)/,
        );
      });
    });
  }

  test('no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
