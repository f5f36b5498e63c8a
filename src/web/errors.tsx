/**
 * The last handlers of the app: a French page (JSON for API clients) for an unknown address
 * (404), a known one with the wrong method (405, with Allow), a store out of reach (503 with
 * Retry-After) and anything unexpected (500), each logged once with its cause.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.js';
import { isStoreUnavailable } from '../store/database.js';
import type { Web } from './web.js';

function wantsJson(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) !== 'text/html';
}

/** Where a lost person can go on. */
function WayOut() {
  return (
    <ul>
      <li><a href="/">L’accueil de Pollen</a></li>
      <li><a href="/agenda">L’agenda des ateliers</a></li>
      <li><a href="/annuaire">L’annuaire des structures</a></li>
      <li><a href="/graphql">L’explorateur de l’API</a></li>
    </ul>
  );
}

export function notFoundOrWrongMethod(web: Web, knownPaths: ReadonlyMap<string, string>) {
  return (req: Request, res: Response): void => {
    const allow = knownPaths.get(req.path);
    const status = allow ? 405 : 404;
    if (allow) res.setHeader('Allow', allow);
    const title = allow ? 'Méthode non autorisée' : 'Page introuvable';
    const message = allow
      ? `Cette adresse existe mais n’accepte pas la méthode ${req.method} (méthodes acceptées : ${allow}).`
      : 'Aucune page de Pollen ne se trouve à cette adresse. Vérifiez le lien, ou partez de l’une des pages ci-dessous.';
    if (wantsJson(req)) {
      res.status(status).json({ errors: [{ message, extensions: { code: allow ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND' } }] });
      return;
    }
    web.send(res, status, { title, section: 'autre', children: <><p>{message}</p><WayOut /></> });
  };
}

export function serverError(web: Web, logger: Logger | undefined) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const storeDown = isStoreUnavailable(err);
    const cause = err instanceof Error ? `${err.name}: ${err.message}${err.cause instanceof Error ? ` <- ${err.cause.name}: ${err.cause.message}` : ''}` : String(err);
    if (storeDown) logger?.warn({ code: 'STORE_UNAVAILABLE', path: req.path, cause }, 'Store unavailable: the page was answered 503');
    else logger?.error({ code: 'INTERNAL_SERVER_ERROR', path: req.path, cause }, 'Unexpected error while answering a page');
    const status = storeDown ? 503 : 500;
    const title = storeDown ? 'Service momentanément indisponible' : 'Erreur interne';
    const message = storeDown
      ? 'La base de données de Pollen est injoignable pour le moment : réessayez dans un instant.'
      : 'Une erreur inattendue s’est produite. Elle a été journalisée ; réessayez, ou prévenez l’équipe qui gère Pollen si elle se répète.';
    if (storeDown) res.setHeader('Retry-After', '30');
    if (wantsJson(req)) {
      res.status(status).json({ errors: [{ message, extensions: { code: storeDown ? 'STORE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR' } }] });
      return;
    }
    web.send(res, status, { title, section: 'autre', children: <p>{message}</p> });
  };
}
