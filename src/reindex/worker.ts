// The search worker: loads and validates the knowledge, builds the retrieval engine off the main thread,
// reports the result compactly (src/reindex/protocol.ts), then answers searches until it is terminated.
// Started by src/reindex/spawn.ts; never imported by the main thread.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join, relative } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { CURATED_SUBDIR, KnowledgeError, loadCatalogue } from '../knowledge/loader.ts';
import { buildRetrievalEngine } from '../retrieval/build.ts';
import { loadLearned } from '../retrieval/learned.ts';
import type { DenseSearcher, RetrievalEngine } from '../retrieval/search-engine.ts';
import type { FromWorker, ToWorker, WorkerInput } from './protocol.ts';

/**
 * Linux gives each thread its own nice value: the build runs at the lowest priority, so on a busy machine the
 * main thread (chat, health checks) gets the CPU first; the returned function restores the priority before
 * the worker starts serving searches. Lowered only where it can be restored (raising a priority back needs
 * the right to), elsewhere — or off Linux — the build simply runs at normal priority.
 */
function buildAtLowPriority(): () => void {
  const nothing = () => {};
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return nothing;
    const normal = getPriority(tid);
    if (normal >= 19) return nothing;
    setPriority(tid, normal + 1);
    setPriority(tid, normal); // throws without the right to raise it back: then stay at normal priority
    setPriority(tid, 19);
    return () => {
      try {
        setPriority(tid, normal);
      } catch {
        // cannot happen after the probe above; serving at low priority is still correct, only slower
      }
    };
  } catch {
    return nothing;
  }
}

const restorePriority = buildAtLowPriority();
const port = parentPort;
if (!port) throw new Error('src/reindex/worker.ts runs only as a worker thread');
const input = workerData as WorkerInput;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let nextDense = 0;
const denseWaiting = new Map<
  number,
  { resolve: (hits: { id: string; similarity: number }[]) => void; reject: (e: Error) => void }
>();

/** Dense similarities come from the main thread, which holds the embedding model. */
function denseProxy(modelId: string): DenseSearcher {
  return {
    modelId,
    similar(query, k) {
      const id = nextDense++;
      return new Promise((resolve, reject) => {
        denseWaiting.set(id, { resolve, reject });
        send({ type: 'dense', id, query, k });
      });
    },
  };
}

function build(): RetrievalEngine | undefined {
  const started = performance.now();
  const sources = { knowledgeDir: input.knowledgeDir, catalogDir: input.catalogDir };
  try {
    const catalogue = loadCatalogue(sources);
    const curated = [...catalogue.origin.values()].filter((o) => o === 'curated').length;
    if (input.requireCurated && curated === 0) {
      throw new KnowledgeError([
        {
          file: relative(process.cwd(), join(input.knowledgeDir, CURATED_SUBDIR)) || CURATED_SUBDIR,
          location: '',
          field: '',
          reason: 'không có thủ tục nào (thư mục thiếu hoặc trống): chỉ mục cũ được giữ nguyên',
        },
      ]);
    }
    const engine = buildRetrievalEngine(sources, {
      catalogue,
      dense: input.denseModelId ? denseProxy(input.denseModelId) : undefined,
      // A damaged learned file was reported at startup; here it only means no learning.
      learned: input.dataDir ? loadLearned(input.dataDir, () => {}) : undefined,
    });
    const n = catalogue.procedures.length;
    const curatedPositions: number[] = [];
    const familyOf = new Int32Array(n).fill(-1);
    const members: number[] = [];
    const starts: number[] = [];
    const position = new Map(catalogue.procedures.map((p, i) => [p.id, i]));
    catalogue.procedures.forEach((p, i) => {
      if (catalogue.origin.get(p.id) === 'curated') curatedPositions.push(i);
      if ((familyOf[i] as number) >= 0) return;
      const family = starts.length;
      starts.push(members.length);
      for (const member of engine.familyOf(p.id)) {
        const at = position.get(member.id) as number;
        familyOf[at] = family;
        members.push(at);
      }
      if (familyOf[i] === -1) {
        familyOf[i] = family;
        members.push(i);
      }
    });
    starts.push(members.length);
    const encoder = new TextEncoder();
    const parts = catalogue.procedures.map((p) => encoder.encode(JSON.stringify(p)));
    const offsets = new Int32Array(n + 1);
    parts.forEach((part, i) => {
      offsets[i + 1] = (offsets[i] as number) + part.length;
    });
    const procedures = new Uint8Array(offsets[n] as number);
    parts.forEach((part, i) => {
      procedures.set(part, offsets[i] as number);
    });
    const familyMembers = Int32Array.from(members);
    const familyStarts = Int32Array.from(starts);
    const curatedArray = Int32Array.from(curatedPositions);
    send(
      {
        type: 'ready',
        version: catalogue.version,
        procedures,
        offsets,
        ids: catalogue.procedures.map((p) => p.id),
        curated: curatedArray,
        familyMembers,
        familyStarts,
        familyOf,
        ms: Math.round(performance.now() - started),
      },
      [
        procedures.buffer,
        curatedArray.buffer,
        familyMembers.buffer,
        familyStarts.buffer,
        familyOf.buffer,
      ] as ArrayBuffer[],
    );
    return engine;
  } catch (error) {
    send(
      error instanceof KnowledgeError
        ? { type: 'failed', problems: error.problems.slice(0, 100), message: error.message.split('\n')[0] ?? '' }
        : { type: 'failed', message: `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? error}` },
    );
    return undefined;
  }
}

const engine = build();
restorePriority();

port.on('message', (message: ToWorker) => {
  if (message.type === 'dense-result') {
    const waiting = denseWaiting.get(message.id);
    denseWaiting.delete(message.id);
    if (message.error) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.hits);
    return;
  }
  if (!engine) {
    send({ type: 'error', id: message.id, message: 'no index' });
    return;
  }
  engine.search(message.query, message.options).then(
    (result) => send({ type: 'result', id: message.id, result }),
    (error: unknown) => send({ type: 'error', id: message.id, message: (error as Error)?.name ?? 'Error' }),
  );
});
