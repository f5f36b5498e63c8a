import { Command } from 'commander';
import { pathToFileURL } from 'node:url';
import { openPollenStore } from '../src/store-schema.js';
import { copyStore } from '../src/store/copy.js';
import { parseStoreUrl, redactUrl, type StoreLocation } from '../src/store/url.js';

const describe = (location: StoreLocation) => (location.kind === 'sqlite' ? `sqlite:${location.path}` : redactUrl(location.url));

/**
 * `npm run store:migrate -- --from sqlite:var/pollen.sqlite --to postgres://…`: moves an
 * installation to another store. Both sides are brought to the current schema first (the source
 * file gains any table it lacks), then every table is copied and counted.
 */
export async function migrateStore(fromUrl: string, toUrl: string, log: (line: string) => void = console.log): Promise<void> {
  const fromLocation = parseStoreUrl(fromUrl, '');
  const toLocation = parseStoreUrl(toUrl, '');
  if (describe(fromLocation) === describe(toLocation)) throw new Error('La source et la cible sont la même base.');
  const from = await openPollenStore(fromLocation);
  try {
    const to = await openPollenStore(toLocation);
    try {
      log(`Copie de ${describe(fromLocation)} vers ${describe(toLocation)}…`);
      const copies = await copyStore(from, to, { onTable: (c) => log(`  ${c.table} : ${c.target} ligne${c.target > 1 ? 's' : ''}`) });
      const total = copies.reduce((sum, c) => sum + c.target, 0);
      log(`Terminé : ${copies.length} tables, ${total} lignes, mêmes nombres des deux côtés. Pointez POLLEN_DATABASE_URL sur la cible et redémarrez Pollen.`);
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('store:migrate')
    .description('Copie tout le magasin de Pollen vers une base neuve (par exemple de SQLite vers PostgreSQL).')
    .requiredOption('--from <url>', 'base source, par exemple sqlite:var/pollen.sqlite')
    .requiredOption('--to <url>', 'base cible, vide, par exemple postgres://pollen@127.0.0.1:5432/pollen')
    .action(async (options: { from: string; to: string }) => migrateStore(options.from, options.to));
  await program.parseAsync(argv);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv).catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    console.error(`store:migrate a échoué${e.code ? ` (${e.code})` : ''} : ${e.message ?? String(err)}`);
    process.exitCode = 1;
  });
}
