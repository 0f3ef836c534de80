// Reindexing a running assistant: a valid change is picked up without dropping conversations; a malformed
// knowledge file is reported and the running index keeps serving.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistant } from '../src/assistant.ts';
import { loadConfig } from '../src/config/config.ts';
import { replyPlainText } from '../src/conversation/types.ts';
import { KnowledgeError } from '../src/knowledge/loader.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { procedure } from './helpers/procedures.ts';

async function setup(env: Record<string, string> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'reindex-'));
  const knowledgeDir = join(root, 'knowledge');
  cpSync('knowledge', knowledgeDir, { recursive: true });
  const config = loadConfig({ DATA_DIR: join(root, 'data'), KNOWLEDGE_DIR: knowledgeDir, LOG_LEVEL: 'silent', ...env });
  const assistant = await createAssistant(config, createLogger('silent'), { inMemory: true });
  return { assistant, knowledgeDir, config };
}

const event = (text: string) => ({
  channel: 'web' as const,
  conversationId: 'web:r1',
  userId: 'u',
  text,
  receivedAt: Date.now(),
});

describe('reindex', () => {
  it('picks up a new procedure and keeps the conversation going', async () => {
    const { assistant, knowledgeDir } = await setup();
    const first = await assistant.engine.handle(event('làm lại căn cước bị mất'));
    expect(replyPlainText(first[0] ?? { paragraphs: [] })).toContain('Cấp lại thẻ căn cước');
    const added = procedure({ name: 'Cấp giấy phép nuôi chim yến trong khu dân cư', aliases: ['nuôi yến'] });
    writeFileSync(join(knowledgeDir, 'procedures', 'zz-test.json'), JSON.stringify([added]));
    const before = assistant.status().knowledgeVersion;
    const result = await assistant.reindex();
    expect(result.version).not.toBe(before);
    expect((await assistant.retriever.search('giấy phép nuôi chim yến')).hits[0]?.id).toBe(added.id);
    const next = await assistant.engine.handle(event('lệ phí bao nhiêu'));
    expect(replyPlainText(next[0] ?? { paragraphs: [] })).toContain('Cấp lại thẻ căn cước');
    await assistant.close();
  });

  it('refuses a malformed knowledge file and keeps serving the old index', async () => {
    const { assistant, knowledgeDir } = await setup();
    const before = assistant.status().knowledgeVersion;
    writeFileSync(join(knowledgeDir, 'procedures', 'zz-broken.json'), JSON.stringify([{ name: 'Thiếu mọi trường' }]));
    await expect(assistant.reindex()).rejects.toBeInstanceOf(KnowledgeError);
    await expect(assistant.reindex()).rejects.toThrow(/zz-broken\.json \[0\] id/);
    expect(assistant.status().knowledgeVersion).toBe(before);
    expect((await assistant.retriever.search('đăng ký kết hôn')).abstain).toBe(false);
    await assistant.close();
  });

  it('tells the maintainer over HTTP which file and field to fix', async () => {
    const { assistant, knowledgeDir, config } = await setup({ ADMIN_TOKEN: 'admin-secret-token-of-at-least-32-chars' });
    const app = await buildServer({ assistant, config, logger: createLogger('silent') });
    writeFileSync(join(knowledgeDir, 'procedures', 'zz-broken.json'), JSON.stringify([{ name: 'Thiếu mọi trường' }]));
    const res = await app.inject({
      method: 'POST',
      url: '/admin/reindex',
      headers: { authorization: 'Bearer admin-secret-token-of-at-least-32-chars' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: expect.stringContaining('zz-broken.json'), field: 'id' }),
      ]),
    );
    expect((await app.inject({ method: 'GET', url: '/api/search?q=đăng ký kết hôn' })).json().abstain).toBe(false);
    await app.close();
    await assistant.close();
  });
});
