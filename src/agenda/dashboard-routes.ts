/**
 * The agenda pages of the dashboard, mounted at /dashboard/agenda by src/dashboard/routes.ts,
 * which hands over its access checks (facilitator or admin session, CSRF token, same origin):
 *   GET  /                         form, upcoming sessions, missing minutes with attendance
 *   POST /sessions                 creates a session
 *   GET  /sessions/:id             a session's registrations
 *   POST /sessions/:id/modifier    changes a session (the form on its page)
 *   POST /sessions/:id/presence    marks a registration present or absent
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Viewer } from '../auth/viewer.js';
import { messagePage, pageShell, type SignOutForm } from '../dashboard/pages.js';
import { agendaDashboardBody, sessionDashboardBody, type AgendaDashboardView, type SessionEditView, type SessionFormValues } from './dashboard.js';
import { AgendaError } from './errors.js';
import type { SessionInput } from './model.js';
import type { AgendaService } from './service.js';

/** What the dashboard's router lends: who is asking (or it has answered already), and form checks. */
export interface DashboardAccess {
  /** The staff viewer with their session's CSRF token; undefined once it has answered (sign-in, 403). */
  staff(req: Request, res: Response): Promise<{ viewer: Viewer; signOut: SignOutForm | undefined; csrfToken: string } | undefined>;
  /** True when the POST carries this session's form token and comes from this origin. */
  verifyForm(req: Request): boolean;
}

const FIELDS = ['moduleSlug', 'title', 'description', 'startsAt', 'endsAt', 'timeZone', 'address', 'latitude', 'longitude', 'onlineUrl', 'facilitators', 'capacity', 'isPublic'] as const;

function formValues(body: unknown): SessionFormValues {
  const raw = (body ?? {}) as Record<string, unknown>;
  const values: SessionFormValues = {};
  for (const f of FIELDS) if (typeof raw[f] === 'string') values[f] = raw[f];
  return values;
}

const number = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : Number(v.replace(',', '.')));

/** The browser's strings to the service's input; the service validates it (zod). */
function sessionInputOf(v: SessionFormValues): SessionInput {
  return {
    moduleSlug: v.moduleSlug || null,
    title: v.title ?? '',
    description: v.description || null,
    startsAt: v.startsAt ?? '',
    endsAt: v.endsAt ?? '',
    timeZone: v.timeZone || null,
    address: v.address || null,
    onlineUrl: v.onlineUrl || null,
    latitude: number(v.latitude),
    longitude: number(v.longitude),
    facilitators: (v.facilitators ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    capacity: Number(v.capacity ?? ''),
    isPublic: v.isPublic === 'on',
  };
}

export function createAgendaDashboardRouter(agenda: AgendaService, access: DashboardAccess): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const html = (res: Response, status: number, body: string) => res.status(status).type('html').send(body);
  const unavailable = (res: Response) => html(res, 500, messagePage('Erreur', 'L’agenda n’a pas pu lire la base. Réessayez dans un instant ; si cela continue, prévenez l’administrateur·rice.'));
  const refused = (res: Response, base: string) =>
    html(res, 403, messagePage('Formulaire refusé', 'Ce formulaire a expiré ou ne vient pas de Pollen. Rechargez la page de l’agenda et réessayez.', { href: base, text: 'Retour à l’agenda' }));

  async function overview(req: Request, res: Response, status: number, extra: Pick<AgendaDashboardView, 'form' | 'saved'> = {}) {
    const who = await access.staff(req, res);
    if (!who) return;
    const now = agenda.now().toISOString();
    const [{ sessions: upcoming }, missingMinutes] = await Promise.all([agenda.list({ from: now, includePrivate: true, limit: 100 }), agenda.missingMinutes(50)]);
    const [counts, mail] = await Promise.all([agenda.counts([...upcoming, ...missingMinutes].map((s) => s.id)), agenda.mailStatus()]);
    const body = agendaDashboardBody({ base: req.baseUrl, csrfToken: who.csrfToken, modules: [...agenda.modules.values()], upcoming, missingMinutes, counts, mail, ...extra });
    html(res, status, pageShell({ title: 'Agenda — tableau de bord Pollen', heading: 'Pollen — agenda des sessions', viewer: who.viewer, signOut: who.signOut, body }));
  }

  router.get('/', (req, res) => overview(req, res, 200).catch(() => unavailable(res)));

  router.post('/sessions', form, async (req, res) => {
    if (!(await access.staff(req, res))) return;
    if (!access.verifyForm(req)) return refused(res, req.baseUrl);
    const values = formValues(req.body);
    try {
      const change = await agenda.createSession(sessionInputOf(values));
      await overview(req, res, 201, { saved: { session: change.session, warnings: change.warnings } });
    } catch (err) {
      if (err instanceof AgendaError) return overview(req, res, 400, { form: { values, error: err.message, field: err.field } }).catch(() => unavailable(res));
      unavailable(res);
    }
  });

  async function sessionPage(req: Request, res: Response, status: number, extra: Omit<SessionEditView, 'modules'> = {}) {
    const who = await access.staff(req, res);
    if (!who) return;
    const id = Number(req.params.id);
    const session = Number.isInteger(id) ? await agenda.store.session(id) : undefined;
    if (!session) return html(res, 404, messagePage('Session introuvable', 'Aucune session ne porte ce numéro.', { href: req.baseUrl, text: 'Retour à l’agenda' }));
    const [registrations, counts] = await Promise.all([agenda.registrations(id), agenda.counts([id])]);
    const body = sessionDashboardBody(req.baseUrl, who.csrfToken, session, registrations, counts.get(id)!, { modules: [...agenda.modules.values()], ...extra });
    html(res, status, pageShell({ title: `${session.title} — agenda Pollen`, heading: 'Pollen — agenda des sessions', viewer: who.viewer, signOut: who.signOut, body }));
  }

  router.get('/sessions/:id', (req, res) => sessionPage(req, res, 200).catch(() => unavailable(res)));

  router.post('/sessions/:id/modifier', form, async (req, res) => {
    if (!(await access.staff(req, res))) return;
    if (!access.verifyForm(req)) return refused(res, req.baseUrl);
    const values = formValues(req.body);
    const id = Number(req.params.id);
    try {
      if (!Number.isInteger(id)) throw new AgendaError('SESSION_NOT_FOUND', 'Aucune session ne porte ce numéro.');
      const change = await agenda.updateSession(id, sessionInputOf(values));
      await sessionPage(req, res, 200, { saved: { warnings: change.warnings } });
    } catch (err) {
      if (err instanceof AgendaError && err.code === 'SESSION_NOT_FOUND') return html(res, 404, messagePage('Session introuvable', err.message, { href: req.baseUrl, text: 'Retour à l’agenda' }));
      if (err instanceof AgendaError) return sessionPage(req, res, 400, { form: { values, error: err.message, field: err.field } }).catch(() => unavailable(res));
      unavailable(res);
    }
  });

  router.post('/sessions/:id/presence', form, async (req, res) => {
    if (!(await access.staff(req, res))) return;
    if (!access.verifyForm(req)) return refused(res, req.baseUrl);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const registrationId = Number(body.registrationId);
    try {
      await agenda.markAttendance(registrationId, body.present === '1');
      res.redirect(303, `${req.baseUrl}/sessions/${encodeURIComponent(String(req.params.id))}`);
    } catch (err) {
      if (err instanceof AgendaError) return html(res, 400, messagePage('Présence non enregistrée', err.message, { href: `${req.baseUrl}/sessions/${encodeURIComponent(String(req.params.id))}`, text: 'Retour à la session' }));
      unavailable(res);
    }
  });
  return router;
}
