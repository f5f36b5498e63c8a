/**
 * @deprecated The string page shell, kept only for src/agenda/cancel-page.ts (being rewritten
 * on the web layer by the agenda's public pages): delete this file once nothing imports it.
 * Every dashboard page uses the web layer's shell (src/web/shell.tsx).
 */
import type { Viewer } from '../auth/viewer.js';
import { FAVICON } from '../web/favicon.js';
import { escapeHtml } from '../web/format.js';
import { DASHBOARD_CSS } from '../web/styles.js';

export interface SignOutForm {
  /** Where the form posts (…/deconnexion). */
  action: string;
  /** The session's CSRF token. */
  csrfToken: string;
}

export interface ShellOptions {
  title: string;
  body: string;
  viewer?: Viewer | undefined;
  signOut?: SignOutForm | undefined;
  /** Headings: the shell's h1; sections start at h2. */
  heading?: string;
}

const ROLE_NAMES: Record<Viewer['role'], string> = {
  anonymous: 'visiteur·se',
  learner: 'apprenant·e',
  facilitator: 'animateur·rice',
  admin: 'administrateur·rice',
};

/** Display names AuthService gives API-token sessions. */
const GENERIC_NAMES = new Set(['admin', 'animateur·rice']);

/** A French page with the inline stylesheet and no script. */
export function pageShell(options: ShellOptions): string {
  const viewer = options.viewer;
  let who = '';
  if (viewer && viewer.role !== 'anonymous') {
    const role = ROLE_NAMES[viewer.role];
    // API-token sessions carry a generic name ("Animateur·rice"): say the role once, not twice.
    const generic = !viewer.displayName || GENERIC_NAMES.has(viewer.displayName.toLowerCase());
    const name = generic ? role : `${escapeHtml(viewer.displayName ?? '')} (${role})`;
    who = `<p>Connecté·e en tant ${/^[aeiouyéèêàâîôû]/i.test(name) ? 'qu’' : 'que '}${name}</p>`;
  }
  const signOut = options.signOut
    ? `<form method="post" action="${escapeHtml(options.signOut.action)}">` +
      `<input type="hidden" name="csrf" value="${escapeHtml(options.signOut.csrfToken)}">` +
      '<button type="submit">Se déconnecter</button></form>'
    : '';
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" type="image/svg+xml" href="${FAVICON}">
<style>${DASHBOARD_CSS}</style>
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header class="top"><div class="inner">
<h1>${escapeHtml(options.heading ?? 'Pollen — tableau de bord')}</h1>
<div class="who">${who}${signOut}</div>
</div></header>
${options.body}
</body>
</html>
`;
}
