/**
 * The public cancellation page, linked from the registration mail:
 *   GET  /agenda/desinscription?jeton=…   shows the session and a button (no change: mail
 *                                         scanners and link previews follow links)
 *   POST /agenda/desinscription           cancels (jeton in the form); the next person waiting
 *                                         gets the seat and a mail
 * The token is the only key: no account, no cookie. Pages are French, without script.
 */
import express, { type Request, type Response, type Router } from 'express';
import { escapeHtml } from '../web/format.js';
import { pageShell } from '../dashboard/pages.js';
import { AgendaError } from './errors.js';
import { CANCEL_PATH } from './mails.js';
import type { AgendaSession } from './model.js';
import type { AgendaService } from './service.js';
import { frenchWhen } from './wiki.js';

const e = escapeHtml;

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' })
    .type('html')
    .send(pageShell({ title: `${title} — Pollen`, heading: 'Pollen — agenda des sessions', body: `<main id="contenu">\n<h2>${e(title)}</h2>\n${body}\n</main>` }));
}

function sessionFacts(s: AgendaSession): string {
  const where = [s.place.address ? `<li>Lieu : ${e(s.place.address)}</li>` : '', s.place.onlineUrl ? '<li>Session en ligne</li>' : ''].join('');
  return `<ul id="session-annulee"><li>Session : « ${e(s.title)} »</li><li>Date : ${e(frenchWhen(s))}</li>${where}</ul>`;
}

const UNKNOWN = 'Ce lien d’annulation ne correspond à aucune inscription. Vérifiez que l’adresse est complète (elle est parfois coupée en deux dans les e-mails), ou contactez l’équipe d’animation.';

export function createCancelRouter(agenda: AgendaService): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });
  const unavailable = (res: Response) => page(res, 503, 'Agenda indisponible', '<p class="error">L’agenda est momentanément indisponible : réessayez dans un instant.</p>');
  const tokenOf = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

  router.get(CANCEL_PATH, async (req: Request, res: Response) => {
    const token = tokenOf(req.query.jeton);
    try {
      const found = token ? await agenda.byToken(token) : undefined;
      if (!found) return page(res, 404, 'Lien d’annulation inconnu', `<p class="error">${e(UNKNOWN)}</p>`);
      const { registration, session } = found;
      if (registration.status === 'cancelled') return page(res, 410, 'Inscription déjà annulée', `<p>Cette inscription est déjà annulée : vous n’avez plus rien à faire.</p>\n${sessionFacts(session)}`);
      if (session.status === 'cancelled') return page(res, 410, 'Session annulée', `<p>Cette session a été annulée par l’équipe d’animation : vous n’avez rien à faire.</p>\n${sessionFacts(session)}`);
      const what = registration.status === 'waiting' ? 'votre place sur la liste d’attente' : 'votre inscription';
      page(res, 200, 'Annuler votre inscription', `<p>Bonjour ${e(registration.name)}, vous allez annuler ${what} :</p>
${sessionFacts(session)}
<form method="post" action="${e(CANCEL_PATH)}">
<input type="hidden" name="jeton" value="${e(token)}">
<p><button class="primary" type="submit">Confirmer l’annulation</button></p>
</form>
<p>Si vous voulez garder votre place, fermez simplement cette page.</p>`);
    } catch {
      unavailable(res);
    }
  });

  router.post(CANCEL_PATH, form, async (req: Request, res: Response) => {
    const token = tokenOf((req.body as Record<string, unknown> | undefined)?.jeton);
    try {
      const found = token ? await agenda.byToken(token) : undefined;
      if (!found) return page(res, 404, 'Lien d’annulation inconnu', `<p class="error">${e(UNKNOWN)}</p>`);
      if (found.registration.status === 'cancelled') return page(res, 410, 'Inscription déjà annulée', `<p>Cette inscription est déjà annulée : vous n’avez plus rien à faire.</p>\n${sessionFacts(found.session)}`);
      await agenda.cancelRegistration(token);
      page(res, 200, 'Inscription annulée', `<p>C’est fait : votre inscription est annulée. Merci d’avoir libéré la place.</p>\n${sessionFacts(found.session)}`);
    } catch (err) {
      if (err instanceof AgendaError && err.code === 'REGISTRATION_NOT_FOUND') return page(res, 404, 'Lien d’annulation inconnu', `<p class="error">${e(UNKNOWN)}</p>`);
      // Two clicks at once: the other one cancelled it.
      if (err instanceof AgendaError && err.code === 'REGISTRATION_ALREADY_CANCELLED') return page(res, 410, 'Inscription déjà annulée', '<p>Cette inscription est déjà annulée : vous n’avez plus rien à faire.</p>');
      unavailable(res);
    }
  });
  return router;
}
