/**
 * Fine-tuning in the page's worker on webgpu: label ranges of two uploaded clips (one held out)
 * with a model class and a new one (fresh logits), train a few steps and see the loss fall,
 * evaluate, use the result at once; download it as a zip, check it is the CLI's web-model
 * format with a README, serve it from a local static server, open it by URL and get the same predictions;
 * keep it in IndexedDB. Tensor counts must not grow across windows or steps.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { BROWSER_SKIP, openApp, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { serveDir, type StaticServer } from './static_server.ts';
import { openModelByUrl, readAllWindows, readMessage, uploadClip } from './app_driver.ts';
import { readWebModel } from '../../core/export/web_model_reader.ts';

const NEW_CLASS = 'bell_ringing';

describe('fine-tuning in the browser', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let host: StaticServer | null = null;
  let tunedClasses: string[] = [];
  let tunedWindows: number[][] = [];
  const memory = () =>
    s.page.evaluate(() => (window as unknown as { s3dgWorker: { memory(): Promise<{ numTensors: number }> } }).s3dgWorker.memory());

  before(async () => {
    clips = await makeClips();
    s = await openApp('index.html'); // default backend: webgpu where the browser has it
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
    await host?.close();
  });

  test('predicting twice leaves no tensors behind', async () => {
    assert.equal(await s.page.textContent('[data-testid=backend]'), 'webgpu');
    assert.equal(await uploadClip(s.page, clips.webm), 'predicted', await readMessage(s.page));
    const first = (await memory()).numTensors;
    assert.equal(await uploadClip(s.page, clips.webm), 'predicted');
    assert.equal((await memory()).numTensors, first);
  });

  test('a few steps on webgpu in the worker: the loss falls, held-out clips are evaluated', async () => {
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted', await readMessage(s.page));
    const before = (await memory()).numTensors;
    // Clip 1 (mp4): trains, labelled with a model class and a new one. Clip 0 (webm): held out.
    await s.page.selectOption('[data-testid=range-clip]', '1');
    await s.page.fill('[data-testid=range-start]', '0');
    await s.page.fill('[data-testid=range-end]', '4');
    await s.page.check('[data-testid=range-classes] input[data-class=gates_lowering]');
    await s.page.fill('[data-testid=range-new]', NEW_CLASS);
    await s.page.click('[data-testid=range-add]');
    await s.page.selectOption('[data-testid=range-clip]', '0');
    await s.page.check(`[data-testid=range-classes] input[data-class=${NEW_CLASS}]`);
    await s.page.check('[data-testid=range-heldout]');
    await s.page.click('[data-testid=range-add]');
    assert.equal(await s.page.locator('[data-testid=ranges] tbody tr').count(), 2);
    await s.page.fill('[data-testid=tune-steps]', '8');
    await s.page.fill('[data-testid=tune-lr]', '0.05');
    await s.page.fill('[data-testid=tune-batch]', '2');
    const was = await s.page.evaluate(() => document.body.dataset.tuned ?? '');
    await s.page.click('[data-testid=tune-start]');
    await s.page.waitForFunction(
      (w) => (document.body.dataset.tuned ?? '') !== w || !document.querySelector<HTMLElement>('[data-testid=message]')!.hidden,
      was,
      { timeout: 300_000 },
    );
    assert.equal(await readMessage(s.page), '');
    const losses = JSON.parse((await s.page.getAttribute('[data-testid=tune-status]', 'data-losses')) ?? '[]') as number[];
    assert.equal(losses.length, 8);
    const head = (losses[0] + losses[1]) / 2;
    const tail = (losses[6] + losses[7]) / 2;
    assert.ok(tail < head, `loss did not fall: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    assert.match((await s.page.textContent('[data-testid=tune-eval]')) ?? '', /held-out: \d+ clips, loss [0-9.]+, auc/);
    const info = (await s.page.textContent('[data-testid=model-info]')) ?? '';
    assert.match(info, new RegExp(`6 classes \\(.*${NEW_CLASS}\\)`));
    assert.equal((await memory()).numTensors, before, 'tensors left after training');
  });

  test('the fine-tuned model is used at once', async () => {
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted');
    tunedClasses = JSON.parse((await s.page.getAttribute('[data-testid=predictions]', 'data-classes')) ?? '[]') as string[];
    assert.equal(tunedClasses.length, 6);
    tunedWindows = await readAllWindows(s.page, tunedClasses);
    assert.ok(tunedWindows.length >= 2);
  });

  test('downloaded as a zip in the CLI format, hosted, opened by URL: same predictions', async () => {
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.click('[data-testid=download]')]);
    const zip = await readFile((await download.path())!);
    const files = unzipSync(new Uint8Array(zip));
    const dir = await mkdtemp(join(tmpdir(), 's3dg-tuned-'));
    for (const [name, bytes] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true });
      await writeFile(join(dir, name), bytes);
    }
    const folder = Object.keys(files)
      .find((n) => n.endsWith('/model.json'))!
      .replace(/\/model\.json$/, '');
    assert.deepEqual(
      Object.keys(files)
        .map((n) => n.slice(folder.length + 1))
        .sort(),
      ['README.md', 'group1-shard1of1.bin', 'model.json'],
    );
    const readme = new TextDecoder().decode(files[`${folder}/README.md`]);
    assert.ok(
      tunedClasses.every((c) => readme.includes(c)),
      readme,
    );
    assert.match(readme, /tf\.loadGraphModel/);
    // The CLI-side reader takes it: hashes, manifest, metadata.
    const read = await readWebModel(
      await readFile(join(dir, folder, 'model.json'), 'utf8'),
      async (p) => new Uint8Array(await readFile(join(dir, folder, p))),
    );
    const meta = read.modelJson.userDefinedMetadata.s3dg;
    assert.deepEqual(meta.classNames, tunedClasses);
    assert.equal(meta.config.numClasses, 6);
    assert.ok(meta.provenance.evalMetrics && 'auc' in meta.provenance.evalMetrics);
    host = await serveDir(dir, { cors: true });
    assert.equal(await openModelByUrl(s.page, `${host.url}${folder}/model.json`), 'modelLoaded', await readMessage(s.page));
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted');
    const again = await readAllWindows(s.page, tunedClasses);
    assert.equal(again.length, tunedWindows.length);
    again.forEach((row, i) =>
      row.forEach((p, k) =>
        assert.ok(Math.abs(p - tunedWindows[i][k]) < 1e-5, `window ${i} class ${tunedClasses[k]}: ${p} vs ${tunedWindows[i][k]}`),
      ),
    );
  });

  test('kept in IndexedDB and opened from there', async () => {
    await s.page.fill('[data-testid=save-name]', 'tuned-crossing');
    await s.page.click('[data-testid=save-idb]');
    await s.page.waitForSelector('[data-testid=saved-models] button[data-saved=tuned-crossing]');
    const was = await s.page.evaluate(() => document.body.dataset.modelLoaded ?? '');
    await s.page.click('[data-testid=saved-models] button[data-saved=tuned-crossing]');
    await s.page.waitForFunction((w) => document.body.dataset.modelLoaded !== w, was);
    assert.match((await s.page.textContent('[data-testid=model-info]')) ?? '', /saved in this browser: tuned-crossing/);
  });

  test('no console errors', () => {
    assert.deepEqual(s.errors, []);
  });
});
