/**
 * `npm run token -- create|list|revoke`: the dashboard's API tokens kept in the store (hashes
 * only). The configured ones (POLLEN_FACILITATOR_TOKENS, POLLEN_ADMIN_TOKENS) are not listed here.
 */
import { pathToFileURL } from 'node:url';
import { ApiTokenStore, tokenNameSchema, tokenRoleSchema, type ApiTokenInfo } from '../src/auth/api-tokens.js';
import { parisDateTime, plural } from '../src/cli/format.js';
import { frenchProgram } from '../src/cli/french-help.js';
import { ConfigError, loadConfig } from '../src/config/index.js';
import type { StoreDb } from '../src/store/database.js';
import { openPollenStore } from '../src/store-schema.js';

const ROLE_NAMES = { facilitator: 'animation', admin: 'administration' } as const;

/** One line per token, in French, without the token (it is not kept). */
export function formatTokenList(tokens: readonly ApiTokenInfo[]): string {
  if (tokens.length === 0) return 'Aucun jeton dans le magasin. Créez-en un : npm run token -- create --role facilitator --name "Votre nom"';
  const live = tokens.filter((t) => !t.revokedAt).length;
  const lines = [`${plural(tokens.length, 'jeton')} (${plural(live, 'actif')}) :`];
  for (const t of tokens) {
    const state = t.revokedAt ? `révoqué le ${parisDateTime(t.revokedAt)}` : 'actif';
    lines.push(`  n° ${t.id}  ${ROLE_NAMES[t.role]}  « ${t.name} »  créé le ${parisDateTime(t.createdAt)}  ${state}`);
  }
  return lines.join('\n');
}

export async function runTokenCommand(argv: string[], io: { store: () => Promise<StoreDb>; out: (line: string) => void }): Promise<number> {
  let exitCode = 0;
  const withTokens = async (action: (tokens: ApiTokenStore) => Promise<void>) => {
    const store = await io.store();
    try {
      await action(await ApiTokenStore.open(store));
    } finally {
      await store.close();
    }
  };
  const program = frenchProgram('token', 'Jetons d’accès au tableau de bord et à l’API (seule leur empreinte est gardée).');
  program.exitOverride();
  program
    .command('create')
    .description('Crée un jeton et l’affiche une seule fois.')
    .requiredOption('--role <rôle>', 'facilitator (animation) ou admin (administration, synchronisations)')
    .requiredOption('--name <nom>', 'à qui ou à quoi sert le jeton, par exemple « Camille »')
    .action(async (options: { role: string; name: string }) => {
      const role = tokenRoleSchema.safeParse(options.role);
      const name = tokenNameSchema.safeParse(options.name);
      if (!role.success || !name.success) {
        io.out(`Jeton non créé : ${[...(role.error?.issues ?? []), ...(name.error?.issues ?? [])].map((i) => i.message).join(' ')}`);
        exitCode = 2;
        return;
      }
      await withTokens(async (tokens) => {
        const { token, info } = await tokens.create({ role: role.data, name: name.data });
        io.out(`Jeton n° ${info.id} (${ROLE_NAMES[info.role]}, « ${info.name} ») créé :\n\n  ${token}\n\n` +
          'Il ne sera plus affiché : rangez-le dans un gestionnaire de mots de passe. Pollen n’en garde que l’empreinte.');
      });
    });
  program
    .command('list')
    .description('Liste les jetons (numéro, rôle, nom, dates), jamais leur valeur.')
    .action(async () => withTokens(async (tokens) => io.out(formatTokenList(await tokens.list()))));
  program
    .command('revoke')
    .description('Révoque un jeton par son numéro (voir « list ») : il ne permet plus de se connecter.')
    .argument('<numéro>', 'le numéro affiché par « list »')
    .action(async (id: string) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 1) {
        io.out(`« ${id} » n’est pas un numéro de jeton : voyez npm run token -- list.`);
        exitCode = 2;
        return;
      }
      await withTokens(async (tokens) => {
        const done = await tokens.revoke(n);
        io.out(done ? `Jeton n° ${n} révoqué : il ne permet plus de se connecter (sous 10 secondes pour une passerelle qui tourne).` : `Aucun jeton actif n° ${n} : voyez npm run token -- list.`);
        if (!done) exitCode = 1;
      });
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return e.exitCode ?? 1;
    throw err;
  }
  return exitCode;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
  // The store the configuration names (POLLEN_DATABASE_URL, else the SQLite file), as every bot
  // and the gateway open it: a token created here is the one the gateways read.
  const location = config.store;
  runTokenCommand(process.argv.slice(2), { store: () => openPollenStore(location), out: (line) => console.log(line) })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      const e = err as { name?: string; code?: string; message?: string };
      console.error(`token a échoué : ${e.name ?? 'Error'}${e.code ? ` (${e.code})` : ''} : ${e.message ?? String(err)}`);
      process.exitCode = 1;
    });
}
