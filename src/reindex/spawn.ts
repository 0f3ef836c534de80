// Starts the search worker (worker.ts) both from sources run by tsx (the worker registers tsx's loader
// itself: a worker does not inherit it) and from the compiled build (dist/…/worker.js, plain node).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerInput } from './protocol.ts';

const fromSources = import.meta.url.endsWith('.ts');

export function spawnSearchWorker(input: WorkerInput): Worker {
  if (!fromSources) return new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
  const tsxApi = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: input });
}
