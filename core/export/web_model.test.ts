import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/harness.ts';
import { CLIP, SMALL, liveOutputs, maxDiff, randomClip, randomModel } from '../../test/export_helpers.ts';
import { nodePlatform } from '../../node/platform.ts';
import { saveModelCheckpoint } from '../tfjs/training/checkpoints.ts';
import { EventWriter, eventFileName } from '../formats/event_writer.ts';
import { S3DG } from '../model/s3dg.ts';
import { exportWebModel } from './web_export.ts';
import { readWebModel } from './web_model_reader.ts';
import { TfjsModel } from '../tfjs/model.ts';
import { buildWebModel } from './web_model_writer.ts';
import { buildServingGraph } from './serving_graph.ts';
import type { NamedWeight } from '../model/named_weights.ts';
import { MAX_SHARD_BYTES, parseWebModelJson } from './web_model_format.ts';

let root: string;
let modelDir: string;
let trained: ReturnType<typeof randomModel>;
let server: Server;
let baseUrl: string;
const CLASSES = ['gate_down', 'train', 'car', 'pedestrian', 'nothing'];

/** A plain static file server over `root` (what any static host does). */
function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const s = createServer(async (req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve({ server: s, url: `http://127.0.0.1:${(s.address() as { port: number }).port}` })),
  );
}

describe('web model (s3dg export-web)', () => {
  before(async () => {
    await useBackend('cpu');
    trained = randomModel();
    root = await mkdtemp(join(tmpdir(), 's3dg-web-'));
    modelDir = join(root, 'model');
    await saveModelCheckpoint(nodePlatform, modelDir, 42, trained.tfjs, null, 5);
    // Eval metrics at the checkpoint's step, as the Estimator writes them.
    await mkdir(join(modelDir, 'eval'), { recursive: true });
    const file = join(modelDir, 'eval', eventFileName(1000, 'test'));
    const writer = new EventWriter({ append: (b) => appendFile(file, b), startSeconds: 1000, wallTime: () => 1000 });
    writer.scalar('loss', 0.25, 42);
    writer.scalar('Metrics/eval/auc', 0.875, 42);
    writer.scalar('Metrics/eval/auc', 0.5, 41);
    await writer.close();
    const served = await serveStatic(root);
    server = served.server;
    baseUrl = served.url;
  });
  after(async () => {
    trained.store.dispose();
    server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('folder: model.json + shards ≤ the limit, sha256 per shard, metadata and provenance', async () => {
    const out = join(root, 'web');
    const r = await exportWebModel(nodePlatform, {
      out,
      checkpoint: modelDir,
      modelDir,
      config: SMALL,
      clip: CLIP,
      classNames: CLASSES,
      exporter: 's3dg test',
      shardBytes: 64 * 1024,
      fps: 15,
    });
    assert.equal(r.globalStep, 42);
    const files = (await readdir(out)).sort();
    assert.deepEqual(files, r.files.sort());
    assert.ok(!(await readdir(root)).some((f) => f.includes('.partial-') || f.includes('.old-')), 'no temp folders left');
    const json = parseWebModelJson(await readFile(join(out, 'model.json'), 'utf8'));
    const [group] = json.weightsManifest;
    assert.ok(group.paths.length > 1, 'several shards');
    for (const p of group.paths) {
      const bytes = await readFile(join(out, p));
      assert.ok(bytes.length <= 64 * 1024);
      assert.equal(json.userDefinedMetadata.s3dg.sha256[p], createHash('sha256').update(bytes).digest('hex'));
    }
    const meta = json.userDefinedMetadata.s3dg;
    assert.deepEqual(meta.classNames, CLASSES);
    assert.deepEqual(meta.preprocessing, { ...CLIP, channels: 3, scale: 'symmetric', crop: null, fps: 15 });
    assert.equal(meta.provenance.sourceCheckpoint, join(modelDir, 'model.ckpt-42'));
    assert.equal(meta.provenance.globalStep, 42);
    assert.deepEqual(meta.provenance.evalMetrics, { loss: 0.25, auc: 0.875 });
    assert.equal(meta.config.numClasses, 5);
    assert.deepEqual(meta.signature, { input: 'feature', probabilities: 'probabilities', logits: 'logits' });
    const names = new Set(group.weights.map((w) => w.name));
    for (const v of trained.model.variables()) assert.ok(names.has(v.name), `${v.name} is a weight`);
  });

  it("tf.loadGraphModel over HTTP (a static host) gives the live model's outputs", async () => {
    const out = join(root, 'web-http');
    await exportWebModel(nodePlatform, {
      out,
      checkpoint: modelDir,
      config: SMALL,
      clip: CLIP,
      exporter: 's3dg test',
      shardBytes: 100 * 1024,
    });
    const model = await tf.loadGraphModel(`${baseUrl}/web-http/model.json`);
    const clip = randomClip(2);
    const live = liveOutputs(trained.model, trained.store, clip.floats);
    const [probabilities, logits] = model.execute(clip.floats, ['probabilities', 'logits']) as tf.Tensor[];
    assert.ok(maxDiff(logits.dataSync(), live.logits) <= 1e-4, `logits differ by ${maxDiff(logits.dataSync(), live.logits)}`);
    assert.ok(maxDiff(probabilities.dataSync(), live.probabilities) <= 1e-4);
    // The signature keys work too.
    const byKey = model.execute({ input: clip.floats }, 'class_ids') as tf.Tensor;
    assert.deepEqual(byKey.shape, [2, 5]);
    assert.deepEqual(Array.from(byKey.dataSync()), Array.from(live.probabilities, Math.round));
    tf.dispose([probabilities, logits, byKey, clip.floats]);
    model.dispose();
  });

  it('readWebModel verifies shards and gives the weights by name: the rebuilt trainable model matches', async () => {
    const out = join(root, 'web-read');
    await exportWebModel(nodePlatform, {
      out,
      checkpoint: modelDir,
      config: SMALL,
      clip: CLIP,
      exporter: 's3dg test',
      shardBytes: 50 * 1024,
    });
    const fetchShard = async (p: string) => new Uint8Array(await (await fetch(`${baseUrl}/web-read/${p}`)).arrayBuffer());
    const text = await (await fetch(`${baseUrl}/web-read/model.json`)).text();
    const web = await readWebModel(text, fetchShard);
    const { modelJson, weights } = web;
    for (const v of trained.model.variables()) {
      const w = weights.get(v.name) as NamedWeight;
      assert.deepEqual(w.values, trained.store.get(v.name).dataSync(), `${v.name} round-trips exactly`);
    }
    const rebuilt = new TfjsModel(web.modelJson.userDefinedMetadata.s3dg.config);
    rebuilt.loadWeights(web.weights, { source: 'the web model' });
    const clip = randomClip(1);
    const a = liveOutputs(trained.model, trained.store, clip.floats);
    const b = tf.tidy(() => rebuilt.net.apply(rebuilt.context(false), clip.floats).logits!.dataSync());
    assert.equal(maxDiff(a.logits, b), 0);
    rebuilt.dispose();
    clip.floats.dispose();

    // A flipped byte in a shard is caught.
    const shard = modelJson.weightsManifest[0].paths[1];
    const bytes = await readFile(join(out, shard));
    bytes[7] ^= 1;
    await writeFile(join(out, shard), bytes);
    await assert.rejects(readWebModel(text, fetchShard), new RegExp(`shard ${shard} is corrupt`));
  });

  it('a model.json whose weight paths leave its folder is refused before any shard is fetched', async () => {
    const text = await readFile(join(root, 'web', 'model.json'), 'utf8');
    const withPath = (path: string) => {
      const json = JSON.parse(text) as { weightsManifest: Array<{ paths: string[] }> };
      json.weightsManifest[0].paths[0] = path;
      return JSON.stringify(json);
    };
    for (const bad of [
      '../secret',
      'a/../../secret',
      'http://127.0.0.1:9/x.bin',
      '//evil.example/x.bin',
      '/etc/passwd',
      'C:\\x.bin',
      '%2e%2e/x',
      './x.bin',
      '',
    ]) {
      let fetched = 0;
      await assert.rejects(
        readWebModel(withPath(bad), async () => {
          fetched++;
          return new Uint8Array();
        }),
        /refusing weight path/,
        bad,
      );
      assert.equal(fetched, 0, `${bad}: nothing fetched`);
    }
    for (const good of ['group1-shard1of1.bin', 'weights/group1-shard1of1.bin']) assert.ok(parseWebModelJson(withPath(good)));
  });

  it('full-size S3D-G (400 classes): every shard ≤ 4 MB', async () => {
    const model = new S3DG({ numClasses: 400 });
    const weights = new Map<string, NamedWeight>(
      model.variables().map((v) => [v.name, { shape: v.shape, values: new Float32Array(v.shape.reduce((a, b) => a * b, 1)) }]),
    );
    const graph = buildServingGraph(model, weights, 'tensor', { clipLength: 64, frameHeight: 224, frameWidth: 224 });
    const web = await buildWebModel({
      graph,
      config: model.config,
      classNames: Array.from({ length: 400 }, (_, i) => `c${i}`),
      preprocessing: { clipLength: 64, frameHeight: 224, frameWidth: 224, channels: 3, scale: 'symmetric', crop: null, fps: null },
      provenance: { sourceCheckpoint: 'x', globalStep: 0, evalMetrics: null, exportedAt: '', exporter: 's3dg test' },
    });
    const shards = [...web.files].filter(([p]) => p.endsWith('.bin'));
    assert.ok(shards.length >= 8);
    for (const [, b] of shards) assert.ok(b.length <= MAX_SHARD_BYTES);
  });

  it('errors: wrong class count, a foreign or mixed `out` folder, a missing checkpoint; the old model survives', async () => {
    await assert.rejects(
      exportWebModel(nodePlatform, {
        out: join(root, 'w1'),
        checkpoint: modelDir,
        config: SMALL,
        clip: CLIP,
        classNames: ['a'],
        exporter: 't',
      }),
      /1 class names given for `numClasses` 5/,
    );
    const foreign = join(root, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    await assert.rejects(
      exportWebModel(nodePlatform, { out: foreign, checkpoint: modelDir, config: SMALL, clip: CLIP, exporter: 't' }),
      /not a web model folder/,
    );
    assert.deepEqual(await readdir(foreign), ['notes.txt']);
    // A web model folder that also holds the user's files is not ours to replace.
    const mixed = join(root, 'mixed');
    await exportWebModel(nodePlatform, { out: mixed, checkpoint: modelDir, config: SMALL, clip: CLIP, exporter: 't' });
    await writeFile(join(mixed, 'notes.txt'), 'mine');
    await mkdir(join(mixed, 'clips'));
    await writeFile(join(mixed, 'clips', 'a.mp4'), 'video');
    const mixedBefore = await readdir(mixed);
    await assert.rejects(
      exportWebModel(nodePlatform, { out: mixed, checkpoint: modelDir, config: SMALL, clip: CLIP, exporter: 't' }),
      /holds files a web model export did not write \(clips, notes\.txt\)/,
    );
    assert.deepEqual(await readdir(mixed), mixedBefore);
    assert.equal(await readFile(join(mixed, 'clips', 'a.mp4'), 'utf8'), 'video');
    // So is a folder whose model.json is someone else's.
    const other = join(root, 'other');
    await mkdir(other);
    await writeFile(join(other, 'model.json'), '{"format":"layers-model"}');
    await assert.rejects(
      exportWebModel(nodePlatform, { out: other, checkpoint: modelDir, config: SMALL, clip: CLIP, exporter: 't' }),
      /model\.json that is not an s3dg web model/,
    );
    assert.equal(await readFile(join(other, 'model.json'), 'utf8'), '{"format":"layers-model"}');
    const out = join(root, 'web');
    const before = await readFile(join(out, 'model.json'));
    await assert.rejects(
      exportWebModel(nodePlatform, { out, checkpoint: join(root, 'nowhere'), config: SMALL, clip: CLIP, exporter: 't' }),
      /no checkpoint at/,
    );
    assert.deepEqual(await readFile(join(out, 'model.json')), before);
    // Re-export replaces an existing web model in place.
    await exportWebModel(nodePlatform, { out, checkpoint: modelDir, config: SMALL, clip: CLIP, exporter: 't' });
    assert.ok((await readdir(out)).includes('model.json'));
    assert.ok(!(await readdir(root)).some((f) => f.includes('.partial-') || f.includes('.old-')));
  });
});
