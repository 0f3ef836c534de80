// Every message a citizen can reach about any procedure of the national catalogue fits a phone: cards at most
// 700 characters, every other screen (steps, documents, fees and time, place, conditions, results, legal basis,
// each page of them) at most 1,200. Provincial cards name their province, only national ones say "cả nước", and
// imported records never claim a check. Runs on the curated knowledge, and on the portal crawl in
// ../shared/datasets when it is there (imported in memory, as kb:import would).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewPage } from '../src/conversation/guidance.ts';
import {
  cardScreen,
  documentsScreen,
  type SectionAspect,
  sectionScreen,
  stepParts,
  stepScreen,
} from '../src/conversation/screens/procedure.ts';
import type { Screen } from '../src/conversation/screens/screen.ts';
import { replyPlainText } from '../src/conversation/types.ts';
import { loadCatalogue, mergeSources } from '../src/knowledge/loader.ts';
import type { Procedure } from '../src/knowledge/schema.ts';
import { importPortalMirror } from '../src/knowledge/sources.ts';

const CRAWL = ['../shared', '../../shared']
  .map((up) => join(process.cwd(), up, 'datasets/opengov-dvc-catalog-2026/crawl'))
  .find((dir) => existsSync(join(dir, 'catalog.jsonl')));
const SECTIONS: SectionAspect[] = ['fees', 'time', 'where', 'online', 'result', 'legal', 'conditions'];
const NOW = new Date('2026-11-30T03:00:00Z');
const text = (screen: Screen) => replyPlainText({ paragraphs: screen.paragraphs });
const length = (screen: Screen) => text(screen).length;

/** What is wrong with the messages of one procedure (empty when everything fits). */
function problems(p: Procedure): string[] {
  const found: string[] = [];
  const card = text(cardScreen(p, { alsoAt: [], hasRelated: false, rate: true, now: NOW }));
  const source = card.split('\n').find((line) => line.startsWith('Nguồn: ')) ?? '';
  if (card.length > 700) found.push(`${p.code} card ${card.length}`);
  if (p.type === 'provincial' && !card.includes('Thủ tục riêng của')) found.push(`${p.code} card without province`);
  if (p.type !== 'national' && card.includes('cả nước')) found.push(`${p.code} non-national card says cả nước`);
  if (!source) found.push(`${p.code} card without source line`);
  if (p.source.checkedBy === 'importer' && source.includes('kiểm tra')) found.push(`${p.code} imported says kiểm tra`);
  if (p.source.checkedBy === 'importer' && !source.includes('dữ liệu ngày')) found.push(`${p.code} no data date`);
  // Records with nothing but the catalogue line have one-line views: their card is the part worth checking.
  if (p.steps.length + p.documents.length + p.submissionMethods.length === 0 && !p.conditions) return found;
  if (!card.includes('Thời hạn giải quyết')) found.push(`${p.code} card without processing time`);
  for (let step = 0; step < Math.max(1, p.steps.length); step++) {
    for (let part = 0; part < stepParts(p, step); part++) {
      const n = length(stepScreen(p, step, part).screen);
      if (n > 1200) found.push(`${p.code} step ${step + 1}.${part + 1} ${n}`);
    }
  }
  for (let page = 0; ; page++) {
    const docs = documentsScreen(p, page);
    if (length(docs.screen) > 1200) found.push(`${p.code} documents ${page + 1} ${length(docs.screen)}`);
    if (!docs.hasMore) break;
  }
  for (const aspect of SECTIONS) {
    for (let page = 0; page < viewPage(p, aspect, 0, NOW).pages; page++) {
      const n = length(sectionScreen(p, aspect, NOW, page).screen);
      if (n > 1200) found.push(`${p.code} ${aspect} ${page + 1} ${n}`);
    }
  }
  return found;
}

describe('messages sized for a phone', () => {
  it('holds for every curated procedure', () => {
    const curated = loadCatalogue({ knowledgeDir: 'knowledge' }).procedures;
    expect(curated.flatMap(problems)).toEqual([]);
  });

  it.skipIf(!CRAWL)(
    'holds for every procedure of the portal crawl in ../shared/datasets',
    () => {
      const imported = importPortalMirror(CRAWL as string, '2026-11-30');
      const { procedures } = mergeSources([], imported);
      expect(procedures.length).toBeGreaterThan(5000);
      expect(procedures.flatMap(problems)).toEqual([]);
    },
    180_000,
  );
});

if (!CRAWL) it.skip('portal crawl not found in ../shared/datasets: only curated records were checked', () => {});
