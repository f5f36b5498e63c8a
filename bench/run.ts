/**
 * `npm run bench`: every benchmark, each measuring Pollen against a baseline in the same run.
 * Figures only; nothing here passes or fails on time.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const suites = ['gateway', 'notes', 'progress', 'directory', 'agenda', 'moodle', 'store', 'scale', 'pages', 'matchmaking'];
const only = process.argv.slice(2);

for (const name of suites) {
  if (only.length && !only.includes(name)) continue;
  const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (!existsSync(file)) continue;
  const started = performance.now();
  const mod = (await import(file)) as { default: () => Promise<void> };
  await mod.default();
  console.log(`  (${name} bench took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
