import { envSchema } from './schema.js';

/**
 * Variables Pollen's scripts read outside the configuration schema (local wiki, throwaway Moodle,
 * test tooling): known, so never reported as unknown.
 */
const TOOLING_SETTINGS = [
  'POLLEN_WIKI_DIR', 'POLLEN_WIKI_PORT', 'POLLEN_MEDIAWIKI_DIR', 'POLLEN_MOODLE_ARCHIVE', 'POLLEN_MOODLE_DIR',
  'POLLEN_MOODLE_TEMPLATE_DIR', 'POLLEN_PG_BIN', 'POLLEN_CHROMIUM',
];

export function knownSettings(): string[] {
  return [...Object.keys(envSchema.shape), ...TOOLING_SETTINGS];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The known setting a misspelt or mis-prefixed name most likely meant (POLLEN_MOODLE_URL -> MOODLE_URL). */
export function closestSetting(name: string, known: readonly string[] = knownSettings()): string {
  const unprefixed = name.replace(/^POLLEN_(?=(MOODLE|WIKI)_)/, '');
  if (known.includes(unprefixed)) return unprefixed;
  const prefixed = `POLLEN_${name}`;
  if (known.includes(prefixed)) return prefixed;
  return [...known].sort((a, b) => distance(name, a) - distance(name, b))[0] ?? '';
}

/**
 * Every POLLEN_*, MOODLE_* and WIKI_* variable Pollen does not know, with the known one it most
 * likely meant: a mistyped name would otherwise be ignored without a word (POLLEN_MOODLE_URL left
 * Pollen in embedded mode). Names only: values may be secrets.
 */
export function unknownSettings(env: NodeJS.ProcessEnv = process.env): Array<{ name: string; closest: string }> {
  const known = knownSettings();
  return Object.keys(env)
    .filter((name) => /^(POLLEN|MOODLE|WIKI)_/.test(name) && !known.includes(name))
    .sort()
    .map((name) => ({ name, closest: closestSetting(name, known) }));
}

/** The French warning for one unknown variable. */
export function unknownSettingMessage(s: { name: string; closest: string }): string {
  return `Variable inconnue ${s.name}, ignorée : vouliez-vous dire ${s.closest} ?`;
}
