/** `s3dg demo --out` clears only what an earlier demo run wrote: a folder with other files is refused, untouched. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../node/bin/s3dg.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 's3dg-demo-out-'));
const demo = (out: string) => spawnSync(process.execPath, [CLI, 'demo', '--quick', '--out', out], { encoding: 'utf8' });

describe('s3dg demo --out', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it("refuses a folder holding the user's files and leaves it as it was", () => {
    const mine = join(root, 'mine');
    mkdirSync(join(mine, 'models'), { recursive: true });
    writeFileSync(join(mine, 'notes.txt'), 'keep');
    writeFileSync(join(mine, 'models', 'best.ckpt'), 'keep too');
    const r = demo(mine);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--out .*mine holds files a demo run did not write \(notes\.txt\)/);
    assert.deepEqual(readdirSync(mine).sort(), ['models', 'notes.txt']);
    assert.equal(readFileSync(join(mine, 'models', 'best.ckpt'), 'utf8'), 'keep too');
  });

  it("replaces an earlier run's folder (also one an older version left without its marker)", () => {
    const earlier = join(root, 'earlier');
    mkdirSync(join(earlier, 'models', 'old-run'), { recursive: true });
    mkdirSync(join(earlier, 'videos'));
    const r = demo(earlier);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^eval F1: /m);
    assert.deepEqual(readdirSync(earlier).sort(), ['.s3dg-demo', 'data', 'models', 'videos']);
    assert.ok(!readdirSync(join(earlier, 'models')).includes('old-run'));
  });

  it('SIGTERM to the demo stops its running trainer too (no orphan); the next run into the same folder starts over', async () => {
    const out = join(root, 'stopped');
    const child = spawn(process.execPath, [CLI, 'demo', '--quick', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<string>((resolve) => child.on('close', (code, signal) => resolve(`${code ?? signal}`)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\$ npx s3dg --mode train_and_eval/.test(stderr)) resolve();
      });
    });
    child.kill('SIGTERM');
    assert.equal(await exited, '1', stderr);
    assert.match(stderr, /demo stopped by SIGTERM during "s3dg --mode train_and_eval"; run it again to start over/);
    const left = spawnSync('pgrep', ['-f', out], { encoding: 'utf8' }).stdout.trim();
    assert.equal(left, '', `processes still running on ${out}: ${left}`);
    const again = demo(out);
    assert.equal(again.status, 0, again.stderr);
  });

  it('refuses a file given as --out', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    const r = demo(file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /is a file, not a folder/);
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });
});
