/**
 * Browser test harness: builds the web app (dist/) or the diagnostics page
 * (test/browser/diagnostics/ → test/browser/.diagnostics-dist/) with Vite, skipped when the
 * output is newer than every source, serves it on 127.0.0.1 at a free port, and launches
 * Debian's Chromium through playwright-core with the flags our docs give (WebGPU on
 * SwiftShader, no network services, fresh profile). Collects console errors and uncaught page
 * errors of the page and its workers.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir, type StaticServer } from './static_server.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
const DIAGNOSTICS_SRC = join(ROOT, 'test/browser/diagnostics');
export const DIAGNOSTICS_DIST = join(ROOT, 'test/browser/.diagnostics-dist');

/** Chromium's flags for the tests (see DEVELOPERS.md / shared tfjs facts). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];
export const CHROMIUM_PATH = process.env.S3DG_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here (false when they can): pass as `describe`'s skip option. */
export const BROWSER_SKIP: string | false = existsSync(CHROMIUM_PATH)
  ? false
  : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set S3DG_CHROMIUM)`;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** Runs a Vite build unless `outDir`/index.html is newer than every file in `sources`. */
async function buildIfStale(configFile: string, root: string, outDir: string, sources: string[]): Promise<void> {
  const built = await stat(join(outDir, 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  let newest = 0;
  for (const path of sources) {
    const st = await stat(path);
    newest = Math.max(newest, st.isDirectory() ? await newestMtime(path) : st.mtimeMs);
  }
  if (built > newest) return;
  await build({ configFile, root, logLevel: 'warn' });
}

/** Builds dist/ unless it is already newer than web/, core/ and vite.config.ts. */
export async function buildApp(): Promise<void> {
  await buildIfStale(join(ROOT, 'vite.config.ts'), join(ROOT, 'web'), DIST, [
    join(ROOT, 'web'),
    join(ROOT, 'core'),
    join(ROOT, 'vite.config.ts'),
  ]);
}

/** Builds the diagnostics page unless it is already newer than its sources, web/ and core/. */
export async function buildDiagnostics(): Promise<void> {
  await buildIfStale(join(DIAGNOSTICS_SRC, 'vite.config.ts'), DIAGNOSTICS_SRC, DIAGNOSTICS_DIST, [
    DIAGNOSTICS_SRC,
    join(ROOT, 'web'),
    join(ROOT, 'core'),
  ]);
}

/** A browser on the built app, with the errors it logged. */
export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The served site's URL (dist/ or the diagnostics), ending in '/'. */
  appUrl: string;
  /** Console errors and uncaught exceptions seen so far (page and workers). */
  errors: string[];
  close(): Promise<void>;
}

/** Chromium's fake camera (a test pattern), allowed without asking: for the camera tests. */
export const FAKE_CAMERA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/**
 * Builds (if needed), serves dist/, launches Chromium (with `extraFlags` besides ours) and
 * opens `path` (e.g. 'index.html?x=1').
 */
export async function openApp(path = 'index.html', extraFlags: string[] = []): Promise<BrowserSession> {
  await buildApp();
  return openServed(await serveDir(DIST), path, extraFlags);
}

/** Builds (if needed) and serves the diagnostics page (`window.s3dgDiagnostics`), and opens it. */
export async function openDiagnostics(): Promise<BrowserSession> {
  await buildDiagnostics();
  return openServed(await serveDir(DIAGNOSTICS_DIST), 'index.html');
}

async function openServed(server: StaticServer, path: string, extraFlags: string[] = []): Promise<BrowserSession> {
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, ...extraFlags], headless: true });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => m.type() === 'error' && errors.push(`worker: ${m.text()}`)));
    await page.goto(server.url + path);
    const b = browser;
    return {
      browser: b,
      context,
      page,
      appUrl: server.url,
      errors,
      close: async () => {
        await b.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}
