// Where the Zalo session comes from and how it is kept: environment or a private file, clear reasons
// when it is missing or broken, and a saved file only its owner can read.
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Zalo } from 'zca-js';
import {
  defaultCredentialsFile,
  findZaloCredentials,
  parseCookieSetting,
  saveZaloCredentials,
} from '../adapters/zalo/credentials.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const temp = tempDirs('zalo-cred-');
let dir: string;

beforeEach(() => {
  dir = temp.make();
});
afterEach(temp.removeAll);

/** The lookup when only the credentials file is configured (no ZALO_COOKIE / ZALO_IMEI / ZALO_USER_AGENT). */
const fromFileOnly = (file: string) =>
  findZaloCredentials({
    ZALO_CREDENTIALS_FILE: file,
    ZALO_COOKIE: undefined,
    ZALO_IMEI: undefined,
    ZALO_USER_AGENT: undefined,
  });

describe('Zalo credentials', () => {
  it('reads a browser cookie string from the environment, usable on Zalo chat hosts', () => {
    const lookup = findZaloCredentials({
      ZALO_COOKIE: 'zpw_sek=abc123; zpsid=xyz; _ga=GA1.2',
      ZALO_IMEI: 'imei-1',
      ZALO_USER_AGENT: UA,
      ZALO_CREDENTIALS_FILE: join(dir, 'none.json'),
    });
    expect(lookup.status).toBe('found');
    if (lookup.status !== 'found') return;
    expect(lookup.source).toBe('environment');
    // zca-js 2.2's own cookie parsing (a private method, pinned version) must send them to its hosts.
    const zalo = new Zalo({ checkUpdate: false, logging: false }) as unknown as {
      parseCookies(cookie: unknown): { getCookieStringSync(url: string): string };
    };
    const jar = zalo.parseCookies(lookup.credentials.cookie);
    expect(jar.getCookieStringSync('https://chat.zalo.me')).toBe('zpw_sek=abc123; zpsid=xyz; _ga=GA1.2');
    expect(jar.getCookieStringSync('https://wpa.chat.zalo.me/api/login')).toContain('zpw_sek=abc123');
  });

  it('accepts a JSON cookie export in ZALO_COOKIE', () => {
    expect(parseCookieSetting('[{"name":"zpw_sek","value":"abc","domain":".zalo.me"}]')).toEqual([
      { name: 'zpw_sek', value: 'abc', domain: '.zalo.me' },
    ]);
  });

  it('says which variables are missing when the environment is half configured', () => {
    const lookup = findZaloCredentials({
      ZALO_COOKIE: 'a=b',
      ZALO_IMEI: undefined,
      ZALO_USER_AGENT: undefined,
      ZALO_CREDENTIALS_FILE: undefined,
    });
    expect(lookup).toEqual({ status: 'invalid', reason: 'ZALO_IMEI, ZALO_USER_AGENT not set' });
  });

  it('reports a missing file as "missing" with its path', () => {
    const file = join(dir, 'zalo.json');
    const lookup = fromFileOnly(file);
    expect(lookup.status).toBe('missing');
    expect(lookup.status === 'missing' && lookup.reason).toContain(file);
  });

  it('rejects a broken file with a readable reason', async () => {
    const file = join(dir, 'zalo.json');
    await writeFile(file, JSON.stringify({ cookie: [], imei: '', userAgent: UA }));
    const lookup = fromFileOnly(file);
    expect(lookup.status).toBe('invalid');
  });

  it('saves the session with mode 0600 and finds it again', async () => {
    const file = join(dir, 'nested', 'zalo-credentials.json');
    const credentials = {
      cookie: [{ key: 'zpw_sek', value: 'secret', domain: 'zalo.me', path: '/' }],
      imei: 'imei-2',
      userAgent: UA,
    };
    await saveZaloCredentials(file, credentials);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(credentials);
    const lookup = fromFileOnly(file);
    expect(lookup).toMatchObject({ status: 'found', source: 'file', file, credentials });
  });

  it('warns when the credentials file is readable by other users, and not when it is 0600', async () => {
    const file = join(dir, 'zalo-credentials.json');
    await saveZaloCredentials(file, {
      cookie: [{ key: 'zpw_sek', value: 'secret', domain: 'zalo.me', path: '/' }],
      imei: 'imei-3',
      userAgent: UA,
    });
    expect(fromFileOnly(file)).not.toHaveProperty('warning');
    await chmod(file, 0o644);
    const lookup = fromFileOnly(file);
    expect(lookup.status).toBe('found');
    expect(lookup).toHaveProperty('warning', expect.stringContaining(`chmod 600 ${file}`));
  });

  it('keeps the default file in the user config folder, outside the project', () => {
    expect(defaultCredentialsFile({ XDG_CONFIG_HOME: '/home/lan/.config' })).toBe(
      '/home/lan/.config/tro-ly-dvc/zalo-credentials.json',
    );
    expect(defaultCredentialsFile({})).not.toContain(process.cwd());
  });
});
