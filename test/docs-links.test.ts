// Every relative link in the README, the docs/ pages and .env.example points at a file that exists, so an
// operator following the documentation never lands on a missing page.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const markdown = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Relative targets of markdown links `[text](target)`, without anchors; external and pure anchors skipped. */
function markdownLinks(source: string): string[] {
  const links: string[] = [];
  for (const match of source.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = (match[1] as string).split('#')[0] as string;
    if (target === '' || /^[a-z]+:/i.test(target)) continue;
    links.push(target);
  }
  return links;
}

/** Paths to project files mentioned in plain text (`.env.example` comments say "see docs/x.md"). */
function mentionedPaths(source: string): string[] {
  return [...source.matchAll(/(?:^|[\s(])((?:docs|knowledge|scripts)\/[\w./-]+\.(?:md|json|ts))/gm)].map(
    (m) => m[1] as string,
  );
}

describe('documentation links', () => {
  it.each(markdown)('%s links only to files that exist', (file) => {
    const source = readFileSync(join(root, file), 'utf8');
    const broken = markdownLinks(source).filter((target) => !existsSync(resolve(root, dirname(file), target)));
    expect(broken).toEqual([]);
  });

  it('.env.example mentions only files that exist', () => {
    const source = readFileSync(join(root, '.env.example'), 'utf8');
    const broken = mentionedPaths(source).filter((path) => !existsSync(join(root, path)));
    expect(broken).toEqual([]);
  });

  it('the README stays a short front page with the two commands first', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    const firstBlock = readme.slice(0, readme.indexOf('```', readme.indexOf('```') + 3));
    expect(firstBlock).toMatch(/npm start/);
    expect(firstBlock).toMatch(/npm test/);
  });
});
