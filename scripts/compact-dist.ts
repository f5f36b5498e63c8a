/**
 * The last step of `npm run build`: rewrites each compiled file under dist/ (src, bots, bench)
 * with the non-ASCII characters of its strings and templates escaped (`’` → `\u2019`), one file
 * at a time with esbuild's transform (nothing bundled, renamed or reordered). Regular expression
 * literals and String.raw templates keep theirs (an escape would change them): 15 files, 68 KB.
 * tsc already dropped the comments (tsconfig.build.json).
 *
 * Why: V8 keeps the source of every loaded module for the life of the process, and a source with
 * a single character outside Latin-1 (Pollen's French text is full of ’, … and —) is stored
 * with two bytes per character. Escaped and without comments, the gateway's own modules take
 * less than half the memory they took (measured with a heap snapshot at start: see README,
 * "Mémoire"). Strings built from the escapes are the same strings at run time.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';

const DIST = fileURLToPath(new URL('../dist', import.meta.url));

function* javascriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* javascriptFiles(full);
    else if (entry.name.endsWith('.js')) yield full;
  }
}

/** One compiled module's text as the build leaves it. */
export function compactModule(code: string, sourcefile = 'module.js'): string {
  // format 'esm' keeps imports, exports and top-level await as written; no target: no syntax lowered.
  const out = transformSync(code, { loader: 'js', format: 'esm', charset: 'ascii', legalComments: 'none', sourcefile });
  return out.code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let before = 0;
  let after = 0;
  for (const folder of ['src', 'bots', 'bench']) {
    for (const file of javascriptFiles(path.join(DIST, folder))) {
      const code = readFileSync(file, 'utf8');
      const compact = compactModule(code, path.relative(DIST, file));
      writeFileSync(file, compact);
      before += code.length;
      after += compact.length;
    }
  }
  process.stdout.write(`dist: ${(before / 1024).toFixed(0)} KB of compiled JavaScript rewritten to ${(after / 1024).toFixed(0)} KB\n`);
}
