import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/index.js';
import { unknownSettings } from '../../src/config/unknown.js';

const wiki = { WIKI_API_URL: 'https://wiki.example.org/w/api.php', WIKI_BOT_USER: 'Robot@sync', WIKI_BOT_PASSWORD: 'ab0123456789abcdef0123456789abcd' };
const moodle = { MOODLE_URL: 'https://moodle.example.org/', MOODLE_TOKEN: 'moodle-secret-token', MOODLE_COURSE_ID: '2' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('runs with nothing set: local wiki, embedded store, port 4000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, wiki: undefined, moodle: undefined, storePath: 'var/pollen.sqlite', curriculumDir: 'course-modules' });
  });

  it('reads a full wiki and Moodle setup', () => {
    const config = loadConfig({ ...wiki, ...moodle, PORT: '8000', MOODLE_ACTIVITY_MAP: 'logiciel-libre=12, donnees-ouvertes=13' });
    expect(config.wiki).toEqual({ apiUrl: wiki.WIKI_API_URL, botUser: 'Robot@sync', botPassword: wiki.WIKI_BOT_PASSWORD, contact: expect.any(String) });
    expect(config.moodle).toEqual({ url: 'https://moodle.example.org', token: 'moodle-secret-token', courseId: 2 });
    expect(config.port).toBe(8000);
    expect([...config.moodleActivityMap]).toEqual([['logiciel-libre', 12], ['donnees-ouvertes', 13]]);
  });

  it('bounds the wiki read cache: 10 s staleness, 5 min of stale answers when the wiki is down, 10,000 pages, 32 MB by default', () => {
    expect(loadConfig({}).wikiCache).toEqual({ stalenessSeconds: 10, maxStaleSeconds: 300, maxEntries: 10_000, maxBytes: 32 * 1024 * 1024 });
    const tuned = loadConfig({ POLLEN_WIKI_CACHE_STALENESS_SECONDS: '30', POLLEN_WIKI_CACHE_MAX_STALE_SECONDS: '0', POLLEN_WIKI_CACHE_MAX_ENTRIES: '500', POLLEN_WIKI_CACHE_MAX_MB: '8' });
    expect(tuned.wikiCache).toEqual({ stalenessSeconds: 30, maxStaleSeconds: 0, maxEntries: 500, maxBytes: 8 * 1024 * 1024 });
    const named = problemsOf({ POLLEN_WIKI_CACHE_STALENESS_SECONDS: '0', POLLEN_WIKI_CACHE_MAX_MB: 'beaucoup' }).map((p) => p.split(' ')[0]);
    expect(named).toEqual(['POLLEN_WIKI_CACHE_STALENESS_SECONDS', 'POLLEN_WIKI_CACHE_MAX_MB']);
  });

  it('names every bad setting in one message', () => {
    const problems = problemsOf({ PORT: 'quatre mille', WIKI_API_URL: 'ftp://wiki', MOODLE_URL: 'https://moodle.example.org', LOG_LEVEL: 'loud' });
    const named = problems.map((p) => p.split(' ')[0]);
    expect(named).toEqual(expect.arrayContaining(['PORT', 'WIKI_API_URL', 'LOG_LEVEL', 'MOODLE_TOKEN', 'MOODLE_COURSE_ID']));
  });

  it('asks for the bot credentials when a wiki URL is given', () => {
    expect(problemsOf({ WIKI_API_URL: wiki.WIKI_API_URL })).toEqual([
      'WIKI_BOT_USER is required when WIKI_API_URL is set',
      'WIKI_BOT_PASSWORD is required when WIKI_API_URL is set',
    ]);
  });

  it('wants a BotPassword user name and says what one looks like', () => {
    expect(problemsOf({ ...wiki, WIKI_BOT_USER: 'Robot' })).toEqual(['WIKI_BOT_USER must be a BotPassword name such as "Robot@sync"']);
  });

  it('checks POLLEN_TRUST_PROXY as Express will read it', () => {
    expect(loadConfig({ POLLEN_TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(loadConfig({ POLLEN_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ POLLEN_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(problemsOf({ POLLEN_TRUST_PROXY: 'loopbak' })[0]).toMatch(/^POLLEN_TRUST_PROXY must be true, false/);
  });

  it('rejects a malformed activity map entry', () => {
    expect(problemsOf({ MOODLE_ACTIVITY_MAP: 'logiciel-libre:12' })[0]).toContain('slug=cmid');
  });

  it('never puts a secret in its error message', () => {
    // The assertions sit outside any try: a configuration that does not throw fails the spec.
    let thrown: unknown;
    try {
      loadConfig({ ...wiki, ...moodle, MOODLE_COURSE_ID: 'two', PORT: '-1' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const text = `${(thrown as Error).message} ${JSON.stringify(thrown)}`;
    expect(text).toMatch(/MOODLE_COURSE_ID/);
    expect(text).toMatch(/PORT/);
    expect(text).not.toContain(wiki.WIKI_BOT_PASSWORD);
    expect(text).not.toContain(moodle.MOODLE_TOKEN);
  });

  it('reads POLLEN_SECRET_KEY as 32 bytes in base64, base64url or hex', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 250) % 256));
    expect(loadConfig({}).secretKey).toBeUndefined();
    expect(loadConfig({ POLLEN_SECRET_KEY: '  ' }).secretKey).toBeUndefined();
    for (const written of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase()]) {
      expect(loadConfig({ POLLEN_SECRET_KEY: ` ${written} ` }).secretKey).toEqual(bytes);
    }
  });

  it('knows POLLEN_SECRET_KEY, and points a misspelt one to it', () => {
    expect(unknownSettings({ POLLEN_SECRET_KEY: 'x', POLLEN_SECRETKEY: 'y' })).toEqual([{ name: 'POLLEN_SECRETKEY', closest: 'POLLEN_SECRET_KEY' }]);
  });

  it('refuses a malformed POLLEN_SECRET_KEY naming the setting, with how to make one, never echoing the value', () => {
    const tooShort = Buffer.alloc(16, 7).toString('base64');
    for (const value of ['changeme-this-is-my-secret-passphrase', tooShort, 'ab'.repeat(31), Buffer.alloc(33, 1).toString('base64')]) {
      const problems = problemsOf({ POLLEN_SECRET_KEY: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^POLLEN_SECRET_KEY doit valoir 32 octets aléatoires écrits en base64 \(44 caractères\) ou en hexadécimal \(64 caractères\)/);
      expect(problems[0]).toContain('openssl rand -base64 32');
      expect(problems[0]).not.toContain(value);
    }
  });

  it('describes itself with every secret redacted', () => {
    const secretKey = Buffer.alloc(32, 9);
    const shown = JSON.stringify(
      describeConfig(loadConfig({ ...wiki, ...moodle, POLLEN_FACILITATOR_TOKENS: 'fac-token-1,fac-token-2', POLLEN_SECRET_KEY: secretKey.toString('hex') })),
    );
    expect(shown).not.toContain(secretKey.toString('hex'));
    expect(shown).not.toContain(secretKey.toString('base64'));
    expect(shown).not.toContain('"data":[');
    expect(shown).not.toContain(wiki.WIKI_BOT_PASSWORD);
    expect(shown).not.toContain(moodle.MOODLE_TOKEN);
    expect(shown).not.toContain('fac-token-1');
    expect(shown).toContain('[redacted]');
  });
});
