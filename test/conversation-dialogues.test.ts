// The dialogue evaluation runs scripts through the real engine: a right dialogue passes, and a wrong code, a too
// long reply or a button that is not there each make it fail, named with the turn.
import { describe, expect, it } from 'vitest';
import { formatResult, harness, readDialogues, runDialogues, summarize } from '../src/conversation/dialogue-eval.ts';
import { Engine } from '../src/conversation/engine.ts';
import { createLogger } from '../src/log/logger.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { MemoryFeedbackStore, MemorySessionStore } from '../src/store/memory.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const residence = procedure({
  code: '9.100001',
  name: 'Đăng ký tạm trú',
  levels: ['xa'],
  documents: [{ name: 'Tờ khai thay đổi thông tin cư trú' }],
});
const marriage = procedure({ code: '9.100002', name: 'Đăng ký kết hôn', levels: ['xa'] });
const retrieval = new RetrievalEngine(
  catalogueOf([residence, marriage]),
  compileLexicon({ version: 1, synonyms: [], filler: [] }),
);

function run(issuerOf?: (id: string) => string | undefined) {
  const h = harness(
    (onTurn) =>
      new Engine({
        finder: () => retrieval,
        sessions: new MemorySessionStore(60_000),
        feedback: new MemoryFeedbackStore(),
        logger: createLogger('silent'),
        onTurn,
      }),
    (id) => retrieval.get(id)?.code,
    issuerOf,
  );
  return runDialogues(h, readDialogues('test/fixtures/dialogues/runner-check.jsonl'));
}

describe('dialogue evaluation', () => {
  it('passes a right dialogue and fails wrong codes, long replies and missing buttons', async () => {
    const results = await run();
    const byId = new Map(results.map((r) => [r.id, r]));
    const line = (id: string) => {
      const result = byId.get(id);
      if (!result) throw new Error(`no result for ${id}`);
      return formatResult(result);
    };
    expect(byId.get('passes')?.ok).toBe(true);
    expect(byId.get('press-by-label')?.ok).toBe(true);
    expect(line('wrong-code')).toMatch(/^FAIL wrong-code lượt 1.*9\.100001 thay vì 9\.100002/);
    expect(line('too-long')).toMatch(/^FAIL too-long lượt 1: dài \d+ > 20/);
    expect(line('missing-button')).toMatch(/^FAIL missing-button lượt 2.*không có nút/);
    const summary = summarize(results);
    expect(summary).toMatchObject({ dialogues: 5, dialoguesRight: 2 });
    expect(summary.turnsRight).toBeLessThan(summary.turns);
  });

  it('fails any card of a provincial record that does not name its province', async () => {
    const results = await run((id) => (id === residence.id ? 'Tỉnh Không Tồn Tại' : undefined));
    const passes = results.find((r) => r.id === 'passes');
    expect(passes?.ok).toBe(false);
    expect(passes && formatResult(passes)).toContain('không nêu "Tỉnh Không Tồn Tại"');
  });

  it('refuses a turn with neither "say" nor "press"', async () => {
    const { DialogueSchema } = await import('../src/conversation/dialogue-eval.ts');
    expect(DialogueSchema.safeParse({ id: 'x', turns: [{ contains: 'a' }] }).success).toBe(false);
  });
});
