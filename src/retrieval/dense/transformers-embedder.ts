// Embeds texts with a local ONNX model through @huggingface/transformers (mean pooling, unit length).
// Remote downloads are switched off: the model must already be on disk (see `npm run model:pull`).
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { Embedder } from '../types.ts';
import { defaultPrefixes, type EmbeddingPrefixes, type LocalModel } from './model-files.ts';
import { toUnitLength } from './vectors.ts';

export interface TransformersEmbedderOptions {
  /** Texts per forward pass when embedding passages. */
  batchSize?: number;
  /** Overrides the prefixes chosen from the model id (e5: `query: ` / `passage: `). */
  prefixes?: EmbeddingPrefixes;
  /** ONNX Runtime threads per inference (default: the runtime's choice). */
  threads?: number;
}

const DEFAULT_BATCH_SIZE = 16;
/** Longest text handed to the tokenizer, in characters; the tokenizer also truncates to the model's limit. */
const MAX_TEXT_CHARS = 2_000;

export class TransformersEmbedder implements Embedder {
  private constructor(
    readonly modelId: string,
    readonly dimension: number,
    private readonly extractor: FeatureExtractionPipeline,
    private readonly prefixes: EmbeddingPrefixes,
    private readonly batchSize: number,
  ) {}

  /** Loads a model found by `findLocalModel`; throws when transformers.js cannot load or run it. */
  static async load(model: LocalModel, options: TransformersEmbedderOptions = {}): Promise<TransformersEmbedder> {
    const { env, LogLevel, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.logLevel = LogLevel.ERROR;
    // An absolute folder path (not a hub id) makes transformers.js read exactly these files.
    const extractor = await pipeline('feature-extraction', model.dir, {
      local_files_only: true,
      dtype: model.dtype,
      device: 'cpu',
      ...(options.threads ? { session_options: { intraOpNumThreads: options.threads } } : {}),
    });
    const prefixes = options.prefixes ?? defaultPrefixes(model.modelId);
    const probe = await embedBatch(extractor, [`${prefixes.query}thủ tục`]);
    const dimension = probe[0]?.length ?? 0;
    if (dimension === 0) throw new Error(`model ${model.modelId} returned an empty embedding`);
    return new TransformersEmbedder(
      model.modelId,
      dimension,
      extractor,
      prefixes,
      options.batchSize ?? DEFAULT_BATCH_SIZE,
    );
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await embedBatch(this.extractor, [this.prefixes.query + clip(text)]);
    return vector as Float32Array;
  }

  async embedPassages(texts: string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      const batch = texts.slice(start, start + this.batchSize).map((t) => this.prefixes.passage + clip(t));
      vectors.push(...(await embedBatch(this.extractor, batch)));
    }
    return vectors;
  }

  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }
}

function clip(text: string): string {
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}

async function embedBatch(extractor: FeatureExtractionPipeline, texts: string[]): Promise<Float32Array[]> {
  const output = await extractor(texts, { pooling: 'mean', normalize: true });
  const [rows, dimension] = output.dims as [number, number];
  const data = output.data as Float32Array;
  const vectors: Float32Array[] = [];
  for (let row = 0; row < rows; row++) {
    vectors.push(toUnitLength(data.slice(row * dimension, (row + 1) * dimension)));
  }
  return vectors;
}
