// Runs kb:import on the hand-made portal fixtures (catalogue + details) with the options a test adds, as a
// maintainer would from the command line, and loads the catalogue it wrote.
import { main } from '../../scripts/kb-import.ts';
import { type Catalogue, loadCatalogue } from '../../src/knowledge/loader.ts';
import { captureStreams } from './cli-streams.ts';
import { CATALOG, DETAILS } from './portal-fixtures.ts';

export interface FixtureImport {
  exitCode: number;
  /** What the command printed. */
  stdout: string;
  catalogue: Catalogue;
}

/** Imports the fixtures into `out` with `options` added; the catalogue is loaded beside an empty `knowledgeDir`. */
export async function importFixtures(options: string[], out: string, knowledgeDir: string): Promise<FixtureImport> {
  const capture = captureStreams();
  const exitCode = await main(['--catalog', CATALOG, '--details', DETAILS, ...options, '--out', out], capture.streams);
  return { exitCode, stdout: capture.out(), catalogue: loadCatalogue({ knowledgeDir, catalogDir: out }) };
}
