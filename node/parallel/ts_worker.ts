import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread whose script is TypeScript. On Node 20 neither the parent's loader
 * flags nor `execArgv: ['--import', 'tsx']` reach a worker's entry module ("Unknown file
 * extension .ts"), so the worker starts from a one-line ESM bootstrap that registers tsx's
 * loader in the worker itself and then imports `script`. Options (workerData, transferList…)
 * pass through unchanged.
 */
export function startTsWorker(script: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const tsxApi = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(script.href);
  const bootstrap = `import(${tsxApi}).then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
