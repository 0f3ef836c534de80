// `npm run report` end to end: feedback and unanswered questions produced by talking to the real engine
// (SQLite store), then the script run as a child process on the same DATA_DIR, as a maintainer would.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant } from '../src/assistant.ts';
import type { Choice, Reply } from '../src/conversation/types.ts';
import { addDays, formatDate, vietnamDate } from '../src/dossier/dates.ts';
import { loadCatalogue } from '../src/knowledge/loader.ts';
import { createLogger } from '../src/log/logger.ts';
import { testConfig } from './helpers/conversation.ts';

const run = promisify(execFile);
const catalogue = loadCatalogue({ knowledgeDir: 'knowledge' });
const residence = catalogue.procedures.find((p) => p.code === '1.004222');

let dataDir: string;

async function report(args: string[], dir = dataDir): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/report.ts', ...args], {
      env: { ...process.env, DATA_DIR: dir, KNOWLEDGE_DIR: 'knowledge', CATALOG_DIR: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'report-'));
  const config = testConfig(dataDir);
  const assistant = await createAssistant(config, createLogger('silent'));
  const send = (conversationId: string, input: string | Choice): Promise<Reply[]> =>
    assistant.engine.handle({
      channel: 'web',
      conversationId,
      userId: 'citizen',
      receivedAt: Date.now(),
      ...(typeof input === 'string' ? { text: input } : { choice: input }),
    });
  const notHelpful = async (conversationId: string, question: string) => {
    const replies = await send(conversationId, question);
    const menu = replies.flatMap((r) => (r.menu ? [r.menu] : [])).at(-1);
    await send(conversationId, { menuId: menu?.id ?? '', optionId: 'down' });
  };
  try {
    await notHelpful('r1', 'nhập hộ khẩu cho vợ, sđt 0912345678');
    await notHelpful('r2', 'đăng ký thường trú');
    await notHelpful('r3', 'làm lại căn cước bị mất');
    await send('r3', 'huu ich');
    await send('r4', 'đăng ký kết hôn');
    await send('r4', 'hữu ích');
    for (const id of ['r5', 'r6', 'r7']) await send(id, 'thời tiết mai thế nào');
    await send('r8', 'công thức nấu phở');
  } finally {
    await assistant.close();
  }
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run report', () => {
  it('prints totals, the top unanswered wordings and procedures marked "Chưa đúng", by name', async () => {
    expect(residence).toBeDefined();
    const { code, stdout } = await report([]);
    expect(code).toBe(0);
    expect(stdout).toContain('toàn bộ thời gian');
    expect(stdout).toContain('Tổng: 4 đánh giá (1 hữu ích, 3 chưa đúng); 4 câu hỏi chưa trả lời được.');
    const lines = stdout.split('\n');
    const unanswered = lines.findIndex((l) => l.startsWith('Câu hỏi chưa trả lời được'));
    expect(lines[unanswered + 1]).toMatch(/^\s+3×\s+thời tiết mai thế nào\s+\(lần cuối \d\d\/\d\d\/\d{4}\)$/);
    expect(lines[unanswered + 2]).toMatch(/^\s+1×\s+công thức nấu phở/);
    expect(stdout).toContain(`2 chưa đúng / 0 hữu ích  ${residence?.name} (${residence?.code})`);
    expect(stdout).toContain('ví dụ: "nhập hộ khẩu cho vợ, sđt [số]"; "đăng ký thường trú"');
    expect(stdout).toContain('1 chưa đúng / 0 hữu ích  Cấp lại thẻ căn cước');
    expect(stdout).not.toContain('0912345678');
    expect(stdout.indexOf(residence?.name ?? '?')).toBeLessThan(stdout.indexOf('Cấp lại thẻ căn cước'));
  });

  it('prints one JSON object with --json, limited by --limit', async () => {
    const { code, stdout } = await report(['--json', '--limit', '1']);
    expect(code).toBe(0);
    const data = JSON.parse(stdout.trim());
    expect(data).toMatchObject({
      found: true,
      since: null,
      limit: 1,
      totals: { feedback: 4, helpful: 1, notHelpful: 3, unanswered: 4 },
      unanswered: [{ question: 'thời tiết mai thế nào', count: 3, lastSeen: vietnamDate(new Date()) }],
      negative: [{ procedureId: residence?.id, code: '1.004222', name: residence?.name, notHelpful: 2, helpful: 0 }],
    });
    expect(data.database).toBe(join(dataDir, 'assistant.sqlite'));
  });

  it('counts only what happened since a day with --since', async () => {
    const today = vietnamDate(new Date());
    const included = JSON.parse((await report(['--json', '--since', today])).stdout.trim());
    expect(included.totals.feedback).toBe(4);
    const tomorrow = addDays(today, 1);
    const later = await report(['--since', tomorrow]);
    expect(later.stdout).toContain(`từ ngày ${formatDate(tomorrow)}`);
    expect(later.stdout).toContain('Tổng: 0 đánh giá (0 hữu ích, 0 chưa đúng); 0 câu hỏi chưa trả lời được.');
    expect(later.stdout).toContain('(chưa có)');
  });

  it('says clearly when there is no database yet', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'report-empty-'));
    try {
      const { code, stdout } = await report([], empty);
      expect(code).toBe(0);
      expect(stdout).toContain('Chưa có dữ liệu phản hồi');
      expect(stdout).toContain(join(empty, 'assistant.sqlite'));
      const json = JSON.parse((await report(['--json'], empty)).stdout.trim());
      expect(json).toMatchObject({ found: false, totals: { feedback: 0, unanswered: 0 } });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('rejects a malformed date, limit or option with the usage line', async () => {
    const cases = [['--since', '2026-02-30'], ['--since', 'hôm qua'], ['--limit', '0'], ['--bogus']];
    for (const { code, stderr } of await Promise.all(cases.map((args) => report(args)))) {
      expect(code).toBe(2);
      expect(stderr).toContain('Cách dùng: npm run report');
    }
  });
});
