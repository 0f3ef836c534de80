// The embedding model path, offline: a tiny generated BERT-shaped model loads in onnxruntime and through
// transformers.js from a local folder, and TransformersEmbedder turns texts into comparable unit vectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLocalModel, modelRoots } from '../src/retrieval/dense/model-files.ts';
import { TransformersEmbedder } from '../src/retrieval/dense/transformers-embedder.ts';
import { dot } from '../src/retrieval/dense/vectors.ts';
import { createTinyModel, type TinyModel } from './helpers/tiny-model.ts';

let tiny: TinyModel;
let embedder: TransformersEmbedder;

beforeAll(async () => {
  tiny = createTinyModel();
  const local = findLocalModel(tiny.modelId, [tiny.root]);
  if (!local) throw new Error('tiny model not found where it was written');
  embedder = await TransformersEmbedder.load(local, { batchSize: 2 });
});

afterAll(async () => {
  await embedder?.dispose();
  tiny?.cleanup();
});

function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}

describe('tiny generated model', () => {
  it('runs in onnxruntime-node with the BERT inputs and output', async () => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(`${tiny.dir}/onnx/model.onnx`);
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(session.outputNames).toEqual(['last_hidden_state']);
    const ids = (values: bigint[]) => new ort.Tensor('int64', BigInt64Array.from(values), [1, values.length]);
    const out = await session.run({
      input_ids: ids([2n, 40n, 41n, 3n]),
      attention_mask: ids([1n, 1n, 1n, 0n]),
      token_type_ids: ids([0n, 0n, 0n, 0n]),
    });
    const hidden = out.last_hidden_state as InstanceType<typeof ort.Tensor>;
    expect(hidden.dims).toEqual([1, 4, tiny.hiddenSize]);
    // The masked last position is zeroed by the graph.
    const last = (hidden.data as Float32Array).slice(3 * tiny.hiddenSize);
    expect(last.every((x) => x === 0)).toBe(true);
    await session.release();
  });

  it('is found on disk only when complete, preferring the quantized file', () => {
    expect(findLocalModel(tiny.modelId, [tiny.root])?.dtype).toBe('fp32');
    expect(findLocalModel('local-test/other', [tiny.root])).toBeUndefined();
    const quantized = createTinyModel({ quantizedFileName: true });
    try {
      expect(findLocalModel(quantized.modelId, [quantized.root])?.dtype).toBe('q8');
      expect(findLocalModel(quantized.modelId, [quantized.root], 'fp32')).toBeUndefined();
    } finally {
      quantized.cleanup();
    }
  });

  it('searches EMBEDDING_MODEL_DIR alone when it is set', () => {
    expect(modelRoots(tiny.root)).toEqual([tiny.root]);
    expect(modelRoots(undefined).length).toBeGreaterThanOrEqual(1);
  });
});

describe('TransformersEmbedder', () => {
  it('reports the model dimension and returns unit-length vectors', async () => {
    expect(embedder.modelId).toBe(tiny.modelId);
    expect(embedder.dimension).toBe(tiny.hiddenSize);
    const query = await embedder.embedQuery('Đăng ký khai sinh cho con');
    expect(query).toBeInstanceOf(Float32Array);
    expect(query.length).toBe(tiny.hiddenSize);
    expect(norm(query)).toBeCloseTo(1, 5);
  });

  it('gives texts that share words a higher similarity than unrelated texts', async () => {
    const [birth, birthChild, licence] = await embedder.embedPassages([
      'Đăng ký khai sinh',
      'Đăng ký khai sinh cho trẻ em',
      'Cấp đổi giấy phép lái xe',
    ]);
    const related = dot(birth as Float32Array, birthChild as Float32Array);
    const unrelated = dot(birth as Float32Array, licence as Float32Array);
    expect(related).toBeGreaterThan(unrelated + 0.2);
  });

  it('treats accented and unaccented spellings alike (the tokenizer strips accents)', async () => {
    const [accented, plain] = await embedder.embedPassages(['đăng ký thường trú', 'dang ky thuong tru']);
    // `đ` has no decomposition, so "đăng" and "dang" stay different tokens; the rest matches.
    expect(dot(accented as Float32Array, plain as Float32Array)).toBeGreaterThan(0.5);
  });

  it('embeds passages in batches with the same result as one at a time', async () => {
    const texts = ['kết hôn', 'khai tử', 'hộ chiếu phổ thông', 'xác nhận tình trạng hôn nhân', 'tạm trú'];
    const batched = await embedder.embedPassages(texts);
    expect(batched).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      const [single] = await embedder.embedPassages([text]);
      expect(dot(single as Float32Array, batched[i] as Float32Array)).toBeCloseTo(1, 5);
    }
    expect(await embedder.embedPassages([])).toEqual([]);
  });

  it('adds query/passage prefixes for e5 models, and lets them be configured', async () => {
    const e5 = createTinyModel({ modelId: 'local-test/tiny-e5' });
    const local = findLocalModel(e5.modelId, [e5.root]);
    if (!local) throw new Error('tiny e5 model missing');
    const prefixed = await TransformersEmbedder.load(local);
    const unprefixed = await TransformersEmbedder.load(local, { prefixes: { query: '', passage: '' } });
    try {
      const text = 'đăng ký kết hôn';
      const asQuery = await prefixed.embedQuery(text);
      const [asPassage] = await prefixed.embedPassages([text]);
      // With prefixes, the same text differs on the query and passage sides.
      expect(dot(asQuery, asPassage as Float32Array)).toBeLessThan(0.999);
      // The e5 default equals an explicit "query: " prefix on a model without defaults.
      const [manual] = await unprefixed.embedPassages([`query: ${text}`]);
      expect(dot(asQuery, manual as Float32Array)).toBeCloseTo(1, 5);
      const plainQuery = await unprefixed.embedQuery(text);
      const [plainPassage] = await unprefixed.embedPassages([text]);
      expect(dot(plainQuery, plainPassage as Float32Array)).toBeCloseTo(1, 5);
    } finally {
      await prefixed.dispose();
      await unprefixed.dispose();
      e5.cleanup();
    }
  });

  it('refuses a folder whose model cannot be loaded, without trying the network', async () => {
    const broken = createTinyModel({ modelId: 'local-test/broken' });
    try {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${broken.dir}/onnx/model.onnx`, 'not an onnx model');
      const local = findLocalModel(broken.modelId, [broken.root]);
      if (!local) throw new Error('broken model folder missing');
      await expect(TransformersEmbedder.load(local)).rejects.toThrow();
    } finally {
      broken.cleanup();
    }
  });
});
