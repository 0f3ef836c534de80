// .env.example documents every configuration variable, each with a comment, and its values load as-is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';

const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
const schemaSource = readFileSync(new URL('../src/config/config.ts', import.meta.url), 'utf8');
const schemaBody = schemaSource.slice(schemaSource.indexOf('const EnvSchema'), schemaSource.indexOf('export type Env'));
const variables = [...schemaBody.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);

function parseExample(text: string): Map<string, { value: string; comment: string }> {
  const entries = new Map<string, { value: string; comment: string }>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const match = line.match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    if (match) entries.set(match[1] as string, { value: match[2] as string, comment: lines[i - 1] ?? '' });
  });
  return entries;
}

describe('.env.example', () => {
  const entries = parseExample(example);

  it('lists every variable of the configuration schema, each under its own comment line', () => {
    expect(variables.length).toBeGreaterThan(20);
    for (const name of variables) {
      expect(entries.has(name), `${name} missing from .env.example`).toBe(true);
      expect(entries.get(name)?.comment, `${name} needs a comment line above it`).toMatch(/^# \S/);
    }
  });

  it('documents nothing that the configuration does not read', () => {
    for (const name of entries.keys()) expect(variables).toContain(name);
  });

  it('loads as a valid configuration', () => {
    const env = Object.fromEntries([...entries].map(([name, { value }]) => [name, value]));
    const config = loadConfig(env);
    expect(config.PORT).toBe(3000);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });
});
