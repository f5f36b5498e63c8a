/**
 * The facilitators' dashboard, mounted at /dashboard:
 *   GET  /                the dashboard (facilitator, admin); anonymous → sign-in, learner → 403
 *   GET  /apprenant/:id   a learner's page
 *   GET  /export.csv|xlsx the cohort grid for a spreadsheet
 *   GET  /connexion       sign-in form (an API token from the configuration)
 *   POST /connexion       token → short-lived session in the pollen_session cookie → dashboard
 *   POST /deconnexion     ends the session (form token + same origin) → sign-in form
 * Pages are server-side JSX on the web layer (src/web): French, inline CSS and SVG, no script.
 * The agenda's and the directory's dashboard pages are mounted by src/server.ts with this
 * router's gate (createStaffGate).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../auth/cookie.js';
import { AuthError } from '../auth/errors.js';
import type { AuthService } from '../auth/service.js';
import type { CurriculumModule } from '../curriculum/schema.js';
import { NotesService } from '../notes/service.js';
import type { ProgressService } from '../progress/service.js';
import { wikiUserOf } from '../progress/wiki-contributions.js';
import { isStoreUnavailable } from '../store/database.js';
import { isSameOrigin, originOf } from '../web/csrf.js';
import type { Web } from '../web/web.js';
import { wikiPageUrl } from '../wiki/urls.js';
import type { ActionLog } from './actions.js';
import { createStaffGate, DASHBOARD_STYLESHEETS, isStaff, sendSignIn, SESSION_EXPIRED, type StaffContext, type StaffGate } from './access.js';
import { cohortFromStore } from './cohort-data.js';
import { cohortPage, learnerFilter, parseCohortFilter } from './cohort-view.js';
import { learnerRow, loadDashboard, moduleColumns, readWikiChanges, type LearnerRow, type NotesQueueReader, type RecentChangesReader } from './data.js';
import { writeCohortCsv } from './export.js';
import { writeCohortXlsx, XLSX_TYPE } from './export-xlsx.js';
import { LearnerContent } from './learner.js';
import { registerNoteActions } from './note-actions.js';
import { DashboardContent, DashboardNav, parseWikiFilter } from './sections.js';

export { SESSION_EXPIRED };

/** What the dashboard reads; GatewayDeps provides it all. */
export interface DashboardDeps {
  auth?: AuthService | undefined;
  progress?: ProgressService | undefined;
  wiki?: RecentChangesReader | undefined;
  curriculum: readonly CurriculumModule[];
  /** The notes service (GatewayDeps.notes): the dashboard reads its queue. */
  notes?: { readonly queue: NotesQueueReader } | undefined;
  /** The learner space (GatewayDeps.learnerSpace): quiz attempts on the learner's page. */
  learnerSpace?: {
    readonly rows: { attemptsOf(ids: readonly string[]): Promise<ReadonlyMap<string, ReadonlyArray<{ slug: string; score: number; total: number; passed: boolean; createdAt: string }>>> };
    quizActivity(ids: readonly string[]): Promise<ReadonlyMap<string, { failingModules: readonly string[] }>>;
  } | undefined;
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

const signInBody = z.object({ token: z.string().trim().min(1).max(512) });

const NOTE_NOTICES: Record<string, string> = {
  reessayee: 'La note est remise dans la file : elle est republiée maintenant, en arrière-plan. Rechargez la page dans un instant.',
  supprimee: 'La note a été retirée de la file. Le wiki n’a pas été modifié.',
  publiee: 'La note corrigée a été publiée sur le wiki.',
  republiee: 'La note corrigée est dans la file ; voyez son état ci-dessous.',
};

function noteNotice(value: unknown): string | undefined {
  return typeof value === 'string' ? NOTE_NOTICES[value] : undefined;
}


/** The dashboard's Express router, to mount at /dashboard; `gate` is shared with the agenda's and the directory's pages. */
export function createDashboardRouter(deps: DashboardDeps, web: Web, options: DashboardOptions = {}, gate: StaffGate = createStaffGate(deps.auth, web)): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  const home = gate.home;
  const publicOrigin = originOf(web.publicUrl);
  const notesService = deps.notes instanceof NotesService ? deps.notes : undefined;
  router.use(web.ready);
  /**
   * Dashboard pages are built one at a time per process, and the next one starts after a pause
   * twice as long as the last one took: each is tens of milliseconds of rendering and writing 0.3-0.6 MB,
   * and four facilitators reloading it in a loop would otherwise hold the event loop nearly all
   * the time, a visitor's /annuaire waiting behind them at every step. So the dashboards take
   * a third of the process's time at most. The pause comes after the answer: a facilitator alone
   * waits for it only by reloading within those milliseconds. Signing in and the wiki's recent
   * changes come before the turn: a refused visitor takes no turn, and a wiki slow to answer (up
   * to its 5 s timeout) keeps its facilitator waiting, not every facilitator behind them.
   */
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = (work: () => Promise<void>): Promise<void> => {
    let took = 0;
    const run = async () => {
      const started = performance.now();
      try {
        await work();
      } finally {
        took = performance.now() - started;
      }
    };
    const done = turn.then(run, run);
    turn = done.catch(() => undefined).then(() => new Promise((resolve) => setTimeout(resolve, Math.min(2 * took, 1000))));
    return done;
  };

  router.get('/', async (req, res, next) => {
    let context: StaffContext | undefined;
    try {
      context = await gate.page(req, res);
    } catch (err) {
      return next(err);
    }
    if (!context) return;
    // More than shown, so the human/robot filter still has rows to show.
    const wikiSection = readWikiChanges({ wiki: deps.wiki, wikiTimeoutMs: options.wikiTimeoutMs, wikiLimit: options.wikiLimit ?? 50 });
    await wikiSection;
    return inTurn(() => dashboardPage(req, res, next, context, wikiSection));
  });

  async function dashboardPage(req: Request, res: Response, next: NextFunction, context: StaffContext, wikiSection: ReturnType<typeof readWikiChanges>): Promise<void> {
    try {
      const progress = deps.progress;
      if (!progress) {
        return void web.send(res, 503, { title: 'Suivi indisponible', section: 'tableau-de-bord', context, children: <p class="error">Le suivi de progression n’est pas configuré sur ce serveur : le tableau de bord ne peut pas afficher la cohorte.</p> });
      }
      const filter = parseCohortFilter(req.query);
      const data = await loadDashboard({
        // One page of the grid and of the stalled table, figures from aggregates: a few queries at any size.
        cohort: () => cohortFromStore(progress, deps.curriculum, filter, stalledPageOf(req.query.bloques)),
        curriculum: deps.curriculum,
        notes: options.notes ?? deps.notes?.queue,
        // Asked before the turn, with its timeout.
        wikiSection,
        notesLimit: options.notesLimit,
        now: options.now,
        moodleMatch: () => progress.activityMatch(),
      });
      const view = data.grid ?? cohortPage(data.learners, data.modules, filter);
      await markFailedQuizzes(view.learners, data.modules.map((m) => m.slug));
      const recentChangesUrl = deps.wiki ? wikiPageUrl(deps.wiki.apiUrl, 'Spécial:Modifications récentes') : undefined;
      // The buttons post with the session's token: a bearer token has no form to post.
      const noteActions = options.actions && notesService && context.signOut ? { csrf: context.formToken } : undefined;
      web.send(res, 200, {
        title: 'Tableau de bord',
        heading: 'Le tableau de bord de la formation',
        section: 'tableau-de-bord',
        context,
        stylesheets: DASHBOARD_STYLESHEETS,
        children: <DashboardContent data={data} grid={{ base: home, view, wikiFilter: parseWikiFilter(req.query.wiki), recentChangesUrl, noteActions, notice: noteNotice(req.query.note) }} />,
      });
    } catch (err) {
      next(err);
    }
  }

  /**
   * In the embedded mode a quiz lives in the learner space: a module not done whose last attempt
   * failed shows « Échoué » in the grid, as Moodle's failed completions do. One read for the page's rows.
   */
  async function markFailedQuizzes(rows: LearnerRow[], slugs: readonly string[]): Promise<void> {
    if (!deps.learnerSpace || rows.length === 0) return;
    const activity = await deps.learnerSpace.quizActivity(rows.map((r) => r.id));
    for (const row of rows) {
      const failing = new Set(activity.get(row.id)?.failingModules ?? []);
      row.states = row.states.map((state, i) => (state === 'not_started' && failing.has(slugs[i]!) ? 'failed' : state));
    }
  }

  /** Facilitators and admins only, with the progress service; else the refusal is sent. */
  async function withProgress(req: Request, res: Response) {
    const context = await gate.page(req, res);
    if (!context) return undefined;
    if (!deps.progress) {
      return void web.send(res, 503, { title: 'Suivi indisponible', section: 'tableau-de-bord', context, children: <p class="error">Le suivi de progression n’est pas configuré sur ce serveur.</p> });
    }
    return { context, progress: deps.progress };
  }

  /**
   * The cohort grid (filtered as on the page, every page) streamed to the response, page by page
   * from the store: memory stays flat whatever the cohort's size. A store failure before the
   * first byte is the French 500 page; after it, the download is cut (the file is incomplete).
   */
  async function streamExport(req: Request, res: Response, format: 'csv' | 'xlsx'): Promise<void> {
    const access = await withProgress(req, res);
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
  router.get('/export.csv', (req, res, next) => streamExport(req, res, 'csv').catch(next));
  router.get('/export.xlsx', (req, res, next) => streamExport(req, res, 'xlsx').catch(next));

  router.get('/apprenant/:id', async (req, res, next) => {
    try {
      const access = await withProgress(req, res);
      if (!access) return;
      const id = String(req.params.id ?? '');
      // This learner only, by id (never the whole cohort).
      const row = await access.progress.cohortLearner(id);
      if (!row) {
        return void web.send(res, 404, {
          title: 'Apprenant·e introuvable', section: 'tableau-de-bord', context: access.context,
          children: <><p class="error">Personne n’a cet identifiant dans le dernier relevé de progression. Revenez au tableau de bord et choisissez un nom dans la liste.</p><p><a href={home}>Retour au tableau de bord</a></p></>,
        });
      }
      const queue = options.notes ?? deps.notes?.queue;
      const data = {
        id, name: row.learner.displayName, username: row.learner.username, wikiUser: wikiUserOf(row.learner, access.progress.wikiUserMap),
        daysSinceActivity: row.daysSinceActivity, progress: row.progress, history: await access.progress.learnerHistory(id),
        ...(queue?.mentioning ? { notes: await queue.mentioning(row.learner.displayName) } : {}),
        ...(deps.learnerSpace ? { quizAttempts: (await deps.learnerSpace.rows.attemptsOf([id])).get(id) ?? [] } : {}),
      };
      web.send(res, 200, {
        title: `${row.learner.displayName} — tableau de bord`,
        heading: 'Fiche d’apprenant·e',
        section: 'tableau-de-bord',
        context: access.context,
        stylesheets: DASHBOARD_STYLESHEETS,
        children: <><DashboardNav base={home} /><LearnerContent data={data} curriculum={deps.curriculum} wikiApiUrl={deps.wiki?.apiUrl} back={home} /></>,
      });
    } catch (err) {
      next(err);
    }
  });

  if (options.actions && notesService) registerNoteActions(router, { notes: notesService, actions: options.actions, web, gate });

  router.get('/connexion', async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      if (!deps.auth) return void sendSignIn(web, res, 503, { home, context, unavailable: true });
      if (isStaff(context.viewer)) return void res.redirect(303, home);
      sendSignIn(web, res, 200, { home, context, error: req.query.session === 'expiree' ? SESSION_EXPIRED : undefined });
    } catch (err) {
      next(err);
    }
  });

  // The sign-in answers with its status (401, 429...) and the form again: the token typed is
  // never carried back (not even sealed in a cookie), and nothing was changed to redirect from.
  router.post('/connexion', form, async (req, res, next) => {
    const auth = deps.auth;
    const refuse = (status: number, error: string) => sendSignIn(web, res, status, { home, error });
    if (!auth) return void sendSignIn(web, res, 503, { home, unavailable: true });
    if (!isSameOrigin(req.headers, req.protocol, req.host, publicOrigin)) return void refuse(403, 'Ce formulaire doit être envoyé depuis la page de connexion de Pollen. Rechargez-la et réessayez.');
    const parsed = signInBody.safeParse(req.body ?? {});
    if (!parsed.success) return void refuse(400, 'Collez votre jeton d’accès dans le champ, puis validez.');
    try {
      // A token just made by `npm run token -- create` (another process) works at once.
      await auth.refreshStoredTokens();
      // A fresh session id; the one this browser held (a learner's, or one planted before sign-in) is ended.
      const session = await auth.loginWithApiToken(parsed.data.token, { ip: req.ip, replacing: readCookie(req.headers.cookie, SESSION_COOKIE) });
      res.setHeader('Set-Cookie', sessionCookie(session.token, auth.sessionTtlMs / 1000, { secure: req.secure }));
      res.redirect(303, home);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'LOGIN_RATE_LIMITED') {
        const seconds = Number(error.extensions.retryAfterSeconds) || 60;
        res.setHeader('Retry-After', String(Math.ceil(seconds)));
        const minutes = Math.max(1, Math.ceil(seconds / 60));
        return void refuse(429, `Trop de tentatives de connexion échouées. Réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`);
      }
      if (error instanceof AuthError && error.code === 'LOGIN_FAILED') {
        return void refuse(401, 'Ce jeton n’est pas reconnu. Vérifiez que vous l’avez collé en entier, ou demandez-en un à l’administrateur·rice de Pollen.');
      }
      if (isStoreUnavailable(error)) {
        res.setHeader('Retry-After', '30');
        return void refuse(503, 'La base de données de Pollen est injoignable pour le moment : réessayez dans un instant.');
      }
      // Anything else: the server's French 500 page, logged with its cause (src/server.ts).
      next(error);
    }
  });

  // The sign-out of every dashboard page (the agenda's and the moderation's too): back to the sign-in form.
  router.post('/deconnexion', form, async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!cookie) return void web.redirect(req, res, `${home}/connexion`, { notice: 'Vous n’êtes pas connecté·e.' });
      if (!web.checkPost(req, res)) return;
      await deps.auth?.logout(cookie);
      res.append('Set-Cookie', clearedSessionCookie({ secure: req.secure }));
      web.redirect(req, res, `${home}/connexion`, { notice: 'Vous êtes déconnecté·e.' });
    } catch (err) {
      next(err);
    }
  });

  // A form the parser refuses (too many fields, too long, another charset): a French page with
  // the parser's status, never Express's default page with a stack trace.
  router.use((err: { status?: unknown; statusCode?: unknown }, _req: Request, res: Response, next: express.NextFunction) => {
    const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
    if (status === undefined || status < 400 || status >= 500) return next(err);
    web.send(res, status, {
      title: 'Formulaire refusé',
      section: 'tableau-de-bord',
      children: <><p class="error">Le formulaire envoyé n’a pas pu être lu (trop long, trop de champs ou encodage inconnu). Rechargez la page et réessayez.</p><p><a href={`${home}/connexion`}>Retour à la connexion</a></p></>,
    });
  });

  return router;
}
