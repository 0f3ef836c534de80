// Where a local embedding model lives and which of its ONNX files to run. Layout (as transformers.js and
// `npm run model:pull` write it): <root>/<model id>/{config.json, tokenizer.json, tokenizer_config.json,
// onnx/model_quantized.onnx | onnx/model.onnx}. Nothing here loads a model or touches the network.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** Files every model needs beside its ONNX weights. */
export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** ONNX variants in order of preference on a CPU server: int8-quantized first (4x smaller, faster), then fp32. */
export const ONNX_VARIANTS = [
  { dtype: 'q8', file: 'onnx/model_quantized.onnx' },
  { dtype: 'fp32', file: 'onnx/model.onnx' },
] as const;

export type ModelDtype = (typeof ONNX_VARIANTS)[number]['dtype'];

/** Where `npm run model:pull` puts models when EMBEDDING_MODEL_DIR is not set. */
export const DEFAULT_MODEL_DIR = 'models';

export interface LocalModel {
  modelId: string;
  /** The folder holding `<modelId>/`. */
  root: string;
  /** `<root>/<modelId>`. */
  dir: string;
  dtype: ModelDtype;
}

/** transformers.js's own file cache (`env.cacheDir`), found without importing the library. */
export function transformersCacheDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@huggingface/transformers');
    return join(dirname(entry), '..', '.cache');
  } catch {
    return undefined;
  }
}

/** Folders searched for a model: EMBEDDING_MODEL_DIR when set, else ./models and the transformers.js cache. */
export function modelRoots(modelDir: string | undefined): string[] {
  if (modelDir) return [resolve(modelDir)];
  const cache = transformersCacheDir();
  return [resolve(DEFAULT_MODEL_DIR), ...(cache ? [cache] : [])];
}

/** The first root holding a complete copy of the model, with the ONNX variant to run. */
export function findLocalModel(modelId: string, roots: readonly string[], dtype?: ModelDtype): LocalModel | undefined {
  for (const root of roots) {
    const dir = join(root, modelId);
    if (!REQUIRED_MODEL_FILES.every((file) => existsSync(join(dir, file)))) continue;
    const variant = ONNX_VARIANTS.find(
      (v) => (dtype === undefined || v.dtype === dtype) && existsSync(join(dir, v.file)),
    );
    if (variant) return { modelId, root, dir, dtype: variant.dtype };
  }
  return undefined;
}

export interface EmbeddingPrefixes {
  query: string;
  passage: string;
}

/** e5 models were trained with `query: ` / `passage: ` in front of the text; other models get none. */
export function defaultPrefixes(modelId: string): EmbeddingPrefixes {
  return /e5/i.test(modelId) ? { query: 'query: ', passage: 'passage: ' } : { query: '', passage: '' };
}
