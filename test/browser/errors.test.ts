/**
 * Bad input gets a clear message naming the file or URL and what is wrong: a non-video file,
 * a truncated mp4, a 404 model URL, a model host without CORS, a corrupt shard and a model.json
 * whose config does not fit its weights. The page keeps working afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROWSER_SKIP, openApp, ROOT, type BrowserSession } from './harness.ts';
import { makeClips, type BrowserClips } from './fixtures.ts';
import { serveDir, type StaticServer } from './static_server.ts';
import { openModelByUrl, readMessage, uploadClip } from './app_driver.ts';

const DEMO_DIR = join(ROOT, 'web/public/models/demo');

describe('clear messages for bad input', { skip: BROWSER_SKIP }, () => {
  let s: BrowserSession;
  let clips: BrowserClips;
  let cors: StaticServer;
  let noCors: StaticServer;
  before(async () => {
    clips = await makeClips();
    const hosted = await mkdtemp(join(tmpdir(), 's3dg-bad-models-'));
    await cp(DEMO_DIR, join(hosted, 'good'), { recursive: true });
    await cp(DEMO_DIR, join(hosted, 'corrupt'), { recursive: true });
    await cp(DEMO_DIR, join(hosted, 'mismatch'), { recursive: true });
    const shard = join(hosted, 'corrupt', 'group1-shard1of1.bin');
    const bytes = await readFile(shard);
    bytes[bytes.length >> 1] ^= 0x40;
    await writeFile(shard, bytes);
    const jsonPath = join(hosted, 'mismatch', 'model.json');
    const json = JSON.parse(await readFile(jsonPath, 'utf8'));
    json.userDefinedMetadata.s3dg.config.depthMultiplier *= 2;
    await writeFile(jsonPath, JSON.stringify(json));
    cors = await serveDir(hosted, { cors: true });
    noCors = await serveDir(hosted);
    s = await openApp('index.html?backend=wasm'); // messages, not backends: the fastest one here
    await s.page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
  });
  after(async () => {
    await s?.close();
    await cors?.close();
    await noCors?.close();
  });

  test('a non-video file', async () => {
    assert.equal(await uploadClip(s.page, clips.notVideo), 'clipError');
    assert.match(await readMessage(s.page), /^notes\.mp4 is not a video this browser can play \(it is a text file\)$/);
  });

  test('a truncated mp4: its decoded part is predicted, with a message saying it ends early', async () => {
    assert.equal(await uploadClip(s.page, clips.truncated), 'predicted');
    assert.match(
      await readMessage(s.page),
      /truncated\.mp4: the file ends early — decoded \d+ of the 32 frames its index lists \(truncated or damaged\)/,
    );
  });

  test('a 404 model URL', async () => {
    const url = `${cors.url}missing/model.json`;
    assert.equal(await openModelByUrl(s.page, url), 'modelError');
    const m = await readMessage(s.page);
    assert.ok(m.includes(url), m);
    assert.match(m, /HTTP 404.*no such file/);
  });

  test('a host without CORS', async () => {
    assert.equal(await openModelByUrl(s.page, `${noCors.url}good/`), 'modelError');
    assert.match(
      await readMessage(s.page),
      /good\/model\.json: could not fetch the model\.json — network error or the server does not allow cross-origin requests \(CORS\)/,
    );
  });

  test('a corrupt shard', async () => {
    assert.equal(await openModelByUrl(s.page, `${cors.url}corrupt/model.json`), 'modelError');
    assert.match(await readMessage(s.page), /corrupt\/model\.json: web model: shard group1-shard1of1\.bin is corrupt \(sha256 /);
  });

  test('a config that does not match the weights', async () => {
    assert.equal(await openModelByUrl(s.page, `${cors.url}mismatch/model.json`), 'modelError');
    assert.match(await readMessage(s.page), /mismatch\/model\.json: the weights do not match the model/);
  });

  test('local files: model.json without its shard is refused by name; with it, the model opens', async () => {
    const pick = async (files: string[]) => {
      const was = await s.page.evaluate(() => `${document.body.dataset.modelLoaded}/${document.body.dataset.modelError}`);
      await s.page.setInputFiles('[data-testid=model-files]', files);
      await s.page.waitForFunction((w) => `${document.body.dataset.modelLoaded}/${document.body.dataset.modelError}` !== w, was);
    };
    await pick([join(DEMO_DIR, 'model.json')]);
    assert.match(
      await readMessage(s.page),
      /model\.json lists the weight shard group1-shard1of1\.bin, which is not among the chosen files/,
    );
    await pick([join(DEMO_DIR, 'model.json'), join(DEMO_DIR, 'group1-shard1of1.bin')]);
    await s.page.waitForFunction(() => (document.querySelector('[data-testid=model-info]')?.textContent ?? '').startsWith('model.json —'));
    assert.doesNotMatch(await readMessage(s.page), /Could not open the model/);
  });

  test('after all that, a good model from another host opens and predicts', async () => {
    assert.equal(await openModelByUrl(s.page, `${cors.url}good/`), 'modelLoaded');
    assert.equal(await uploadClip(s.page, clips.mp4), 'predicted', await readMessage(s.page));
    assert.equal(await readMessage(s.page), '');
  });

  test('console errors are only the failed fetches', () => {
    const unexpected = s.errors.filter((e) => !/Failed to load resource|CORS policy|net::ERR_FAILED/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
