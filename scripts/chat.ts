// `npm run chat`: talk to the assistant in the terminal. Same engine as the web chat and the bots;
// menus show as numbered options (answer with the number, as on Zalo). Sessions live in memory.
import { createInterface } from 'node:readline/promises';
import { renderZaloReplies } from '../adapters/zalo/render.ts';
import { createAssistant } from '../src/assistant.ts';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { KnowledgeError } from '../src/knowledge/loader.ts';
import { createLogger } from '../src/log/logger.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const assistant = await createAssistant(config, logger, { inMemory: true });
  const conversationId = `terminal:${process.pid}`;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const status = assistant.status();
  console.log(
    `Trợ lý Dịch vụ công — ${status.procedures} thủ tục, tìm kiếm ${status.retrievalPath}. Gõ "thoát" để kết thúc.\n`,
  );
  const send = async (text: string) => {
    const replies = await assistant.engine.handle({
      channel: 'terminal',
      conversationId,
      userId: 'terminal',
      text,
      receivedAt: Date.now(),
    });
    for (const part of renderZaloReplies(replies)) console.log(`\n${part.text}`);
    console.log('');
  };
  await send('/start');
  for await (const line of rl) {
    const text = line.trim();
    if (['thoát', 'thoat', 'exit', 'quit'].includes(text.toLowerCase())) break;
    await send(text);
    if (process.stdin.isTTY) rl.setPrompt('bạn> ');
    rl.prompt();
  }
  rl.close();
  await assistant.close();
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof KnowledgeError) console.error(error.message);
  else console.error(`Lỗi: ${(error as Error).message}`);
  process.exit(1);
});
