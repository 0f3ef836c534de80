// A stand-in for the assistant the HTTP server serves (ServerAssistant), for server tests that care about one
// part: by default it finds nothing, knows no procedure or dossier and answers every chat with nothing; a test
// passes the parts it exercises (usually `engine`).
import type { ServerAssistant } from '../../src/server/app.ts';
import { ScriptedEngine } from './engines.ts';

export function stubAssistant(parts: Partial<ServerAssistant> = {}): ServerAssistant {
  return {
    engine: new ScriptedEngine(() => []),
    retriever: {
      search: async () => ({ hits: [], groups: [], confidence: 0, abstain: true, ambiguous: false, path: 'lexical' }),
    },
    getProcedure: () => undefined,
    dossiers: { detect: () => undefined, lookup: async (code) => ({ kind: 'not_found', code }) },
    reindex: async () => ({ version: 'v1', procedures: 0 }),
    status: () => ({ knowledgeVersion: 'v1', procedures: 0, retrievalPath: 'lexical' }),
    ...parts,
  };
}
