/**
 * The agenda pages of the dashboard, mounted at /dashboard/agenda by src/server.ts with the
 * dashboard's gate (facilitator or admin; the form token of their session and the same origin
 * on every POST, through the web layer). Every POST ends in a redirect (post/redirect/get):
 *   GET  /                         form, upcoming sessions, missing minutes with attendance
 *   POST /sessions                 creates a session
 *   GET  /sessions/:id             a session's registrations and its edit form
 *   POST /sessions/:id/modifier    changes a session
 *   POST /sessions/:id/presence    marks a registration present or absent
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Viewer } from '../auth/viewer.js';
import type { RefusedForm } from '../web/flash.js';
import type { PageContext } from '../web/shell.js';
import type { Web } from '../web/web.js';
import { AGENDA_DASHBOARD_STYLESHEET, AgendaDashboardContent, SessionDashboardContent, type SessionFormState, type SessionFormValues } from './dashboard.js';
import { AgendaError } from './errors.js';
import type { SessionInput } from './model.js';
import type { AgendaService } from './service.js';

/** What the dashboard lends (src/dashboard/access.tsx): who may open these pages and post their forms. */
export interface AgendaStaffGate {
  /** The dashboard's path, linked back to. */
  readonly home: string;
  /** A GET: the staff page context, or undefined once the refusal (sign-in, 403) is sent. */
  page(req: Request, res: Response): Promise<(PageContext & { refused?: RefusedForm | undefined }) | undefined>;
  /** A POST: the staff viewer once origin and form token are checked, or undefined once refused. */
  post(req: Request, res: Response): Promise<Viewer | undefined>;
}

const FIELDS = ['moduleSlug', 'title', 'description', 'startsAt', 'endsAt', 'timeZone', 'address', 'latitude', 'longitude', 'onlineUrl', 'facilitators', 'capacity', 'isPublic'] as const;

/** The refused forms' names (the flash says which form it carries back). */
const NEW_SESSION = 'session';
const EDIT_SESSION = 'modifier-session';

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

/** The refused form of `name` carried by the redirect, as the form shows it. */
function refusedForm(refused: RefusedForm | undefined, name: string): SessionFormState | undefined {
  if (refused?.form !== name) return undefined;
  const [field, error] = Object.entries(refused.errors)[0] ?? [];
  return { values: refused.values, error, field: field === 'formulaire' ? undefined : field };
}

const withWarnings = (text: string, warnings: readonly string[]) => [text, ...warnings.map((w) => `Attention : ${w}`)].join(' ');

export function createAgendaDashboardRouter(agenda: AgendaService, web: Web, gate: AgendaStaffGate): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  router.use(web.ready);

  router.get('/', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const now = agenda.now().toISOString();
      const [{ sessions: upcoming }, missingMinutes] = await Promise.all([agenda.list({ from: now, includePrivate: true, limit: 100 }), agenda.missingMinutes(50)]);
      const [counts, mail] = await Promise.all([agenda.counts([...upcoming, ...missingMinutes].map((s) => s.id)), agenda.mailStatus()]);
      const { notice, ...shell } = context;
      const view = {
        base: req.baseUrl, home: gate.home, csrfToken: context.formToken, modules: [...agenda.modules.values()], upcoming, missingMinutes, counts, mail,
        form: refusedForm(context.refused, NEW_SESSION), saved: notice,
      };
      web.send(res, 200, { title: 'Agenda des sessions', section: 'tableau-de-bord', context: shell, stylesheets: [AGENDA_DASHBOARD_STYLESHEET], children: <AgendaDashboardContent view={view} /> });
    } catch (err) {
      next(err);
    }
  });

  router.post('/sessions', form, async (req, res, next) => {
    try {
      if (!(await gate.post(req, res))) return;
      const values = formValues(req.body);
      try {
        const change = await agenda.createSession(sessionInputOf(values));
        web.redirect(req, res, `${req.baseUrl}#a-venir`, { notice: withWarnings(`Session « ${change.session.title} » enregistrée (numéro ${change.session.id}).`, change.warnings) });
      } catch (err) {
        if (!(err instanceof AgendaError)) throw err;
        web.refuse(req, res, `${req.baseUrl}#nouvelle`, { form: NEW_SESSION, values, errors: { [err.field ?? 'formulaire']: err.message } });
      }
    } catch (err) {
      next(err);
    }
  });

  router.get('/sessions/:id', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const id = Number(req.params.id);
      const session = Number.isInteger(id) ? await agenda.store.session(id) : undefined;
      if (!session) return void web.notFound(res, context, 'Aucune session ne porte ce numéro. Revenez à l’agenda du tableau de bord.');
      const [registrations, counts] = await Promise.all([agenda.registrations(id), agenda.counts([id])]);
      const { notice, ...shell } = context;
      const view = {
        base: req.baseUrl, csrfToken: context.formToken, session, registrations, counts: counts.get(id)!, modules: [...agenda.modules.values()],
        form: refusedForm(context.refused, EDIT_SESSION), saved: notice,
      };
      web.send(res, 200, { title: `${session.title} — agenda`, heading: session.title, section: 'tableau-de-bord', context: shell, stylesheets: [AGENDA_DASHBOARD_STYLESHEET], children: <SessionDashboardContent view={view} /> });
    } catch (err) {
      next(err);
    }
  });

  router.post('/sessions/:id/modifier', form, async (req, res, next) => {
    try {
      if (!(await gate.post(req, res))) return;
      const values = formValues(req.body);
      const id = Number(req.params.id);
      const page = `${req.baseUrl}/sessions/${encodeURIComponent(String(req.params.id))}`;
      try {
        if (!Number.isInteger(id)) throw new AgendaError('SESSION_NOT_FOUND', 'Aucune session ne porte ce numéro.');
        const change = await agenda.updateSession(id, sessionInputOf(values));
        web.redirect(req, res, page, { notice: withWarnings('Modifications enregistrées.', change.warnings) });
      } catch (err) {
        if (!(err instanceof AgendaError)) throw err;
        if (err.code === 'SESSION_NOT_FOUND') return void web.redirect(req, res, req.baseUrl, { notice: err.message });
        web.refuse(req, res, `${page}#modifier`, { form: EDIT_SESSION, values, errors: { [err.field ?? 'formulaire']: err.message } });
      }
    } catch (err) {
      next(err);
    }
  });

  router.post('/sessions/:id/presence', form, async (req, res, next) => {
    try {
      if (!(await gate.post(req, res))) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const page = `${req.baseUrl}/sessions/${encodeURIComponent(String(req.params.id))}`;
      try {
        await agenda.markAttendance(Number(body.registrationId), body.present === '1');
        web.redirect(req, res, page);
      } catch (err) {
        if (!(err instanceof AgendaError)) throw err;
        web.redirect(req, res, page, { notice: `Présence non enregistrée : ${err.message}` });
      }
    } catch (err) {
      next(err);
    }
  });
  return router;
}
