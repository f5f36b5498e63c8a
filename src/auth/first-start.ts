import type { ApiTokenStore, StoredApiTokens } from './api-tokens.js';

/** What the first start did about the dashboard's way in. */
export type DashboardAccess =
  | { kind: 'created'; token: string; name: string }
  | { kind: 'ready'; facilitators: number; admins: number }
  | { kind: 'none' };

export const FIRST_TOKEN_NAME = 'Premier jeton (créé au premier démarrage)';

/**
 * With no facilitator or admin token in the configuration and none ever created in the store,
 * creates one facilitator token (hash stored, clear value returned once for the start to print).
 * Once any token was created, even if revoked since, nothing is created again: revoking the
 * last token must not make a new one appear at the next start. Then `none` means the start
 * must warn that the dashboard has no way in.
 */
export async function ensureDashboardAccess(input: {
  configured: { facilitators: number; admins: number };
  tokens: ApiTokenStore;
  stored: StoredApiTokens;
}): Promise<DashboardAccess> {
  const { configured, tokens, stored } = input;
  if (configured.facilitators + configured.admins === 0 && !(await tokens.anyEverCreated())) {
    const created = await tokens.create({ role: 'facilitator', name: FIRST_TOKEN_NAME });
    await stored.refresh();
    return { kind: 'created', token: created.token, name: FIRST_TOKEN_NAME };
  }
  await stored.refresh();
  const facilitators = configured.facilitators + stored.countByRole('facilitator');
  const admins = configured.admins + stored.countByRole('admin');
  return facilitators + admins === 0 ? { kind: 'none' } : { kind: 'ready', facilitators, admins };
}

/** The French text the start prints once, on the terminal, when it created the first token. */
export function firstTokenNotice(token: string, dashboardUrl: string): string {
  return [
    '',
    '──────────────────────────────────────────────────────────────────────',
    ' Premier démarrage : un jeton d’animation a été créé pour le tableau de bord.',
    '',
    `   ${token}`,
    '',
    ` Collez-le sur ${dashboardUrl} pour vous connecter.`,
    ' Il ne sera plus jamais affiché : rangez-le dans un gestionnaire de mots de passe.',
    ' Pollen n’en garde que l’empreinte (SHA-256). Perdu ? Créez-en un autre :',
    '   npm run token -- create --role facilitator --name "Votre nom"',
    ' et révoquez celui-ci : npm run token -- list, puis npm run token -- revoke <numéro>.',
    '──────────────────────────────────────────────────────────────────────',
    '',
  ].join('\n');
}

/** The warning when nobody can sign in to the dashboard. */
export const NO_DASHBOARD_ACCESS_WARNING =
  'Aucun jeton d’animation actif : personne ne peut se connecter au tableau de bord. ' +
  'Créez-en un avec `npm run token -- create --role facilitator --name "Votre nom"` ' +
  '(ou définissez POLLEN_FACILITATOR_TOKENS).';
