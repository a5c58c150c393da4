/**
 * Browser bench (`npx tsx test/bench/browser.bench.ts [--backends wasm,webgl,webgpu,cpu]
 * [--runs 1] [--depth 1] [--json]`), in Debian's headless Chromium:
 *  1. main-thread long tasks (PerformanceObserver 'longtask', > 50 ms) in the app while it
 *     predicts a 12 s clip with the demo model and while it fine-tunes 10 steps;
 *  2. ms per 16×224² window of S3D-G (depth multiplier `--depth`, 400 classes, batch 1) in the
 *     diagnostics page's worker (test/browser/diagnostics/), per backend: first pass (kernel
 *     compilation) and the median of `--runs`.
 * WebGPU and WebGL run on SwiftShader here (software): their numbers are not GPU figures.
 */
import { parseArgs } from 'node:util';
import { openApp, openDiagnostics } from '../browser/harness.ts';
import { uploadClip, readMessage } from '../browser/app_driver.ts';
import { writeCrossingScenes } from '../../node/demo/scenes.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DiagnosticsHooks } from '../browser/diagnostics/types.ts';

const { values: flags } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgl,webgpu,cpu' },
    runs: { type: 'string', default: '1' },
    depth: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    'skip-forward': { type: 'boolean', default: false },
    'skip-longtasks': { type: 'boolean', default: false },
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (s: string) => process.stderr.write(`${s}\n`);
const rows: Array<Record<string, unknown>> = [];

async function forwardBench(page: Page): Promise<void> {
  const runs = Number(flags.runs);
  const depth = Number(flags.depth);
  for (const backend of flags.backends.split(',')) {
    log(`forward 16×224² depth ${depth} on ${backend}…`);
    const r = await page.evaluate(
      async ([b, d, n]) => {
        const w = (window as unknown as { s3dgDiagnostics: DiagnosticsHooks }).s3dgDiagnostics;
        const active = (await w.setWorkerBackend(b)).active;
        if (active !== b) return { backend: active, firstMs: NaN, runsMs: [] as number[] };
        return w.timeForward({ numClasses: 400, depthMultiplier: d }, { clipLength: 16, frameHeight: 224, frameWidth: 224 }, n);
      },
      [backend, depth, runs] as const,
    );
    const row = {
      bench: 'forward 16×224²',
      backend,
      depthMultiplier: depth,
      firstMs: Math.round(r.firstMs),
      medianMs: r.runsMs.length ? Math.round(median(r.runsMs)) : null,
      runs: r.runsMs.map(Math.round),
    };
    if (r.backend !== backend) Object.assign(row, { note: `${backend} unavailable (fell back to ${r.backend})` });
    rows.push(row);
    log(JSON.stringify(row));
  }
}

/** Long tasks (ms) recorded by the page between two performance.now() marks. */
async function longTasksBetween(page: Page, from: number, to: number): Promise<number[]> {
  return page.evaluate(
    ([a, b]) =>
      (window as unknown as { __longtasks: Array<[number, number]> }).__longtasks
        .filter(([start]) => start >= a && start <= b)
        .map(([, d]) => d),
    [from, to] as const,
  );
}

async function longTaskBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 's3dg-bench-'));
  const scenes = await writeCrossingScenes({
    width: 64,
    height: 64,
    fps: 8,
    durationSeconds: 12,
    videos: 1,
    seed: 3,
    outDir: dir,
    codec: 'h264',
  });
  const clip = join(scenes.videosDir, scenes.videos[0]);
  const s = await openApp('index.html?backend=webgpu');
  try {
    await s.page.addInitScript(() => {
      const w = window as unknown as { __longtasks: Array<[number, number]> };
      w.__longtasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longtasks.push([e.startTime, e.duration]))).observe({
        type: 'longtask',
        buffered: true,
      });
    });
    await s.page.reload();
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 180_000 });
    const backend = await s.page.textContent('[data-testid=backend]');
    const now = () => s.page.evaluate(() => performance.now());
    const loadTasks = await longTasksBetween(s.page, 0, await now());
    await s.page.fill('[data-testid=stride]', '4');
    const t0 = await now();
    const result = await uploadClip(s.page, clip);
    const t1 = await now();
    if (result !== 'predicted') throw new Error(`prediction failed: ${await readMessage(s.page)}`);
    const windows = Number(await s.page.getAttribute('[data-testid=window]', 'max')) + 1;
    const predictTasks = await longTasksBetween(s.page, t0, t1);
    await s.page.fill('[data-testid=range-end]', '12');
    await s.page.check('[data-testid=range-classes] input[data-class=gates_lowering]');
    await s.page.click('[data-testid=range-add]');
    await s.page.fill('[data-testid=tune-steps]', '10');
    const was = await s.page.evaluate(() => document.body.dataset.tuned ?? '');
    const t2 = await now();
    await s.page.click('[data-testid=tune-start]');
    await s.page.waitForFunction((w) => (document.body.dataset.tuned ?? '') !== w, was, { timeout: 600_000 });
    const t3 = await now();
    const trainTasks = await longTasksBetween(s.page, t2, t3);
    // The observer itself must see long tasks: block the main thread for 80 ms in one task
    // (a timer task: DevTools' own evaluate does not count as a page task).
    const t4 = await now();
    await s.page.evaluate(
      () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            const start = performance.now();
            while (performance.now() - start < 80);
            resolve();
          }, 0),
        ),
    );
    await s.page.waitForFunction(
      (from) => (window as unknown as { __longtasks: Array<[number, number]> }).__longtasks.some(([t, d]) => t >= from && d >= 80),
      t4,
      { timeout: 10_000 },
    );
    const max = (xs: number[]) => (xs.length ? Math.round(Math.max(...xs)) : 0);
    for (const [phase, tasks, ms, extra] of [
      ['page load + demo model', loadTasks, t0, {}],
      [`predict 12 s clip (${windows} windows, stride 4)`, predictTasks, t1 - t0, { msPerWindow: Math.round((t1 - t0) / windows) }],
      ['fine-tune 10 steps + re-predict', trainTasks, t3 - t2, {}],
    ] as const) {
      const row = {
        bench: 'main-thread long tasks',
        backend,
        phase,
        wallMs: Math.round(ms),
        longTasks: tasks.length,
        longestMs: max([...tasks]),
        ...extra,
      };
      rows.push(row);
      log(JSON.stringify(row));
    }
    if (s.errors.length) log(`console errors: ${s.errors.join(' | ')}`);
  } finally {
    await s.close();
  }
}

async function main(): Promise<void> {
  if (!flags['skip-longtasks']) await longTaskBench();
  if (!flags['skip-forward']) {
    const s = await openDiagnostics();
    try {
      await s.page.waitForSelector('body[data-ready=true]', { timeout: 180_000 });
      await forwardBench(s.page);
    } finally {
      await s.close();
    }
  }
  if (flags.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
  else console.table(rows);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
