import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parisDateTime, plural } from '../../src/cli/format.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BOTS = ['curriculum-check', 'curriculum-export', 'curriculum-publish', 'notes', 'progress-sync', 'token'];

function run(bot: string, ...args: string[]): { out: string; status: number | null } {
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'bots', `${bot}.ts`), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, POLLEN_STORE_PATH: ':memory:' }, timeout: 60_000,
  });
  return { out: `${result.stdout}${result.stderr}`, status: result.status };
}

describe('every bot speaks French on the command line', () => {
  it.each(BOTS)('%s --help is French from top to bottom', (bot) => {
    const { out } = run(bot, '--help');
    expect(out).toMatch(/^Utilisation : /);
    expect(out).toContain('Options :');
    expect(out).toContain('-h, --help');
    expect(out).toContain('afficher l’aide');
    expect(out).not.toMatch(/Usage:|Options:|Commands:|display help|default:/);
  });

  it('refuses an unknown option in French', () => {
    const { out, status } = run('curriculum-check', '--verbose');
    expect(status).not.toBe(0);
    expect(out).toContain('erreur : option inconnue « --verbose »');
  });

  it('writes times in Paris time with the zone named, and French plurals', () => {
    expect(parisDateTime('2026-07-01T08:05:00Z')).toBe('1 juillet 2026 à 10:05 (heure de Paris)');
    expect(parisDateTime('2026-01-01T08:05:00Z')).toBe('1 janvier 2026 à 09:05 (heure de Paris)');
    expect([0, 1, 4].map((n) => plural(n, 'note publiée', 'notes publiées'))).toEqual(['0 note publiée', '1 note publiée', '4 notes publiées']);
  });
});
