/**
 * `s3dg --help` as users read it: the default command's flags (the original
 * s3dg_estimator.py's) and every command with its one-line description, as `vite --help`
 * shows them; and each command's own `--help` still works.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const CLI = new URL('../../node/bin/s3dg.js', import.meta.url).pathname;

function s3dg(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

/** The items of one help section ("Options:", "Commands:") as term → description, wrapped lines joined. */
function section(help: string, title: string): Map<string, string> {
  const items = new Map<string, string>();
  const lines = help.split('\n');
  let last = '';
  for (let i = lines.indexOf(title) + 1; i > 0 && i < lines.length && lines[i] !== ''; i++) {
    const item = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(lines[i]);
    if (item) {
      last = item[1];
      items.set(last, item[2] ?? '');
    } else items.set(last, `${items.get(last)} ${lines[i].trim()}`.trim());
  }
  return items;
}

describe('s3dg --help', () => {
  const root = s3dg(['--help']);

  it("prints the estimator's flags (the default command) with their descriptions", () => {
    assert.equal(root.status, 0, root.stderr);
    assert.match(root.stdout, /^Usage: s3dg \[options\] \[command\]\n/);
    const options = section(root.stdout, 'Options:');
    for (const flag of ['--model_dir <dir>', '--mode <mode>', '--export_path <dir>', '--learning_rate <x>', '-h, --help']) {
      assert.ok(options.has(flag), `${flag} is listed (got ${[...options.keys()].join(' ')})`);
    }
    assert.match(options.get('--mode <mode>') ?? '', /"train_and_eval".*"export_for_production"/);
    // The same flags, described the same way, as `s3dg estimator --help`.
    assert.deepEqual(options, section(s3dg(['estimator', '--help']).stdout, 'Options:'));
  });

  it('lists every command with its one-line description, and `s3dg <command> --help` works for each', () => {
    const commands = section(root.stdout, 'Commands:');
    const names = [...commands.keys()].map((term) => term.split(' ')[0]);
    for (const name of ['estimator', 'variables', 'dataset', 'inspect', 'demo', 'export-web', 'help']) {
      assert.ok(names.includes(name), `${name} is listed`);
    }
    for (const [term, description] of commands) {
      const name = term.split(' ')[0];
      assert.ok(description.length > 10, `${name} has a description`);
      if (name === 'help') continue;
      const own = s3dg([name, '--help']);
      assert.equal(own.status, 0, `${name} --help: ${own.stderr}`);
      assert.match(own.stdout, new RegExp(`^Usage: s3dg ${name} `));
      assert.equal(own.stdout.split('\n\n')[1].replace(/\s+/g, ' '), description, `${name}: the same description in both helps`);
    }
    assert.equal(s3dg(['help', 'inspect']).stdout, s3dg(['inspect', '--help']).stdout);
  });
});
