// `npm run model:pull`: against a local fake hub it downloads the model into <dir>/<id>/ where the server finds
// it; when the hub is unreachable, silent or lacks the model it stops with a clear message, never hanging.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/model-pull.ts';
import { findLocalModel } from '../src/retrieval/dense/model-files.ts';
import { captureStreams } from './helpers/cli-streams.ts';
import { type LocalServer, listenLocally } from './helpers/local-server.ts';
import { tempDirs } from './helpers/temp-dirs.ts';
import { createTinyModel, type TinyModel } from './helpers/tiny-model.ts';

let tiny: TinyModel;
let hub: LocalServer;
const requests: string[] = [];
const temp = tempDirs('model-pull-');

beforeAll(async () => {
  // The fake hub serves the tiny model under both ONNX names, at /<id>/resolve/<revision>/<file>.
  tiny = createTinyModel({ modelId: 'test-org/tiny-e5' });
  hub = await listenLocally((req, res) => {
    requests.push(req.url ?? '');
    const match = /^\/test-org\/tiny-e5\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    const file = match?.[1]?.replace('model_quantized.onnx', 'model.onnx');
    const path = file ? join(tiny.dir, file) : undefined;
    if (!path || !existsSync(path)) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const body = readFileSync(path);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
});

afterAll(async () => {
  await hub.close();
  tiny.cleanup();
  temp.removeAll();
});

describe('model:pull', () => {
  it('downloads the model where the server looks for it, checks it runs, and says what to set', async () => {
    const dir = temp.make();
    const io = captureStreams();
    const code = await main(['--model', 'test-org/tiny-e5', '--dir', dir, '--host', hub.url], io.streams, {});
    expect(code).toBe(0);
    const local = findLocalModel('test-org/tiny-e5', [dir]);
    expect(local?.dtype).toBe('q8');
    expect(readFileSync(join(dir, 'test-org/tiny-e5/onnx/model_quantized.onnx'))).toEqual(
      readFileSync(join(tiny.dir, 'onnx/model.onnx')),
    );
    expect(io.out()).toContain(`vector ${tiny.hiddenSize} chiều`);
    expect(io.out()).toContain(`EMBEDDING_MODEL=test-org/tiny-e5 EMBEDDING_MODEL_DIR=${dir}`);

    // A second run keeps the files it already has.
    requests.length = 0;
    const again = captureStreams();
    expect(
      await main(['--model', 'test-org/tiny-e5', '--dir', dir, '--host', hub.url, '--no-verify'], again.streams, {}),
    ).toBe(0);
    expect(requests).toEqual([]);
    expect(again.out()).toContain('đã có, bỏ qua');
  });

  it('reports a model or variant the hub does not have, leaving no partial files', async () => {
    const dir = temp.make();
    const io = captureStreams();
    const code = await main(['--model', 'test-org/missing', '--dir', dir, '--host', hub.url], io.streams, {});
    expect(code).toBe(1);
    expect(io.err()).toContain('config.json: không có trên hub');
    expect(existsSync(join(dir, 'test-org/missing/config.json.part'))).toBe(false);
  });

  it('fails with a clear message when the hub cannot be reached', async () => {
    const closed = await listenLocally();
    const url = closed.url;
    await closed.close();
    const io = captureStreams();
    const code = await main(['--model', 'test-org/tiny-e5', '--dir', temp.make(), '--host', url], io.streams, {});
    expect(code).toBe(1);
    expect(io.err()).toContain('không kết nối được tới');
    expect(io.err()).toContain('ECONNREFUSED');
    expect(io.err()).toContain('cần internet');
  });

  it('stops after the timeout when the hub accepts but never answers', async () => {
    const silent = await listenLocally(() => {});
    const url = silent.url;
    try {
      const io = captureStreams();
      const code = await main(
        ['--model', 'test-org/tiny-e5', '--dir', temp.make(), '--host', url, '--timeout-ms', '200'],
        io.streams,
        {},
      );
      expect(code).toBe(1);
      expect(io.err()).toContain('không trả lời trong 200 ms');
    } finally {
      await silent.close();
    }
  });

  it('rejects bad arguments with the usage text', async () => {
    const io = captureStreams();
    expect(await main(['--dtype', 'fp8'], io.streams, {})).toBe(2);
    expect(io.err()).toContain('--dtype phải là q8 hoặc fp32');
    expect(io.err()).toContain('Cách dùng');
    expect(await main(['--model', '../etc'], captureStreams().streams, {})).toBe(2);
  });
});
