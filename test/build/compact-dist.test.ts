/**
 * The build's last step (scripts/compact-dist.ts) escapes the non-ASCII characters of the
 * compiled modules' strings and templates so V8 keeps their sources one byte per character. What
 * the modules do must not change: strings, templates, String.raw, regular expressions (classes,
 * identity escapes, the `u` and `i` flags, characters outside the BMP) and identifiers,
 * evaluated before and after.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactModule } from '../../scripts/compact-dist.js';
import { ROOT } from '../support/processes.js';

const SAMPLE = String.raw`
const café = 'crème';
export const strings = ['l’atelier', "« guillemets »", ${'`'}modèle … ${'$'}{café} —${'`'}, '🌻 tournesol', 'déjà\\é'];
export const raw = String.raw${'`'}\d+ é${'`'};
// un commentaire accentué : à supprimer ou échapper
export const patterns = [/^[aeiouyàâäéèêëîïôöùûüÿœæ]/iu, /r\éunion/i, /\\é/, /[·.]?e?s?$/, /🌻+/u, /^\p{Lu}/u, /[«»’]/g];
export const probes = ['Écoute', 'réunion', '\\é', 'e·s', '🌻🌻', 'Été', '« x »', 'abc', 'RÉUNION'];
`;

async function evaluate(code: string): Promise<unknown> {
  const module = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
    strings: string[]; raw: string; patterns: RegExp[]; probes: string[];
  };
  return {
    strings: module.strings,
    raw: module.raw,
    matches: module.patterns.map((p) => module.probes.map((s) => { p.lastIndex = 0; return p.test(s); })),
    flags: module.patterns.map((p) => p.flags),
  };
}

describe('the compiled modules made ASCII', () => {
  it('behave as before: strings, templates, regular expressions and identifiers', async () => {
    const compact = compactModule(SAMPLE);
    // Strings, templates and comments no longer hold a character outside ASCII.
    expect(compact).toContain('l\\u2019atelier');
    expect(compact).not.toMatch(/l’atelier|« guillemets|commentaire/);
    expect(await evaluate(compact)).toEqual(await evaluate(SAMPLE));
  });

  it('left nearly all of the built gateway in ASCII-only files (npm run build ran before the specs)', () => {
    let ascii = 0;
    let other = 0;
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.js')) {
          const text = readFileSync(full, 'utf8');
          if (/[^\x00-\x7f]/.test(text)) other += text.length;
          else ascii += text.length;
        }
      }
    };
    walk(path.join(ROOT, 'dist/src'));
    // Only files with accented regular expressions keep two bytes a character (5% on 2026-12-07).
    expect(ascii).toBeGreaterThan(1_000_000);
    expect(other / (ascii + other)).toBeLessThan(0.1);
  });
});
