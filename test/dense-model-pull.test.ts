// `npm run model:pull`: against a local fake hub it downloads the model into <dir>/<id>/ where the server finds
// it; when the hub is unreachable, silent or lacks the model it stops with a clear message, never hanging.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../scripts/model-pull.ts';
import { findLocalModel } from '../src/retrieval/dense/model-files.ts';
import { createTinyModel, type TinyModel } from './helpers/tiny-model.ts';

function captureStreams() {
  let out = '';
  let err = '';
  return {
    streams: { stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c) } },
    out: () => out,
    err: () => err,
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let tiny: TinyModel;
let hub: Server;
let hubUrl: string;
const requests: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  // The fake hub serves the tiny model under both ONNX names, at /<id>/resolve/<revision>/<file>.
  tiny = createTinyModel({ modelId: 'test-org/tiny-e5' });
  hub = createServer((req, res) => {
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
  hubUrl = await listen(hub);
});

afterAll(async () => {
  await close(hub);
  tiny.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'model-pull-'));
  dirs.push(dir);
  return dir;
}

describe('model:pull', () => {
  it('downloads the model where the server looks for it, checks it runs, and says what to set', async () => {
    const dir = tempDir();
    const io = captureStreams();
    const code = await main(['--model', 'test-org/tiny-e5', '--dir', dir, '--host', hubUrl], io.streams, {});
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
      await main(['--model', 'test-org/tiny-e5', '--dir', dir, '--host', hubUrl, '--no-verify'], again.streams, {}),
    ).toBe(0);
    expect(requests).toEqual([]);
    expect(again.out()).toContain('đã có, bỏ qua');
  });

  it('reports a model or variant the hub does not have, leaving no partial files', async () => {
    const dir = tempDir();
    const io = captureStreams();
    const code = await main(['--model', 'test-org/missing', '--dir', dir, '--host', hubUrl], io.streams, {});
    expect(code).toBe(1);
    expect(io.err()).toContain('config.json: không có trên hub');
    expect(existsSync(join(dir, 'test-org/missing/config.json.part'))).toBe(false);
  });

  it('fails with a clear message when the hub cannot be reached', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await close(closed);
    const io = captureStreams();
    const code = await main(['--model', 'test-org/tiny-e5', '--dir', tempDir(), '--host', url], io.streams, {});
    expect(code).toBe(1);
    expect(io.err()).toContain('không kết nối được tới');
    expect(io.err()).toContain('ECONNREFUSED');
    expect(io.err()).toContain('cần internet');
  });

  it('stops after the timeout when the hub accepts but never answers', async () => {
    const silent = createServer(() => {});
    const url = await listen(silent);
    try {
      const io = captureStreams();
      const code = await main(
        ['--model', 'test-org/tiny-e5', '--dir', tempDir(), '--host', url, '--timeout-ms', '200'],
        io.streams,
        {},
      );
      expect(code).toBe(1);
      expect(io.err()).toContain('không trả lời trong 200 ms');
    } finally {
      await close(silent);
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
