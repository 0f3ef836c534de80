// Loading the knowledge base: every invalid record is reported with file, place, field and reason; duplicate
// UUIDs are refused; nothing is half-loaded; a curated entry overrides an imported one with the same UUID.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeError, loadCatalogue } from '../src/knowledge/loader.ts';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { procedure } from './helpers/procedures.ts';

function knowledgeDir(
  files: Record<string, unknown>,
  catalog?: unknown[],
): { knowledgeDir: string; catalogDir?: string } {
  const root = mkdtempSync(join(tmpdir(), 'kb-'));
  mkdirSync(join(root, 'procedures'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(root, 'procedures', name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  if (!catalog) return { knowledgeDir: root };
  const catalogDir = join(root, 'catalog');
  mkdirSync(catalogDir);
  writeFileSync(
    join(catalogDir, 'procedures.jsonl'),
    catalog.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join('\n'),
  );
  return { knowledgeDir: root, catalogDir };
}

function problemsOf(load: () => unknown) {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(KnowledgeError);
    return (error as KnowledgeError).problems;
  }
  throw new Error('expected the load to fail');
}

describe('knowledge loader', () => {
  it('loads curated files and an imported catalogue, the curated entry winning on the same UUID', () => {
    const shared = procedure({ name: 'Đăng ký thường trú' });
    const importedCopy = { ...shared, name: 'Đăng ký thường trú (bản nhập)' };
    const other = procedure({ name: 'Đăng ký tạm trú' });
    const catalogue = loadCatalogue(knowledgeDir({ 'cu-tru.json': [shared] }, [importedCopy, other]));
    expect(catalogue.procedures).toHaveLength(2);
    expect(catalogue.byId.get(shared.id)?.name).toBe('Đăng ký thường trú');
    expect(catalogue.origin.get(shared.id)).toBe('curated');
    expect(catalogue.origin.get(other.id)).toBe('imported');
  });

  it('reports every invalid record with file, place, field and reason, and loads nothing', () => {
    const good = procedure({ name: 'Đăng ký kết hôn' });
    const badFee = {
      ...procedure({ name: 'Cấp lại thẻ căn cước' }),
      submissionMethods: [{ method: 'direct', fees: [{ kind: 'fee', amountVnd: '70.000' }] }],
    };
    const badUuid = { ...procedure({ name: 'Tách hộ' }), id: 'not-a-uuid' };
    const problems = problemsOf(() => loadCatalogue(knowledgeDir({ 'a.json': [good, badFee], 'b.json': [badUuid] })));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: expect.stringContaining('a.json'),
          location: '[1]',
          field: 'submissionMethods.0.fees.0.amountVnd',
        }),
        expect.objectContaining({ file: expect.stringContaining('b.json'), location: '[0]', field: 'id' }),
      ]),
    );
  });

  it('names the line of a malformed catalogue line', () => {
    const ok = procedure({ name: 'Đăng ký tạm trú' });
    const problems = problemsOf(() => loadCatalogue(knowledgeDir({}, [ok, '{not json'])));
    expect(problems[0]).toMatchObject({ location: 'line 2', reason: expect.stringContaining('JSON') });
  });

  it('refuses duplicate UUIDs within the curated knowledge', () => {
    const one = procedure({ name: 'Đăng ký kết hôn' });
    const problems = problemsOf(() =>
      loadCatalogue(knowledgeDir({ 'a.json': [one], 'b.json': [{ ...one, name: 'Bản trùng' }] })),
    );
    expect(problems[0]).toMatchObject({ field: 'id', reason: expect.stringContaining('trùng') });
  });

  it('says which file is not JSON', () => {
    const problems = problemsOf(() => loadCatalogue(knowledgeDir({ 'broken.json': '[{"id": ' })));
    expect(problems[0]?.file).toContain('broken.json');
  });

  it('the version changes when any record changes', () => {
    const p = procedure({ name: 'Đăng ký kết hôn' });
    const a = loadCatalogue(knowledgeDir({ 'a.json': [p] }));
    const b = loadCatalogue(knowledgeDir({ 'a.json': [{ ...p, summary: 'Mô tả mới.' }] }));
    expect(a.version).not.toBe(b.version);
  });
});

describe('alias table', () => {
  it('names the field of a malformed aliases file', () => {
    const { knowledgeDir: dir } = knowledgeDir({});
    writeFileSync(
      join(dir, 'aliases.json'),
      JSON.stringify({ version: 1, synonyms: [{ when: [], add: ['x'] }], filler: [] }),
    );
    expect(() => loadLexicon(dir)).toThrow(/synonyms\.0\.when/);
  });
});
