// Generates, at test time, a tiny BERT-shaped feature-extraction model that transformers.js loads from a
// local folder: config.json, a WordPiece tokenizer.json, tokenizer_config.json and onnx/model.onnx written with
// protobufjs from a hand-written subset of the ONNX schema. Weights come from a seeded PRNG, so runs repeat.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { seeded } from '../../scripts/lib/seeded-random.ts';

/** Vietnamese syllables and words the tests use; stored as the tokenizer's normalizer sees them. */
const WORDS = `
đăng ký khai sinh tử kết hôn ly giấy phép lái xe cấp đổi lại mới thường trú tạm vắng căn cước công dân
hộ chiếu phổ thông xác nhận tình trạng nhân nuôi con quyền sử dụng đất chứng doanh nghiệp thành lập
bảo hiểm xã y tế thuế thu nhập cá cho trong nước có yếu tố ngoài làm thủ tục hồ sơ nộp ở đâu bao nhiêu
lệ phí ngày trẻ em người việt nam tư pháp hộ tịch giao thông vận tải cư quốc gia trình độ học vấn
query passage mẫu tờ khai xin
`;
const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const PUNCTUATION = ['.', ',', ';', ':', '?', '!', '-', '(', ')', '/'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyzđ0123456789'.split('');

/** What BertNormalizer (lowercase + strip_accents) makes of a word; `đ` has no decomposition and stays. */
export function bertNormalize(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
}

/** The tiny model's vocabulary, in id order. */
export function tinyVocab(): string[] {
  const words = [...new Set(WORDS.split(/\s+/).filter(Boolean).map(bertNormalize))];
  const subwords = LETTERS.map((c) => `##${c}`);
  return [...new Set([...SPECIAL, ...PUNCTUATION, ...LETTERS, ...subwords, ...words])];
}

// The part of onnx.proto (ONNX IR) the model needs, as a protobufjs JSON descriptor; field numbers as upstream.
const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            int64Data: { rule: 'repeated', type: 'int64', id: 7 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        TypeProtoTensor: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
      },
    },
  },
};

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;

function gaussianMatrix(rows: number, cols: number, scale: number, random: () => number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * scale;
  }
  return out;
}

function floatTensor(name: string, dims: number[], values: Float32Array) {
  return { name, dims, dataType: FLOAT, rawData: Buffer.from(values.buffer, values.byteOffset, values.byteLength) };
}

function tokenInput(name: string) {
  return {
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  };
}

/**
 * last_hidden_state = tanh((E[input_ids] + T[token_type_ids]) · W) * attention_mask, shape [batch, seq, hidden].
 * Encoded bytes of an ONNX model (IR 8, opset 13) that onnxruntime runs on CPU.
 */
export function tinyOnnxModel(vocabSize: number, hiddenSize: number, seed: number): Uint8Array {
  const random = seeded(seed);
  const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
  const ModelProto = root.lookupType('onnx.ModelProto');
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
    opType,
    input,
    output,
    name: output[0],
    attribute,
  });
  const model = {
    irVersion: 8,
    producerName: 'tro-ly-dvc-tiny-model',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny_bert',
      initializer: [
        floatTensor('word_embeddings', [vocabSize, hiddenSize], gaussianMatrix(vocabSize, hiddenSize, 1, random)),
        floatTensor('type_embeddings', [2, hiddenSize], gaussianMatrix(2, hiddenSize, 0.05, random)),
        floatTensor(
          'dense_weight',
          [hiddenSize, hiddenSize],
          gaussianMatrix(hiddenSize, hiddenSize, 1 / Math.sqrt(hiddenSize), random),
        ),
        { name: 'unsqueeze_axes', dims: [1], dataType: INT64, int64Data: [2] },
      ],
      node: [
        node(
          'Gather',
          ['word_embeddings', 'input_ids'],
          ['word_vectors'],
          [{ name: 'axis', i: 0, type: ATTRIBUTE_INT }],
        ),
        node(
          'Gather',
          ['type_embeddings', 'token_type_ids'],
          ['type_vectors'],
          [{ name: 'axis', i: 0, type: ATTRIBUTE_INT }],
        ),
        node('Add', ['word_vectors', 'type_vectors'], ['embedded']),
        node('MatMul', ['embedded', 'dense_weight'], ['projected']),
        node('Tanh', ['projected'], ['activated']),
        node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', i: FLOAT, type: ATTRIBUTE_INT }]),
        node('Unsqueeze', ['mask_float', 'unsqueeze_axes'], ['mask_3d']),
        node('Mul', ['activated', 'mask_3d'], ['last_hidden_state']),
      ],
      input: [tokenInput('input_ids'), tokenInput('attention_mask'), tokenInput('token_type_ids')],
      output: [
        {
          name: 'last_hidden_state',
          type: {
            tensorType: {
              elemType: FLOAT,
              shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: hiddenSize }] },
            },
          },
        },
      ],
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`tiny ONNX model does not match the schema: ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

function tokenizerJson(vocab: string[]) {
  const id = (token: string) => vocab.indexOf(token);
  const special = (token: string) => ({ id: token, ids: [id(token)], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  };
}

export interface TinyModelOptions {
  /** Model id, also the sub-folder under the root (transformers.js layout `<root>/<id>/`). */
  modelId?: string;
  hiddenSize?: number;
  seed?: number;
  /** Write onnx/model_quantized.onnx (the q8 file name) instead of onnx/model.onnx. */
  quantizedFileName?: boolean;
  /** Folder to write into; a fresh temp folder by default. */
  root?: string;
}

export interface TinyModel {
  /** What EMBEDDING_MODEL_DIR points at. */
  root: string;
  modelId: string;
  /** `<root>/<modelId>`. */
  dir: string;
  hiddenSize: number;
  vocab: string[];
  cleanup(): void;
}

export const TINY_MODEL_ID = 'local-test/tiny-bert';

/** Writes the tiny model to disk and returns where it is. */
export function createTinyModel(options: TinyModelOptions = {}): TinyModel {
  const modelId = options.modelId ?? TINY_MODEL_ID;
  const hiddenSize = options.hiddenSize ?? 64;
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'tiny-model-'));
  const dir = join(root, modelId);
  const vocab = tinyVocab();
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const config = {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: hiddenSize,
    vocab_size: vocab.length,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: hiddenSize,
    max_position_embeddings: 128,
    type_vocab_size: 2,
    pad_token_id: 0,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 128,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  const onnxName = options.quantizedFileName ? 'model_quantized.onnx' : 'model.onnx';
  writeFileSync(join(dir, 'onnx', onnxName), tinyOnnxModel(vocab.length, hiddenSize, options.seed ?? 20260720));
  return {
    root,
    modelId,
    dir,
    hiddenSize,
    vocab,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
