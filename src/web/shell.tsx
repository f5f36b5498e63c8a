/**
 * The shell of every page: French, one stylesheet inlined (plus a concept's own, each allowed
 * by its hash), a skip link, the site's navigation, who is signed in with a sign-out button,
 * the notice a redirect carried, and no script at all.
 */
import type { ComponentChildren } from 'preact';
import type { Viewer } from '../auth/viewer.js';
import { FAVICON } from './favicon.js';
import { WEB_STYLESHEET, type Stylesheet } from './styles.js';

/** Where the sign-out form posts and its token: present when the request came with a session cookie. */
export interface SignOutForm {
  action: string;
  csrfToken: string;
}

/** What every page knows about the request (src/web/web.tsx builds it). */
export interface PageContext {
  viewer: Viewer;
  signOut?: SignOutForm | undefined;
  /** The token every form of this page carries (`csrf` field). */
  formToken: string;
  /** The notice the previous action left (post/redirect/get). */
  notice?: string | undefined;
}

/** The site's sections, for the navigation's aria-current. */
export type Section = 'accueil' | 'parcours' | 'mon-parcours' | 'agenda' | 'annuaire' | 'besoins-logiciels' | 'tableau-de-bord' | 'connexion' | 'autre';

export interface PageProps {
  /** The document's title; " — Pollen" is added. */
  title: string;
  /** The page's h1 (default: the title). */
  heading?: string;
  /** A line under the h1. */
  lead?: ComponentChildren;
  section?: Section;
  context?: PageContext | undefined;
  /** A concept's own rules, on top of the shared stylesheet. */
  stylesheets?: readonly Stylesheet[];
  children?: ComponentChildren;
}

const ROLE_NAMES: Record<Viewer['role'], string> = {
  anonymous: 'visiteur·se',
  learner: 'apprenant·e',
  facilitator: 'animateur·rice',
  admin: 'administrateur·rice',
};

/** Display names AuthService gives API-token sessions. */
const GENERIC_NAMES = new Set(['admin', 'animateur·rice']);

/** "Connecté·e en tant qu’animateur·rice", "Connecté·e en tant que Inès (apprenant·e)". */
export function signedInAs(viewer: Viewer): string | undefined {
  if (viewer.role === 'anonymous') return undefined;
  const role = ROLE_NAMES[viewer.role];
  const generic = !viewer.displayName || GENERIC_NAMES.has(viewer.displayName.toLowerCase());
  const name = generic ? role : `${viewer.displayName} (${role})`;
  return `Connecté·e en tant ${/^[aeiouyéèêàâîôû]/i.test(name) ? 'qu’' : 'que '}${name}`;
}

const NAV: ReadonlyArray<{ section: Section; href: string; text: string }> = [
  { section: 'accueil', href: '/', text: 'Accueil' },
  { section: 'parcours', href: '/parcours', text: 'Parcours' },
  { section: 'agenda', href: '/agenda', text: 'Agenda' },
  { section: 'annuaire', href: '/annuaire', text: 'Annuaire' },
  { section: 'besoins-logiciels', href: '/besoins-logiciels', text: 'Besoins logiciels' },
];

export function Page(props: PageProps) {
  const viewer = props.context?.viewer;
  const who = viewer ? signedInAs(viewer) : undefined;
  const staff = viewer?.role === 'facilitator' || viewer?.role === 'admin';
  const signOut = props.context?.signOut;
  const links = staff ? [...NAV, { section: 'tableau-de-bord' as const, href: '/dashboard', text: 'Tableau de bord' }]
    : viewer?.role === 'learner' ? [...NAV, { section: 'mon-parcours' as const, href: '/mon-parcours', text: 'Mon parcours' }]
    : NAV;
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} — Pollen`}</title>
        <link rel="icon" type="image/svg+xml" href={FAVICON} />
        <link rel="stylesheet" href={WEB_STYLESHEET.href} />
        {props.stylesheets?.map((sheet) => <link rel="stylesheet" href={sheet.href} />)}
      </head>
      <body>
        <a class="skip" href="#contenu">Aller au contenu</a>
        <header class="top">
          <div class="inner">
            <p><strong>Pollen</strong></p>
            <div class="who">
              {who ? <p>{who}</p> : props.section === 'connexion' ? null : <p><a href="/connexion">Se connecter</a></p>}
              {signOut ? (
                <form method="post" action={signOut.action}>
                  <input type="hidden" name="csrf" value={signOut.csrfToken} />
                  <button type="submit">Se déconnecter</button>
                </form>
              ) : null}
            </div>
          </div>
        </header>
        <nav class="site" aria-label="Navigation principale">
          <ul>
            {links.map((link) => (
              <li><a href={link.href} aria-current={link.section === props.section ? 'page' : undefined}>{link.text}</a></li>
            ))}
          </ul>
        </nav>
        <main id="contenu" tabindex={-1}>
          <h1>{props.heading ?? props.title}</h1>
          {props.lead ? <p class="lead">{props.lead}</p> : null}
          {props.context?.notice ? <p class="ok" role="status">{props.context.notice}</p> : null}
          {props.children}
        </main>
        <footer class="site">
          <p>Pollen : la formation, l’agenda et l’annuaire d’un réseau d’associations qui passent au logiciel libre. <a href="/graphql">API GraphQL</a></p>
        </footer>
      </body>
    </html>
  );
}
