/**
 * The notes section's buttons: retry, edit and resubmit, or discard a failed or conflicting
 * note. Facilitators and admins only, from a cookie session, with the session's CSRF token and
 * a same-origin check; every action is recorded (ActionLog).
 *   POST /notes/:id/reessayer   back to the queue, published at once in the background
 *   POST /notes/:id/supprimer   removed from the queue (the wiki is not touched)
 *   GET  /notes/:id/modifier    the note's text in a form
 *   POST /notes/:id/modifier    the corrected text goes through the queue; the old entry goes
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { readCookie, SESSION_COOKIE } from '../auth/cookie.js';
import type { Viewer } from '../auth/viewer.js';
import { discardNote, retryNote, stuckNote } from '../notes/queue-actions.js';
import type { NotesService } from '../notes/service.js';
import type { ActionLog } from './actions.js';
import { isSameOrigin, type CsrfTokens } from '../web/csrf.js';
import { escapeHtml } from '../web/format.js';
import { messagePage, pageShell, type SignOutForm } from './pages.js';

export interface NoteActionsContext {
  notes: NotesService;
  actions: ActionLog;
  csrf: CsrfTokens;
  /** Facilitator or admin with a cookie session, else the refusal has been sent. */
  facilitator(req: Request, res: Response): Promise<{ viewer: Viewer; signOut: SignOutForm | undefined } | undefined>;
  home(req: Request): string;
}

const idParam = z.coerce.number().int().positive();
const resubmitBody = z.object({ csrf: z.string().min(1).max(200), source: z.string().min(1).max(200_000) });
const actionBody = z.object({ csrf: z.string().min(1).max(200) });

export function registerNoteActions(router: Router, ctx: NoteActionsContext): void {
  const form = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 5 });
  const page = (res: Response, status: number, title: string, message: string, req: Request) =>
    res.status(status).type('html').send(messagePage(title, message, { href: `${ctx.home(req)}#notes`, text: 'Retour à la file des notes' }));

  /** The checks every action makes; the note id, or undefined once a refusal is sent. */
  async function guard(req: Request, res: Response, body: { csrf?: unknown }): Promise<{ id: number; actor: Viewer } | undefined> {
    const who = await ctx.facilitator(req, res);
    if (!who) return undefined;
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!cookie || !isSameOrigin(req.headers, req.protocol, req.host) || !ctx.csrf.verify(cookie, body.csrf)) {
      page(res, 403, 'Action refusée', 'Ce formulaire a expiré ou ne vient pas de Pollen. Rechargez le tableau de bord et recommencez.', req);
      return undefined;
    }
    const id = idParam.safeParse(req.params.id);
    if (!id.success || !(await stuckNote(ctx.notes.queue, id.data))) {
      page(res, 404, 'Note introuvable', 'Cette note n’est plus en échec ni en conflit (déjà republiée ou supprimée).', req);
      return undefined;
    }
    return { id: id.data, actor: who.viewer };
  }

  const record = (actor: Viewer, action: 'note-retry' | 'note-discard' | 'note-resubmit', id: number, detail: string | null) =>
    ctx.actions.record({ actor: actor.displayName ?? actor.role, role: actor.role, action, target: `note:${id}`, detail });

  router.post('/notes/:id/reessayer', form, async (req, res) => {
    const body = actionBody.safeParse(req.body ?? {});
    const ok = await guard(req, res, body.success ? body.data : {});
    if (!ok) return;
    await retryNote(ctx.notes.queue, ok.id);
    await record(ok.actor, 'note-retry', ok.id, null);
    // Published in the background; the page shows the queue as it is now.
    void ctx.notes.publishPending().catch(() => undefined);
    res.redirect(303, `${ctx.home(req)}?note=reessayee#notes`);
  });

  router.post('/notes/:id/supprimer', form, async (req, res) => {
    const body = actionBody.safeParse(req.body ?? {});
    const ok = await guard(req, res, body.success ? body.data : {});
    if (!ok) return;
    const removed = await discardNote(ctx.notes.queue, ok.id);
    await record(ok.actor, 'note-discard', ok.id, removed?.pageTitle ?? removed?.fileName ?? null);
    res.redirect(303, `${ctx.home(req)}?note=supprimee#notes`);
  });

  router.get('/notes/:id/modifier', async (req, res) => {
    const who = await ctx.facilitator(req, res);
    if (!who) return;
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    const id = idParam.safeParse(req.params.id);
    const entry = id.success ? await stuckNote(ctx.notes.queue, id.data) : undefined;
    if (!entry || !cookie) return page(res, 404, 'Note introuvable', 'Cette note n’est plus en échec ni en conflit, ou la session n’est pas une session du navigateur.', req);
    const body = `<main id="contenu">
<h2>Corriger et republier une note</h2>
<p class="error">${escapeHtml(entry.reason ?? 'Échec de publication.')}</p>
<form method="post" action="${escapeHtml(`${ctx.home(req)}/notes/${entry.id}/modifier`)}">
<input type="hidden" name="csrf" value="${escapeHtml(ctx.csrf.tokenFor(cookie))}">
<p><label for="source">Texte de la note${entry.fileName ? ` (${escapeHtml(entry.fileName)})` : ''}</label></p>
<textarea id="source" name="source" rows="18" required>${escapeHtml(entry.source)}</textarea>
<p><button class="primary" type="submit">Republier</button> <a href="${escapeHtml(`${ctx.home(req)}#notes`)}">Annuler</a></p>
</form>
</main>`;
    return res.status(200).type('html').send(pageShell({ title: 'Corriger une note — tableau de bord Pollen', viewer: who.viewer, signOut: who.signOut, body }));
  });

  router.post('/notes/:id/modifier', form, async (req, res) => {
    const body = resubmitBody.safeParse(req.body ?? {});
    const ok = await guard(req, res, body.success ? body.data : (req.body as { csrf?: unknown }) ?? {});
    if (!ok) return;
    if (!body.success) return page(res, 400, 'Note vide', 'Le texte de la note est vide ou trop long (200 000 caractères au plus).', req);
    const old = await stuckNote(ctx.notes.queue, ok.id);
    const saved = await ctx.notes.submit({ source: body.data.source, ...(old?.fileName ? { fileName: old.fileName } : {}), origin: 'api' });
    // A corrected title makes a new entry: the old, stuck one goes.
    if (saved.id !== ok.id) await discardNote(ctx.notes.queue, ok.id);
    await record(ok.actor, 'note-resubmit', ok.id, saved.id !== null ? `note:${saved.id} ${saved.state}` : saved.state);
    res.redirect(303, `${ctx.home(req)}?note=${saved.state === 'published' ? 'publiee' : 'republiee'}#notes`);
  });
}
