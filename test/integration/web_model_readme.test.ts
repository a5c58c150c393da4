/**
 * The README.md of a downloaded web-model zip (web/worker/model_readme.ts): it names the demo
 * model's classes and clip size, and its tfjs snippet, run as written (host URL replaced) against
 * the demo model served over HTTP, loads the model and prints one probability per class.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readWebModel } from '../../core/export/web_model_reader.ts';
import { modelReadme } from '../../web/worker/model_readme.ts';
import { serveDir } from '../browser/static_server.ts';

const MODELS = join(import.meta.dirname, '../../web/public/models');

describe('web model README', () => {
  it('names the classes and clip size; its tfjs snippet runs against the served model', async () => {
    const demo = await readWebModel(
      await readFile(join(MODELS, 'demo/model.json'), 'utf8'),
      async (p) => new Uint8Array(await readFile(join(MODELS, 'demo', p))),
    );
    const meta = demo.modelJson.userDefinedMetadata.s3dg;
    const readme = modelReadme('demo', meta);
    for (const c of meta.classNames) assert.ok(readme.includes(c), c);
    assert.match(readme, /Clips of 16 frames, 64×64 pixels, 3 channels, sampled at 8 fps/);
    const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(code, 'no js snippet');
    assert.ok(code.split('\n').filter(Boolean).length <= 11, 'the snippet is about 10 lines');
    const server = await serveDir(MODELS);
    const printed: string[] = [];
    try {
      const body = code.replace(/^import .*$/m, '').replace('https://your.host/path/', `${server.url}demo/`);
      const run = new Function('tf', 'console', `return (async () => {${body}})();`) as (
        t: typeof tf,
        c: Pick<Console, 'log'>,
      ) => Promise<void>;
      await run(tf, { log: (...args: unknown[]) => printed.push(args.join(' ')) });
    } finally {
      await server.close();
    }
    assert.equal(printed.length, meta.classNames.length);
    printed.forEach((line, i) => {
      const [name, value] = line.split(' ');
      assert.equal(name, meta.classNames[i]);
      assert.ok(Number(value) >= 0 && Number(value) <= 1, line);
    });
  });
});
