/**
 * The facilitators' dashboard, mounted at /dashboard:
 *   GET  /                the dashboard (facilitator, admin); anonymous → sign-in, learner → 403
 *   GET  /connexion       sign-in form (an API token from the configuration)
 *   POST /connexion       token → short-lived session in the pollen_session cookie → dashboard
 *   POST /deconnexion     ends the session (form token + same origin)
 * Pages are server-rendered French HTML with inline CSS and SVG, and no script at all.
 */
import { isStoreUnavailable } from '../store/database.js';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../auth/cookie.js';
import { createAgendaDashboardRouter } from '../agenda/dashboard-routes.js';
import type { AgendaService } from '../agenda/service.js';
import { AuthError } from '../auth/errors.js';
import type { AuthService } from '../auth/service.js';
import { hashToken } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import type { ProgressService } from '../progress/service.js';
import { csrfTokensFor, isSameOrigin } from './csrf.js';
import { cohortFromStore } from './cohort-data.js';
import { cohortPage, learnerFilter, parseCohortFilter } from './cohort-view.js';
import { learnerRow, loadDashboard, moduleColumns, type LearnerRow, type NotesQueueReader, type RecentChangesReader } from './data.js';
import { writeCohortCsv } from './export.js';
import { writeCohortXlsx, XLSX_TYPE } from './export-xlsx.js';
import type { ActionLog } from './actions.js';
import { registerNoteActions } from './note-actions.js';
import { NotesService } from '../notes/service.js';
import { learnerPageBody } from './learner.js';
import { wikiUserOf } from '../progress/wiki-contributions.js';
import { forbiddenPage, messagePage, pageShell, signInPage, type SignOutForm } from './pages.js';
import { dashboardBody, parseWikiFilter } from './sections.js';
import { pageUrl } from '../graphql/datasources/wiki.js';
import { DASHBOARD_CSS_HASH } from './styles.js';

/** What the dashboard reads; GatewayDeps provides it all. */
export interface DashboardDeps {
  auth?: AuthService | undefined;
  progress?: ProgressService | undefined;
  wiki?: RecentChangesReader | undefined;
  curriculum: readonly CurriculumModule[];
  /** The notes service (GatewayDeps.notes): the dashboard reads its queue. */
  notes?: { readonly queue: NotesQueueReader } | undefined;
  /** The agenda (GatewayDeps.agenda): its pages at /dashboard/agenda. */
  agenda?: AgendaService | undefined;
}

export interface DashboardOptions {
  /** The notes queue; default: `deps.notes.queue`. Neither: its section says it is not connected. */
  notes?: NotesQueueReader | undefined;
  /** A wiki slower than this is shown as unreachable. Default 5000 ms. */
  wikiTimeoutMs?: number;
  /** Wiki changes and queue entries shown. Defaults 15 and 10. */
  wikiLimit?: number;
  notesLimit?: number;
  /** Clock for "generated at", for tests. */
  now?: () => Date;
  /** Where facilitators' actions are recorded; set, the notes section gets its buttons. */
  actions?: ActionLog | undefined;
}

/** The stalled table's page asked for (`?bloques=3`); anything unreadable is page 1. */
function stalledPageOf(value: unknown): number {
  return z.coerce.number().int().min(1).max(100_000).catch(1).parse(Array.isArray(value) ? value[0] : value);
}

/** Learners read from the store at a time by the exports. */
const EXPORT_PAGE_SIZE = 500;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${DASHBOARD_CSS_HASH}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const SESSION_EXPIRED = 'Votre session a expiré, reconnectez-vous.';

const signInBody = z.object({ token: z.string().trim().min(1).max(512) });

const DASHBOARD_ROLES: ReadonlySet<Viewer['role']> = new Set(['facilitator', 'admin']);

const NOTE_NOTICES: Record<string, string> = {
  reessayee: 'La note est remise dans la file : elle est republiée maintenant, en arrière-plan. Rechargez la page dans un instant.',
  supprimee: 'La note a été retirée de la file. Le wiki n’a pas été modifié.',
  publiee: 'La note corrigée a été publiée sur le wiki.',
  republiee: 'La note corrigée est dans la file ; voyez son état ci-dessous.',
};

function noteNotice(value: unknown): string | undefined {
  return typeof value === 'string' ? NOTE_NOTICES[value] : undefined;
}

/** The dashboard's Express router, to mount at /dashboard. */
export function createDashboardRouter(deps: DashboardDeps, options: DashboardOptions = {}): Router {
  const router = express.Router();
  const csrf = csrfTokensFor(deps.auth);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  router.use((_req, res, next) => {
    res.set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });
  // The form key is shared by every process (read once from the store or derived from POLLEN_SECRET_KEY).
  router.use(csrf.middleware);

  // The dashboard's own paths, also from the pages of its sub-routers (/dashboard/agenda...):
  // their req.baseUrl is the sub-router's, so the dashboard's is kept when a request enters it.
  router.use((req, res, next) => {
    res.locals.dashboardBase ??= req.baseUrl;
    next();
  });
  const paths = (req: Request) => {
    const base = (req.res?.locals.dashboardBase as string | undefined) ?? req.baseUrl;
    return { home: base || '/', signIn: `${base}/connexion`, signOut: `${base}/deconnexion` };
  };

  /** The viewer, and the sign-out form when the request carries a live session cookie. */
  async function whoIs(req: Request): Promise<{ viewer: Viewer; signOut: SignOutForm | undefined; expired: boolean }> {
    if (!deps.auth) return { viewer: { role: 'anonymous', learnerId: null, displayName: null }, signOut: undefined, expired: false };
    const { viewer, sessionHash, credentialRejected } = await deps.auth.authenticate(req);
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    // The cookie's session is the one authenticate() found (a bearer token would not be signed out by a form).
    const signOut = sessionHash && cookie && hashToken(cookie) === sessionHash
      ? { action: paths(req).signOut, csrfToken: csrf.tokenFor(cookie) }
      : undefined;
    return { viewer, signOut, expired: credentialRejected };
  }

  const html = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);

  router.get('/', async (req, res) => {
    if (!deps.auth) return html(res, 503, signInPage({ action: paths(req).signIn, unavailable: true }));
    const { viewer, signOut, expired } = await whoIs(req);
    // A session cookie that matches nothing (expired, or replayed after sign-out): say so.
    if (viewer.role === 'anonymous') return res.redirect(303, expired ? `${paths(req).signIn}?session=expiree` : paths(req).signIn);
    if (!DASHBOARD_ROLES.has(viewer.role)) return html(res, 403, forbiddenPage(viewer, signOut));
    const progress = deps.progress;
    if (!progress) {
      return html(res, 503, messagePage('Suivi indisponible', 'Le suivi de progression n’est pas configuré sur ce serveur : le tableau de bord ne peut pas afficher la cohorte.'));
    }
    try {
      const filter = parseCohortFilter(req.query);
      const data = await loadDashboard({
        // One page of the grid and of the stalled table, figures from aggregates: a few queries at any size.
        cohort: () => cohortFromStore(progress, deps.curriculum, filter, stalledPageOf(req.query.bloques)),
        curriculum: deps.curriculum,
        wiki: deps.wiki,
        notes: options.notes ?? deps.notes?.queue,
        wikiTimeoutMs: options.wikiTimeoutMs,
        // More than shown, so the human/robot filter still has rows to show.
        wikiLimit: options.wikiLimit ?? 50,
        notesLimit: options.notesLimit,
        now: options.now,
        moodleMatch: () => progress.activityMatch(),
      });
      const view = data.grid ?? cohortPage(data.learners, data.modules, filter);
      const recentChangesUrl = deps.wiki ? pageUrl(deps.wiki.apiUrl, 'Spécial:Modifications récentes') : undefined;
      const noteActions = options.actions && notesService && signOut ? { csrf: signOut.csrfToken } : undefined;
      const body = dashboardBody(data, { base: paths(req).home, view, wikiFilter: parseWikiFilter(req.query.wiki), recentChangesUrl, noteActions, notice: noteNotice(req.query.note) });
      return html(res, 200, pageShell({ title: 'Tableau de bord — Pollen', viewer, signOut, body }));
    } catch {
      return html(res, 500, messagePage('Erreur', 'Le tableau de bord n’a pas pu lire la base locale. Réessayez dans un instant ; si cela continue, prévenez l’administrateur·rice.'));
    }
  });

  if (deps.agenda) {
    // The agenda's pages (src/agenda) under the same sign-in, roles and form protections.
    router.use('/agenda', createAgendaDashboardRouter(deps.agenda, {
      async staff(req, res) {
        const signIn = paths(req).signIn;
        if (!deps.auth) return void html(res, 503, signInPage({ action: signIn, unavailable: true }));
        const { viewer, signOut } = await whoIs(req);
        if (viewer.role === 'anonymous') return void res.redirect(303, signIn);
        if (!DASHBOARD_ROLES.has(viewer.role)) return void html(res, 403, forbiddenPage(viewer, signOut));
        const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
        return { viewer, signOut, csrfToken: cookie ? csrf.tokenFor(cookie) : '' };
      },
      verifyForm(req) {
        const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
        return !!cookie && isSameOrigin(req.headers, req.protocol, req.host) && csrf.verify(cookie, (req.body as Record<string, unknown> | undefined)?.csrf);
      },
    }));
  }

  /** Facilitators and admins only; anyone else gets the same answers as the dashboard itself. */
  async function facilitator(req: Request, res: Response): Promise<{ viewer: Viewer; signOut: SignOutForm | undefined } | undefined> {
    if (!deps.auth) return void html(res, 503, signInPage({ action: paths(req).signIn, unavailable: true }));
    const { viewer, signOut, expired } = await whoIs(req);
    if (viewer.role === 'anonymous') return void res.redirect(303, expired ? `${paths(req).signIn}?session=expiree` : paths(req).signIn);
    if (!DASHBOARD_ROLES.has(viewer.role)) return void html(res, 403, forbiddenPage(viewer, signOut));
    return { viewer, signOut };
  }

  async function facilitatorOnly(req: Request, res: Response): Promise<{ viewer: Viewer; signOut: SignOutForm | undefined; progress: ProgressService } | undefined> {
    const who = await facilitator(req, res);
    if (!who) return undefined;
    const { viewer, signOut } = who;
    if (!deps.progress) return void html(res, 503, messagePage('Suivi indisponible', 'Le suivi de progression n’est pas configuré sur ce serveur.'));
    return { viewer, signOut, progress: deps.progress };
  }

  /**
   * The cohort grid (filtered as on the page, every page) streamed to the response, page by page
   * from the store: memory stays flat whatever the cohort's size. A store failure before the
   * first byte is the French 500 page; after it, the download is cut (the file is incomplete).
   */
  async function streamExport(req: Request, res: Response, format: 'csv' | 'xlsx'): Promise<void> {
    const access = await facilitatorOnly(req, res);
    if (!access) return;
    const modules = moduleColumns(deps.curriculum, deps.curriculum);
    const keep = learnerFilter(modules, parseCohortFilter(req.query));
    const progress = access.progress;
    async function* rows(): AsyncGenerator<LearnerRow[]> {
      for await (const page of progress.cohortLearnerPages(EXPORT_PAGE_SIZE)) {
        const kept = page.map((row) => learnerRow(row, modules)).filter(keep);
        if (kept.length) yield kept;
      }
    }
    const day = (options.now?.() ?? new Date()).toISOString().slice(0, 10);
    res.status(200).type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="pollen-cohorte-${day}.${format}"`);
    try {
      if (format === 'csv') await writeCohortCsv(res, modules, rows());
      else await writeCohortXlsx(res, modules, rows());
    } catch (error) {
      if (!res.headersSent) throw error;
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  // The cohort grid for a spreadsheet, as CSV and as XLSX.
  router.get('/export.csv', (req, res) => streamExport(req, res, 'csv'));
  router.get('/export.xlsx', (req, res) => streamExport(req, res, 'xlsx'));

  router.get('/apprenant/:id', async (req, res) => {
    const access = await facilitatorOnly(req, res);
    if (!access) return;
    const id = String(req.params.id ?? '');
    // This learner only, by id (never the whole cohort).
    const row = await access.progress.cohortLearner(id);
    if (!row) {
      return html(res, 404, messagePage('Apprenant·e introuvable', 'Personne n’a cet identifiant dans le dernier relevé de progression. Revenez au tableau de bord et choisissez un nom dans la liste.', { href: paths(req).home, text: 'Retour au tableau de bord' }));
    }
    const queue = options.notes ?? deps.notes?.queue;
    const body = learnerPageBody(
      {
        id, name: row.learner.displayName, username: row.learner.username, wikiUser: wikiUserOf(row.learner, access.progress.wikiUserMap),
        daysSinceActivity: row.daysSinceActivity, progress: row.progress, history: await access.progress.learnerHistory(id),
        ...(queue?.mentioning ? { notes: await queue.mentioning(row.learner.displayName) } : {}),
      },
      deps.curriculum, deps.wiki?.apiUrl, paths(req).home,
    );
    return html(res, 200, pageShell({ title: `${row.learner.displayName} — tableau de bord Pollen`, viewer: access.viewer, signOut: access.signOut, body }));
  });

  const notesService = deps.notes instanceof NotesService ? deps.notes : undefined;
  if (options.actions && notesService) {
    registerNoteActions(router, { notes: notesService, actions: options.actions, csrf, facilitator, home: (req) => paths(req).home });
  }

  router.get('/connexion', async (req, res) => {
    if (!deps.auth) return html(res, 503, signInPage({ action: paths(req).signIn, unavailable: true }));
    if (DASHBOARD_ROLES.has((await whoIs(req)).viewer.role)) return res.redirect(303, paths(req).home);
    const expired = req.query.session === 'expiree';
    return html(res, 200, signInPage({ action: paths(req).signIn, ...(expired ? { error: SESSION_EXPIRED } : {}) }));
  });

  router.post('/connexion', form, async (req, res) => {
    const auth = deps.auth;
    const action = paths(req).signIn;
    if (!auth) return html(res, 503, signInPage({ action, unavailable: true }));
    if (!isSameOrigin(req.headers, req.protocol, req.host)) {
      return html(res, 403, signInPage({ action, error: 'Ce formulaire doit être envoyé depuis la page de connexion de Pollen. Rechargez-la et réessayez.' }));
    }
    const parsed = signInBody.safeParse(req.body ?? {});
    if (!parsed.success) return html(res, 400, signInPage({ action, error: 'Collez votre jeton d’accès dans le champ, puis validez.' }));
    try {
      // A token just made by `npm run token -- create` (another process) works at once.
      await auth.refreshStoredTokens();
      const session = await auth.loginWithApiToken(parsed.data.token, { ip: req.ip });
      res.setHeader('Set-Cookie', sessionCookie(session.token, auth.sessionTtlMs / 1000, { secure: req.secure }));
      return res.redirect(303, paths(req).home);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'LOGIN_RATE_LIMITED') {
        const seconds = Number(error.extensions.retryAfterSeconds) || 60;
        res.setHeader('Retry-After', String(Math.ceil(seconds)));
        const minutes = Math.max(1, Math.ceil(seconds / 60));
        return html(res, 429, signInPage({ action, error: `Trop de tentatives de connexion échouées. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.` }));
      }
      if (error instanceof AuthError && error.code === 'LOGIN_FAILED') {
        return html(res, 401, signInPage({ action, error: 'Ce jeton n’est pas reconnu. Vérifiez que vous l’avez collé en entier, ou demandez-en un à l’administrateur·rice de Pollen.' }));
      }
      if (isStoreUnavailable(error)) {
        res.setHeader('Retry-After', '30');
        return html(res, 503, signInPage({ action, error: 'La base de données de Pollen est injoignable pour le moment : réessayez dans un instant.' }));
      }
      // Anything else: the server's French 500 page, logged with its cause (src/server.ts).
      throw error;
    }
  });

  router.post('/deconnexion', form, async (req, res) => {
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    const token: unknown = (req.body as Record<string, unknown> | undefined)?.csrf;
    if (!cookie || !isSameOrigin(req.headers, req.protocol, req.host) || !csrf.verify(cookie, token)) {
      return html(res, 403, messagePage('Déconnexion refusée', 'Ce formulaire a expiré ou ne vient pas de Pollen. Rechargez le tableau de bord et utilisez son bouton « Se déconnecter ».', { href: paths(req).home, text: 'Retour au tableau de bord' }));
    }
    await deps.auth?.logout(cookie);
    res.setHeader('Set-Cookie', clearedSessionCookie({ secure: req.secure }));
    return res.redirect(303, paths(req).signIn);
  });

  // A form the parser refuses (too many fields, too long, another charset): a French page with
  // the parser's status, never Express's default page with a stack trace.
  router.use((err: { status?: unknown; statusCode?: unknown; type?: unknown }, _req: Request, res: Response, next: express.NextFunction) => {
    const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
    if (status === undefined || status < 400 || status >= 500) return next(err);
    res
      .status(status)
      .type('html')
      .send(messagePage('Formulaire refusé', 'Le formulaire envoyé n’a pas pu être lu (trop long, trop de champs ou encodage inconnu). Rechargez la page et réessayez.', { href: 'connexion', text: 'Retour à la connexion' }));
  });

  return router;
}
