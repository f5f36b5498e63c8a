/**
 * The agenda's public feeds, for calendar clients and shared agendas:
 *   GET /agenda.ics                   every public session (cancelled ones as CANCELLED)
 *   GET /agenda/modules/<slug>.ics    the public sessions of one module
 *   GET /agenda/sessions/<id>.ics     one public session
 * The pages people read (/agenda, a session, registration, confirmation, cancellation) are in
 * src/agenda/pages/routes.tsx, on the web layer.
 */
import express, { type Response, type Router } from 'express';
import { renderCalendar } from './ical.js';
import type { AgendaSession } from './model.js';
import type { AgendaService } from './service.js';

/** Most sessions one feed carries (a network's few years of workshops). */
export const FEED_LIMIT = 5000;

export interface AgendaFeedOptions {
  /** Link given to sessions in a room (the wiki's Agenda page), e.g. `https://wiki…/Agenda`. */
  agendaPageUrl?: string | undefined;
}

/** The iCal text of the public sessions (of one module when given). */
export async function agendaFeed(service: AgendaService, options: AgendaFeedOptions & { moduleSlug?: string; name?: string } = {}): Promise<string> {
  const { sessions } = await service.list({ includePrivate: false, moduleSlug: options.moduleSlug, limit: FEED_LIMIT });
  return feedOf(service, sessions, options);
}

function feedOf(service: AgendaService, sessions: readonly AgendaSession[], options: AgendaFeedOptions & { name?: string }): string {
  const moduleTitles = new Map([...service.modules.values()].map((m) => [m.slug, m.title]));
  const agendaUrl = options.agendaPageUrl;
  return renderCalendar(sessions, { name: options.name ?? 'Pollen — agenda', moduleTitles, sessionUrl: agendaUrl ? () => agendaUrl : undefined });
}

function sendCalendar(res: Response, text: string, fileName: string): void {
  res
    .status(200)
    .set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `inline; filename="${fileName}"`, 'Cache-Control': 'public, max-age=300' })
    .send(text);
}

function notFound(res: Response, message: string): void {
  res.status(404).type('text/plain; charset=utf-8').send(message);
}

export function createAgendaRouter(service: AgendaService, options: AgendaFeedOptions = {}): Router {
  const router = express.Router();
  const failed = (res: Response) => res.status(503).type('text/plain; charset=utf-8').send('L’agenda est momentanément indisponible : réessayez dans un instant.');

  router.get('/agenda.ics', async (_req, res) => {
    try {
      sendCalendar(res, await agendaFeed(service, options), 'agenda.ics');
    } catch {
      failed(res);
    }
  });
  router.get('/agenda/modules/:file', async (req, res) => {
    const slug = /^([a-z0-9-]{1,100})\.ics$/.exec(req.params.file)?.[1];
    const module = slug ? service.modules.get(slug) : undefined;
    if (!slug || !module) return notFound(res, 'Module inconnu : l’adresse doit être /agenda/modules/<module>.ics, avec le nom court d’un module du parcours.');
    try {
      sendCalendar(res, await agendaFeed(service, { ...options, moduleSlug: slug, name: `Pollen — ${module.title}` }), `${slug}.ics`);
    } catch {
      failed(res);
    }
  });
  router.get('/agenda/sessions/:file', async (req, res) => {
    const id = /^(\d{1,9})\.ics$/.exec(req.params.file)?.[1];
    try {
      const session = id ? await service.store.session(Number(id)) : undefined;
      if (!session || !session.isPublic) return notFound(res, 'Aucune session publique ne porte ce numéro.');
      sendCalendar(res, feedOf(service, [session], { ...options, name: `Pollen — ${session.title}` }), `session-${session.id}.ics`);
    } catch {
      failed(res);
    }
  });
  return router;
}
