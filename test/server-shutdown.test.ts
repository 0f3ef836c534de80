// Graceful shutdown over a real socket: a chat request in flight when shutdown starts still gets its
// answer, new requests are refused, and the assistant is closed only after the last request finished.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { type Reply, text } from '../src/conversation/types.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { createShutdown, handleSignals } from '../src/server/shutdown.ts';
import { stubAssistant } from './helpers/assistant.ts';
import { ScriptedEngine } from './helpers/engines.ts';

/** An engine that holds each answer until the test lets it go. */
function gatedAssistant() {
  const gates: (() => void)[] = [];
  const order: string[] = [];
  const engine = new ScriptedEngine(async (event) => {
    await new Promise<void>((resolve) => gates.push(resolve));
    order.push('engine answered');
    return [{ paragraphs: [[text(`Đã nhận: ${event.text}`)]] }];
  });
  return { assistant: stubAssistant({ engine }), received: engine.events, order, release: () => gates.shift()?.() };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function listening() {
  const gated = gatedAssistant();
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const app = await buildServer({ assistant: gated.assistant, config, logger: createLogger('silent') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { ...gated, app, url };
}

const postChat = (url: string, text: string) =>
  fetch(`${url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId: 'shutdown-test', text }),
  });

describe('graceful shutdown', () => {
  it('finishes an in-flight chat, refuses new requests, then closes the assistant', async () => {
    const { app, url, received, order, release } = await listening();
    let channelsStopped = false;
    const close = createShutdown({
      app,
      logger: createLogger('silent'),
      stopChannels: async () => {
        channelsStopped = true;
      },
      closeAssistant: async () => {
        order.push('assistant closed');
      },
    });

    const inFlight = postChat(url, 'lệ phí bao nhiêu');
    await vi.waitFor(() => expect(received).toHaveLength(1));

    const closing = close();
    expect(close()).toBe(closing); // idempotent: one shutdown, whoever asks
    // While the request is held, the server accepts nothing new.
    await vi.waitFor(async () => {
      const refused = await fetch(`${url}/healthz`).then(
        (res) => res.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(refused);
    });
    expect(order).toEqual([]);

    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { replies: Reply[] };
    expect(body.replies[0]?.paragraphs[0]?.[0]?.text).toBe('Đã nhận: lệ phí bao nhiêu');

    await closing;
    expect(channelsStopped).toBe(true);
    expect(order).toEqual(['engine answered', 'assistant closed']);
  });

  it('still closes the assistant when stopping the channels fails', async () => {
    const { app } = await listening();
    let assistantClosed = false;
    const close = createShutdown({
      app,
      logger: createLogger('silent'),
      stopChannels: async () => {
        throw new Error('channel stuck');
      },
      closeAssistant: async () => {
        assistantClosed = true;
      },
    });
    await close();
    expect(assistantClosed).toBe(true);
    expect(app.server.listening).toBe(false);
  });

  it('runs shutdown on SIGTERM and exits with 0', async () => {
    let closed = 0;
    const exited = new Promise<number>((resolve) => {
      const uninstall = handleSignals(
        async () => {
          closed++;
        },
        createLogger('silent'),
        {
          exit: (code) => {
            uninstall();
            resolve(code);
          },
        },
      );
      cleanups.push(async () => uninstall());
    });
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(0);
    expect(closed).toBe(1);
  });
});
