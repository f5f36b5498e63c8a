/** Whole HTML pages: the shell, the sign-in form, the refusal and "not configured" pages. */
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

export interface SignInPageOptions {
  action: string;
  /** A French error to show above the form (never the token typed). */
  error?: string | undefined;
  /** Shown when signing in is not configured at all. */
  unavailable?: boolean;
}

/** The sign-in form: a facilitator or admin pastes their API token. */
export function signInPage(options: SignInPageOptions): string {
  const error = options.error ? `<p class="error" role="alert" id="erreur-connexion">${escapeHtml(options.error)}</p>` : '';
  const form = options.unavailable
    ? '<p class="notice">La connexion au tableau de bord n’est pas configurée sur ce serveur : l’administrateur·rice doit définir des jetons d’animation (POLLEN_FACILITATOR_TOKENS).</p>'
    : `<form class="signin" method="post" action="${escapeHtml(options.action)}"${options.error ? ' aria-describedby="erreur-connexion"' : ''}>
<label for="jeton">Jeton d’accès (API)</label>
<p class="hint" id="aide-jeton">Collez le jeton d’animation que l’administrateur·rice de Pollen vous a remis. Il n’est pas conservé dans votre navigateur : une session de courte durée le remplace.</p>
<input id="jeton" name="token" type="password" autocomplete="off" required maxlength="512" aria-describedby="aide-jeton">
<p><button class="primary" type="submit">Se connecter</button></p>
</form>`;
  return pageShell({
    title: 'Connexion — tableau de bord Pollen',
    body: `<main id="contenu">
<h2>Connexion</h2>
<p>Le tableau de bord est réservé aux animateur·rices et aux administrateur·rices de la formation.</p>
${error}
${form}
</main>`,
  });
}

/** 403: signed in, but not as a facilitator or admin. */
export function forbiddenPage(viewer: Viewer, signOut: SignOutForm | undefined): string {
  return pageShell({
    title: 'Accès refusé — tableau de bord Pollen',
    viewer,
    signOut,
    body: `<main id="contenu">
<h2>Accès refusé</h2>
<p class="error">Le tableau de bord de la cohorte est réservé aux animateur·rices et aux administrateur·rices. Votre compte d’apprenant·e donne accès à votre propre progression seulement.</p>
<p>Pour consulter le tableau de bord, déconnectez-vous puis connectez-vous avec un jeton d’animation.</p>
</main>`,
  });
}

/** A plain French message page (bad request, expired form…). */
export function messagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return pageShell({
    title: `${title} — tableau de bord Pollen`,
    body: `<main id="contenu">
<h2>${escapeHtml(title)}</h2>
<p class="error">${escapeHtml(message)}</p>
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}
</main>`,
  });
}
