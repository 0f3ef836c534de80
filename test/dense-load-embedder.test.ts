// Startup never waits on a model it cannot have: loadEmbedder returns undefined for a missing, broken or slow
// model, always logging exactly one line that says which retrieval path is active.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/log/logger.ts';
import { loadEmbedder } from '../src/retrieval/dense/load-embedder.ts';
import type { Embedder } from '../src/retrieval/types.ts';
import { createTinyModel } from './helpers/tiny-model.ts';

function captureLogger() {
  const lines: { level: number; msg: string; retrievalPath?: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

const tiny = createTinyModel();
const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
afterAll(() => {
  tiny.cleanup();
  rmSync(empty, { recursive: true, force: true });
});

describe('loadEmbedder', () => {
  it('loads a local model and says the hybrid path is active', async () => {
    const { logger, lines } = captureLogger();
    const embedder = await loadEmbedder({ modelId: tiny.modelId, modelDir: tiny.root, timeoutMs: 30_000, logger });
    expect(embedder?.dimension).toBe(tiny.hiddenSize);
    expect((await embedder?.embedQuery('đăng ký khai sinh'))?.length).toBe(tiny.hiddenSize);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toBe(`retrieval path: hybrid (model ${tiny.modelId}, dim ${tiny.hiddenSize}, fp32)`);
    await (embedder as unknown as { dispose(): Promise<void> }).dispose();
  });

  it('returns undefined when the folder has no model, naming the folder and the fix once', async () => {
    const { logger, lines } = captureLogger();
    let loaderCalled = false;
    const embedder = await loadEmbedder({
      modelId: 'Xenova/multilingual-e5-small',
      modelDir: empty,
      timeoutMs: 30_000,
      logger,
      load: async () => {
        loaderCalled = true;
        throw new Error('should not be called');
      },
    });
    expect(embedder).toBeUndefined();
    expect(loaderCalled).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.retrievalPath).toBe('lexical');
    expect(lines[0]?.msg).toContain(
      'retrieval path: lexical (no embedding model Xenova/multilingual-e5-small found in',
    );
    expect(lines[0]?.msg).toContain(empty);
    expect(lines[0]?.msg).toContain('npm run model:pull');
  });

  it('gives up on a loader that does not finish within the bound', async () => {
    const { logger, lines } = captureLogger();
    let release: (embedder: Embedder) => void = () => {};
    let disposed = false;
    const slow = new Promise<Embedder>((resolve) => {
      release = resolve;
    });
    const embedder = await loadEmbedder({
      modelId: tiny.modelId,
      modelDir: tiny.root,
      timeoutMs: 150,
      logger,
      load: () => slow,
    });
    expect(embedder).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.msg).toBe(`retrieval path: lexical (embedding model ${tiny.modelId} did not load within 150 ms)`);
    // A model that turns up late is released rather than left holding memory.
    const late = {
      modelId: tiny.modelId,
      dimension: 1,
      embedQuery: async () => new Float32Array(1),
      embedPassages: async () => [],
      dispose: async () => {
        disposed = true;
      },
    };
    release(late);
    await new Promise((resolve) => setImmediate(resolve));
    expect(disposed).toBe(true);
    expect(lines).toHaveLength(1);
  });

  it('returns undefined with the reason when the model files are broken', async () => {
    const broken = createTinyModel({ modelId: 'local-test/broken-onnx' });
    try {
      writeFileSync(join(broken.dir, 'onnx', 'model.onnx'), 'this is not protobuf');
      const { logger, lines } = captureLogger();
      const embedder = await loadEmbedder({
        modelId: broken.modelId,
        modelDir: broken.root,
        timeoutMs: 30_000,
        logger,
      });
      expect(embedder).toBeUndefined();
      expect(lines).toHaveLength(1);
      expect(lines[0]?.msg).toMatch(
        /^retrieval path: lexical \(embedding model local-test\/broken-onnx in .* failed to load: /,
      );
    } finally {
      broken.cleanup();
    }
  });
});
