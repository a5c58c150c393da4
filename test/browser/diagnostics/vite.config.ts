/**
 * The browser diagnostics (parity, forward timing) as their own static site, built by the test
 * harness (test/browser/harness.ts) into test/browser/.diagnostics-dist; never part of dist/.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../.diagnostics-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: 'es' },
  logLevel: 'warn',
});
