// Paths and record ids of the hand-made portal fixtures (test/fixtures/portal) shared by the importer tests.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = join(ROOT, 'test/fixtures/portal');
export const CATALOG = join(FIXTURES, 'catalog.jsonl');
export const DETAILS = join(FIXTURES, 'details');

export const BEES = '0190aaaa-0000-7000-8000-000000000001';
export const FOREST_THANH_HOA = '0190aaaa-0000-7000-8000-000000000002';
export const FOREST_LANG_SON = '0190aaaa-0000-7000-8000-000000000003';
export const FESTIVAL = '0190aaaa-0000-7000-8000-000000000009';
