/**
 * The directory's moderation page of the facilitators' dashboard, mounted at
 * /dashboard/annuaire by src/server.ts with the dashboard's gate (facilitator or admin; the
 * form token of their session and the same origin on every POST, through the web layer):
 *   GET  /            pending declarations and recommendations, page by page, and the history
 *   POST /decision    approve or reject one item, then back to the same pages (post/redirect/get)
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import type { PageContext } from '../web/shell.js';
import type { Web } from '../web/web.js';
import { MODERATION_PAGE_SIZE, MODERATION_STYLESHEET, ModerationContent, moderationQuery, type LinkedProject } from './dashboard.js';
import { DirectoryError } from './model.js';
import type { DirectoryService } from './service.js';

/** What the dashboard lends (src/dashboard/access.tsx): who may open this page and post its forms. */
export interface ModerationGate {
  /** The dashboard's path, linked back to. */
  readonly home: string;
  /** A GET: the staff page context, or undefined once the refusal (sign-in, 403) is sent. */
  page(req: Request, res: Response): Promise<PageContext | undefined>;
  /** A POST: the staff viewer once origin and form token are checked, or undefined once refused. */
  post(req: Request, res: Response): Promise<Viewer | undefined>;
}

const decisionBody = z.object({
  subject: z.enum(['provider', 'recommendation']),
  id: z.string().trim().min(1).max(100),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(500).optional(),
});

const DONE: Record<string, string> = {
  'provider-approve': 'Structure validée.',
  'provider-reject': 'Déclaration refusée ; le motif est conservé.',
  'recommendation-approve': 'Recommandation vérifiée.',
  'recommendation-reject': 'Recommandation refusée ; le motif est conservé.',
};

const pageParam = z.coerce.number().int().min(1).max(1_000_000).catch(1);

function pagesOf(query: Request['query']): { providers: number; recommendations: number } {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  return { providers: pageParam.parse(first(query.declarations)), recommendations: pageParam.parse(first(query.recommandations)) };
}

export interface ModerationOptions {
  /** The accompaniment projects behind linked recommendations, by id (src/matchmaking/projects, wired by src/server.ts). */
  linkedProjects?: ((ids: readonly number[]) => Promise<Map<number, LinkedProject>>) | undefined;
}

export function createModerationRouter(directory: DirectoryService, web: Web, gate: ModerationGate, options: ModerationOptions = {}): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  router.use(web.ready);

  router.get('/', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const pages = pagesOf(req.query);
      const queue = await directory.moderationPage(pages, MODERATION_PAGE_SIZE);
      const linked = queue.recommendations.flatMap((r) => (r.projectId === null ? [] : [r.projectId]));
      const projects = linked.length && options.linkedProjects ? await options.linkedProjects(linked) : new Map<number, LinkedProject>();
      const done = typeof req.query.fait === 'string' ? DONE[req.query.fait] : undefined;
      // A refused decision comes back as the redirect's notice: shown as this page's error.
      const { notice, ...shell } = context;
      const view = {
        base: req.baseUrl, home: gate.home, ...queue, projects, pages, csrfToken: context.formToken,
        flash: done ? { kind: 'ok' as const, text: done } : notice ? { kind: 'error' as const, text: notice } : undefined,
      };
      web.send(res, 200, { title: 'Annuaire : modération', section: 'tableau-de-bord', context: shell, stylesheets: [MODERATION_STYLESHEET], children: <ModerationContent view={view} /> });
    } catch (err) {
      next(err);
    }
  });

  router.post('/decision', form, async (req, res, next) => {
    try {
      const viewer = await gate.post(req, res);
      if (!viewer) return;
      const back = `${req.baseUrl}${moderationQuery(pagesOf(req.query))}`;
      const parsed = decisionBody.safeParse(req.body ?? {});
      if (!parsed.success) return void web.redirect(req, res, back, { notice: 'Cette décision n’a pas pu être lue. Rechargez la page de modération et recommencez.' });
      const { subject, id, decision, reason } = parsed.data;
      try {
        if (subject === 'provider') {
          if (decision === 'approve') await directory.approveProvider(viewer, id, reason || null);
          else await directory.rejectProvider(viewer, id, reason ?? '');
        } else {
          if (decision === 'approve') await directory.verifyRecommendation(viewer, Number(id), reason || null);
          else await directory.rejectRecommendation(viewer, Number(id), reason ?? '');
        }
        web.redirect(req, res, `${back}${back.includes('?') ? '&' : '?'}fait=${subject}-${decision}`);
      } catch (err) {
        if (!(err instanceof DirectoryError)) throw err;
        web.redirect(req, res, back, { notice: err.message });
      }
    } catch (err) {
      next(err);
    }
  });
  return router;
}
