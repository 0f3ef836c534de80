// `npm run eval:dialogues -- --dialogues <jsonl> [--kb <dir>] [--knowledge <dir>] [--verbose]`: runs multi-turn
// scripts through the real conversation engine in-process (in-memory sessions and feedback, demo dossiers),
// prints one PASS/FAIL line per dialogue and a summary line (dialogues right, turns right, reply lengths).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/config.ts';
import {
  formatResult,
  formatSummary,
  harness,
  readDialogues,
  runDialogues,
  summarize,
} from '../src/conversation/dialogue-eval.ts';
import { Engine } from '../src/conversation/engine.ts';
import { issuingProvince } from '../src/conversation/screens/place.ts';
import { createDossierService } from '../src/dossier/service.ts';
import { loadProvinces, PROVINCES_FILE } from '../src/knowledge/provinces.ts';
import { loadSearchCatalogue } from '../src/knowledge/sources.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildRetrievalEngine } from '../src/retrieval/build.ts';
import { MemoryFeedbackStore, MemorySessionStore } from '../src/store/memory.ts';
import { parseOptions, type Streams, UsageError, usageExitCode } from './lib/cli.ts';

const USAGE =
  'Cách dùng: npm run eval:dialogues -- --dialogues <tệp.jsonl> [--kb <thư mục danh mục>] [--knowledge <thư mục>] [--verbose]\n';

export async function main(argv: string[], streams: Streams = process): Promise<number> {
  try {
    const values = parseOptions(argv, {
      dialogues: { type: 'string' },
      kb: { type: 'string' },
      knowledge: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    });
    if (!values.dialogues) throw new UsageError('thiếu --dialogues');
    const dialogues = readDialogues(values.dialogues);
    const config = loadConfig({ ...process.env, DOSSIER_PROVIDER: 'demo', LOG_LEVEL: 'silent' });
    const knowledgeDir = values.knowledge ?? config.knowledgeDir;
    const { catalogue } = loadSearchCatalogue({
      knowledgeDir,
      catalogDir: config.catalogDir,
      ...(values.kb ? { kb: values.kb } : {}),
    });
    const retrieval = buildRetrievalEngine({ knowledgeDir }, { catalogue });
    const logger = createLogger('silent');
    const dossiers = createDossierService({ config, logger });
    const provinces = existsSync(join(knowledgeDir, PROVINCES_FILE)) ? loadProvinces(knowledgeDir) : undefined;
    const run = harness(
      (onTurn) =>
        new Engine({
          finder: () => retrieval,
          sessions: new MemorySessionStore(3_600_000),
          feedback: new MemoryFeedbackStore(),
          dossiers,
          ...(provinces ? { provinces } : {}),
          logger,
          onTurn,
        }),
      (id) => retrieval.get(id)?.code,
      (id) => {
        const p = retrieval.get(id);
        return p ? issuingProvince(p, provinces)?.shortName : undefined;
      },
    );
    const results = await runDialogues(run, dialogues);
    for (const [i, result] of results.entries()) {
      streams.stdout.write(`${formatResult(result, dialogues[i])}\n`);
      if (!values.verbose) continue;
      for (const turn of result.turns) {
        const input = dialogues[i]?.turns[turn.index];
        const said = input?.say !== undefined ? `"${input.say}"` : `[${input?.press}]`;
        streams.stdout.write(
          `  ${turn.ok ? '✓' : '✗'} ${said} → ${turn.outcome ?? '-'} ${turn.code ?? ''} (${turn.replyChars.join('+')} ký tự)\n`,
        );
        streams.stdout.write(`      ${turn.text.slice(0, 600).replace(/\n/g, '\n      ')}\n`);
      }
    }
    streams.stdout.write(`${formatSummary(summarize(results))} trên ${retrieval.size} thủ tục\n`);
    dossiers.close();
    return 0;
  } catch (error) {
    const code = usageExitCode(error, USAGE, streams);
    if (code !== undefined) return code;
    streams.stderr.write(`Lỗi: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
