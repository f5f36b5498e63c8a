/**
 * The directory's moderation page of the facilitators' dashboard, mounted at /dashboard/annuaire:
 *   GET  /            pending declarations and recommendations, history (facilitator, admin)
 *   POST /decision    approve or reject one item (form token + same origin), then back to GET
 * Same sign-in as the dashboard (its session cookie), same headers, no script.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { readCookie, SESSION_COOKIE } from '../auth/cookie.js';
import type { AuthService } from '../auth/service.js';
import { csrfTokensFor, isSameOrigin } from '../web/csrf.js';
import { forbiddenPage, messagePage, pageShell } from '../dashboard/pages.js';
import { DASHBOARD_CSS_HASH } from '../web/styles.js';
import { moderationSection } from './dashboard.js';
import { DirectoryError } from './model.js';
import type { DirectoryService } from './service.js';

const decisionBody = z.object({
  csrf: z.string().max(100),
  subject: z.enum(['provider', 'recommendation']),
  id: z.string().trim().min(1).max(100),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(500).optional(),
});

const FLASH: Record<string, string> = {
  'provider-approve': 'Structure validée.',
  'provider-reject': 'Déclaration refusée ; le motif est conservé.',
  'recommendation-approve': 'Recommandation vérifiée.',
  'recommendation-reject': 'Recommandation refusée ; le motif est conservé.',
};

export function createModerationRouter(directory: DirectoryService, auth: AuthService | undefined): Router {
  const router = express.Router();
  const csrf = csrfTokensFor(auth);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  router.use((_req, res, next) => {
    res.set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; style-src ${DASHBOARD_CSS_HASH}; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });
  // The form key is shared by every process (read once from the store or derived from POLLEN_SECRET_KEY).
  router.use(csrf.middleware);

  async function who(req: express.Request) {
    if (!auth) return undefined;
    const { viewer } = await auth.authenticate(req);
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    return { viewer, cookie: cookie || undefined };
  }

  router.get('/', async (req, res) => {
    const me = await who(req);
    if (!me || me.viewer.role === 'anonymous') return res.redirect(303, '/dashboard/connexion');
    if (me.viewer.role !== 'facilitator' && me.viewer.role !== 'admin') return res.status(403).type('html').send(forbiddenPage(me.viewer, undefined));
    const done = typeof req.query.fait === 'string' ? FLASH[req.query.fait] : undefined;
    const failed = typeof req.query.erreur === 'string' ? req.query.erreur.slice(0, 300) : undefined;
    try {
      const queue = await directory.moderationQueue();
      const body = moderationSection({
        providers: queue.providers,
        recommendations: queue.recommendations,
        history: await directory.recentHistory(20),
        csrfToken: me.cookie ? csrf.tokenFor(me.cookie) : '',
        action: `${req.baseUrl}/decision`,
        flash: done ? { kind: 'ok', text: done } : failed ? { kind: 'error', text: failed } : undefined,
      });
      return res.type('html').send(pageShell({ title: 'Annuaire : modération — Pollen', viewer: me.viewer, body }));
    } catch {
      return res.status(500).type('html').send(messagePage('Erreur', 'La modération de l’annuaire n’a pas pu lire la base. Réessayez dans un instant.'));
    }
  });

  router.post('/decision', form, async (req, res) => {
    const me = await who(req);
    const parsed = decisionBody.safeParse(req.body ?? {});
    if (!me?.cookie || !isSameOrigin(req.headers, req.protocol, req.host) || !parsed.success || !csrf.verify(me.cookie, parsed.data.csrf)) {
      return res.status(403).type('html').send(messagePage('Décision refusée', 'Ce formulaire a expiré ou ne vient pas de Pollen. Rechargez la page de modération et recommencez.', { href: req.baseUrl || '/dashboard/annuaire', text: 'Retour à la modération' }));
    }
    if (me.viewer.role !== 'facilitator' && me.viewer.role !== 'admin') return res.status(403).type('html').send(forbiddenPage(me.viewer, undefined));
    const { subject, id, decision, reason } = parsed.data;
    try {
      if (subject === 'provider') {
        if (decision === 'approve') await directory.approveProvider(me.viewer, id, reason || null);
        else await directory.rejectProvider(me.viewer, id, reason ?? '');
      } else {
        if (decision === 'approve') await directory.verifyRecommendation(me.viewer, Number(id), reason || null);
        else await directory.rejectRecommendation(me.viewer, Number(id), reason ?? '');
      }
      return res.redirect(303, `${req.baseUrl}?fait=${subject}-${decision}`);
    } catch (err) {
      const message = err instanceof DirectoryError ? err.message : 'La décision n’a pas pu être enregistrée. Réessayez dans un instant.';
      return res.redirect(303, `${req.baseUrl}?erreur=${encodeURIComponent(message)}`);
    }
  });
  return router;
}
