/**
 * Who may open the dashboard's pages (its own, the agenda's and the directory's moderation,
 * which src/server.ts hands this gate): facilitators and admins. Anyone else gets the same
 * answers everywhere: the sign-in page (anonymous, or "session expired" for a dead cookie),
 * a French 403 (a learner), a 503 when signing in is not configured.
 */
import type { Request, RequestHandler, Response } from 'express';
import { readCookie, SESSION_COOKIE } from '../auth/cookie.js';
import type { AuthService } from '../auth/service.js';
import type { Viewer } from '../auth/viewer.js';
import type { RefusedForm } from '../web/flash.js';
import type { PageContext } from '../web/shell.js';
import type { Web } from '../web/web.js';
import { DASHBOARD_STYLESHEET } from './styles.js';

export const SESSION_EXPIRED = 'Votre session a expiré, reconnectez-vous.';

/** A dashboard page's context: the web layer's, its sign-out posting to the dashboard's own. */
export type StaffContext = PageContext & { refused?: RefusedForm | undefined; viewer: Viewer };

export interface StaffGate {
  /** The dashboard's path (/dashboard): its home, sign-in and sign-out are under it. */
  readonly home: string;
  /** A GET: the staff page context, or undefined once the refusal is sent. */
  page(req: Request, res: Response): Promise<StaffContext | undefined>;
  /** A POST: the staff viewer once the form's origin and token are checked, or undefined once refused. */
  post(req: Request, res: Response): Promise<Viewer | undefined>;
}

const DASHBOARD_ROLES: ReadonlySet<Viewer['role']> = new Set(['facilitator', 'admin']);

export function isStaff(viewer: Viewer): boolean {
  return DASHBOARD_ROLES.has(viewer.role);
}

/**
 * Dashboard pages are never stored, not even by the browser's own cache (names and progress
 * of learners): `no-store` replaces the web layer's `private, no-cache` just before the headers go.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    if (!this.headersSent) this.setHeader('Cache-Control', 'no-store');
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  next();
};

/** The sign-in form: a facilitator or admin pastes their API token. */
export function SignInForm(props: { action: string; error?: string | undefined; unavailable?: boolean }) {
  return (
    <>
      <p>Le tableau de bord est réservé aux animateur·rices et aux administrateur·rices de la formation.</p>
      {props.error ? <p class="error" role="alert" id="erreur-connexion">{props.error}</p> : null}
      {props.unavailable ? (
        <p class="notice">La connexion au tableau de bord n’est pas configurée sur ce serveur : l’administrateur·rice doit définir des jetons d’animation (POLLEN_FACILITATOR_TOKENS).</p>
      ) : (
        <form class="signin" method="post" action={props.action} aria-describedby={props.error ? 'erreur-connexion' : undefined}>
          <label for="jeton">Jeton d’accès (API)</label>
          <p class="hint" id="aide-jeton">Collez le jeton d’animation que l’administrateur·rice de Pollen vous a remis. Il n’est pas conservé dans votre navigateur : une session de courte durée le remplace.</p>
          <input id="jeton" name="token" type="password" autocomplete="off" required maxLength={512} aria-describedby="aide-jeton" />
          <p><button class="primary" type="submit">Se connecter</button></p>
        </form>
      )}
    </>
  );
}

/** Sends the sign-in page (200, or the status of a refusal with its French error). */
export function sendSignIn(web: Web, res: Response, status: number, props: { home: string; context?: PageContext | undefined; error?: string | undefined; unavailable?: boolean }): void {
  web.send(res, status, {
    title: 'Connexion au tableau de bord',
    section: 'connexion',
    context: props.context,
    children: <SignInForm action={`${props.home}/connexion`} error={props.error} unavailable={props.unavailable} />,
  });
}

/** The dashboard's gate over the web layer; `home` is where the dashboard is mounted. */
export function createStaffGate(auth: AuthService | undefined, web: Web, home = '/dashboard'): StaffGate {
  async function page(req: Request, res: Response): Promise<StaffContext | undefined> {
    const context = await web.context(req, res);
    if (!auth) return void sendSignIn(web, res, 503, { home, context, unavailable: true });
    const viewer = context.viewer;
    if (viewer.role === 'anonymous') {
      // A credential that matches nothing (expired, or replayed after sign-out): the sign-in page says so.
      const expired = !!readCookie(req.headers.cookie, SESSION_COOKIE) || !!req.headers.authorization;
      return void res.redirect(303, expired ? `${home}/connexion?session=expiree` : `${home}/connexion`);
    }
    if (!isStaff(viewer)) {
      web.send(res, 403, {
        title: 'Accès refusé',
        section: 'tableau-de-bord',
        context,
        children: (
          <>
            <p class="error">Le tableau de bord de la cohorte est réservé aux animateur·rices et aux administrateur·rices. Votre compte d’apprenant·e donne accès à votre propre progression seulement.</p>
            <p>Pour consulter le tableau de bord, déconnectez-vous puis connectez-vous avec un jeton d’animation.</p>
          </>
        ),
      });
      return undefined;
    }
    // The sign-out of the dashboard's pages goes back to the dashboard's sign-in.
    const signOut = context.signOut ? { ...context.signOut, action: `${home}/deconnexion` } : undefined;
    return { ...context, signOut, viewer };
  }

  async function post(req: Request, res: Response): Promise<Viewer | undefined> {
    const context = await page(req, res);
    if (!context) return undefined;
    return web.checkPost(req, res) ? context.viewer : undefined;
  }

  return { home, page, post };
}

/** The stylesheets of every dashboard page. */
export const DASHBOARD_STYLESHEETS = [DASHBOARD_STYLESHEET] as const;
