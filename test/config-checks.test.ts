// Settings that are each valid but unsafe or contradictory refuse to start with one readable line each,
// never a stack trace: a short ADMIN_TOKEN, a Telegram webhook secret Telegram would reject, and dossier
// HTTP timeouts whose retries outlast the web page's own wait (one shared constant with adapters/web/app.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, WEB_REQUEST_TIMEOUT_MS, worstDossierLookupMs } from '../src/config/config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('configuration cross-checks', () => {
  it('wants an ADMIN_TOKEN of at least 32 characters', () => {
    expect(problemsOf({ ADMIN_TOKEN: 'short-token' })).toEqual([expect.stringMatching(/^ADMIN_TOKEN: .*32/)]);
    expect(problemsOf({ ADMIN_TOKEN: 'x'.repeat(32) })).toEqual([]);
  });

  it.each(['has space', 'ký-tự', 'a'.repeat(257), 'semi;colon'])('refuses the Telegram webhook secret %j', (secret) => {
    expect(problemsOf({ TELEGRAM_WEBHOOK_SECRET: secret })).toEqual([
      expect.stringMatching(/^TELEGRAM_WEBHOOK_SECRET: .*A–Z/),
    ]);
  });

  it('accepts a Telegram webhook secret of letters, digits, _ and -', () => {
    expect(problemsOf({ TELEGRAM_WEBHOOK_SECRET: 'Abc_09-xyz' })).toEqual([]);
    expect(problemsOf({ TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(256) })).toEqual([]);
  });

  it('refuses dossier HTTP timeouts whose retries outlast the web page', () => {
    const base = { DOSSIER_PROVIDER: 'http', DOSSIER_HTTP_BASE_URL: 'http://127.0.0.1:9/hoso' };
    expect(problemsOf(base)).toEqual([]);
    const slow = problemsOf({ ...base, DOSSIER_HTTP_TIMEOUT_MS: '8000', DOSSIER_HTTP_RETRIES: '2' });
    expect(slow).toEqual([expect.stringMatching(/^DOSSIER_HTTP_TIMEOUT_MS × \(DOSSIER_HTTP_RETRIES \+ 1\): .*20 s/)]);
    // The same values are harmless when lookups do not go over HTTP.
    expect(problemsOf({ DOSSIER_HTTP_TIMEOUT_MS: '8000', DOSSIER_HTTP_RETRIES: '2' })).toEqual([]);
    expect(worstDossierLookupMs(5000, 2)).toBeLessThanOrEqual(WEB_REQUEST_TIMEOUT_MS);
  });

  it('uses the web page’s own request timeout', () => {
    const page = readFileSync('adapters/web/app.js', 'utf8');
    const literal = /const REQUEST_TIMEOUT_MS = ([\d_]+);/.exec(page)?.[1];
    expect(Number(literal?.replaceAll('_', ''))).toBe(WEB_REQUEST_TIMEOUT_MS);
  });

  it('refuses to start with one readable line per problem and no stack trace', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'config-checks-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          PATH: process.env.PATH,
          DATA_DIR: dataDir,
          PORT: '0',
          ADMIN_TOKEN: 'short',
          TELEGRAM_WEBHOOK_SECRET: 'a b',
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/ADMIN_TOKEN: /);
      expect(run.stderr).toMatch(/TELEGRAM_WEBHOOK_SECRET: /);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
