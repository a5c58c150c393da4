/**
 * The web app (web/) as a static site: `npm run build` writes dist/, `vite` serves it in
 * development. The tfjs worker is an ES module worker (Vite bundles it into its own chunk).
 * Diagnostics (backend parity, forward timing) are not part of it: see test/browser/diagnostics/.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: './',
  publicDir: 'public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: { input: { main: 'web/index.html' } },
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
});
