/**
 * The notes section's buttons: retry, edit and resubmit, or discard a failed or conflicting
 * note. Facilitators and admins only, with the form token of their session and a same-origin
 * check (the web layer); every action is recorded (ActionLog); each POST ends in a redirect.
 *   POST /notes/:id/reessayer   back to the queue, published at once in the background
 *   POST /notes/:id/supprimer   removed from the queue (the wiki is not touched)
 *   GET  /notes/:id/modifier    the note's text in a form
 *   POST /notes/:id/modifier    the corrected text goes through the queue; the old entry goes
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { discardNote, retryNote, stuckNote } from '../notes/queue-actions.js';
import type { NotesService } from '../notes/service.js';
import { PostForm } from '../web/forms.js';
import type { Web } from '../web/web.js';
import type { ActionLog } from './actions.js';
import { DASHBOARD_STYLESHEETS, type StaffGate } from './access.js';
import { DashboardNav } from './sections.js';

export interface NoteActionsContext {
  notes: NotesService;
  actions: ActionLog;
  web: Web;
  gate: StaffGate;
}

const idParam = z.coerce.number().int().positive();
const SOURCE_MAX = 200_000;

export function registerNoteActions(router: Router, ctx: NoteActionsContext): void {
  const { web, gate } = ctx;
  const form = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 5 });
  const queueAnchor = `${gate.home}#notes`;

  function gone(req: Request, res: Response): void {
    web.redirect(req, res, queueAnchor, { notice: 'Cette note n’est plus en échec ni en conflit (déjà republiée ou retirée) : rien n’a été fait.' });
  }

  /** The checks every action makes; the note id and who acts, or undefined once answered. */
  async function guard(req: Request, res: Response): Promise<{ id: number; actor: Viewer } | undefined> {
    const actor = await gate.post(req, res);
    if (!actor) return undefined;
    const id = idParam.safeParse(req.params.id);
    if (!id.success || !(await stuckNote(ctx.notes.queue, id.data))) return void gone(req, res);
    return { id: id.data, actor };
  }

  const record = (actor: Viewer, action: 'note-retry' | 'note-discard' | 'note-resubmit', id: number, detail: string | null) =>
    ctx.actions.record({ actor: actor.displayName ?? actor.role, role: actor.role, action, target: `note:${id}`, detail });

  router.post('/notes/:id/reessayer', form, async (req, res, next) => {
    try {
      const ok = await guard(req, res);
      if (!ok) return;
      await retryNote(ctx.notes.queue, ok.id);
      await record(ok.actor, 'note-retry', ok.id, null);
      // Published in the background; the page shows the queue as it is now.
      void ctx.notes.publishPending().catch(() => undefined);
      web.redirect(req, res, `${gate.home}?note=reessayee#notes`);
    } catch (err) {
      next(err);
    }
  });

  router.post('/notes/:id/supprimer', form, async (req, res, next) => {
    try {
      const ok = await guard(req, res);
      if (!ok) return;
      const removed = await discardNote(ctx.notes.queue, ok.id);
      await record(ok.actor, 'note-discard', ok.id, removed?.pageTitle ?? removed?.fileName ?? null);
      web.redirect(req, res, `${gate.home}?note=supprimee#notes`);
    } catch (err) {
      next(err);
    }
  });

  router.get('/notes/:id/modifier', web.ready, async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const id = idParam.safeParse(req.params.id);
      const entry = id.success ? await stuckNote(ctx.notes.queue, id.data) : undefined;
      if (!entry) return void web.notFound(res, context, 'Cette note n’est plus en échec ni en conflit : elle a été republiée ou retirée de la file.');
      const refused = context.refused?.form === 'note' ? context.refused : undefined;
      const error = refused?.errors.source;
      web.send(res, refused ? 400 : 200, {
        title: 'Corriger et republier une note',
        section: 'tableau-de-bord',
        context,
        stylesheets: DASHBOARD_STYLESHEETS,
        children: (
          <>
            <DashboardNav base={gate.home} />
            <p class="error">{entry.reason ?? 'Échec de publication.'}</p>
            <PostForm action={`${gate.home}/notes/${entry.id}/modifier`} token={context.formToken} class="stack note-source" label="Corriger la note">
              <div class="field">
                <label for="source">{`Texte de la note${entry.fileName ? ` (${entry.fileName})` : ''}`}</label>
                {error ? <p class="field-error" id="source-erreur">{`Erreur : ${error}`}</p> : null}
                <textarea id="source" name="source" rows={18} required aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'source-erreur' : undefined} autofocus={error ? true : undefined}>
                  {refused?.values.source ?? entry.source}
                </textarea>
              </div>
              <p><button class="primary" type="submit">Republier</button> <a href={queueAnchor}>Annuler</a></p>
            </PostForm>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/notes/:id/modifier', form, async (req, res, next) => {
    try {
      const ok = await guard(req, res);
      if (!ok) return;
      const raw = (req.body as Record<string, unknown> | undefined)?.source;
      const source = typeof raw === 'string' ? raw : '';
      if (source.trim() === '' || source.length > SOURCE_MAX) {
        // Too long to travel back in the flash cookie: the stored text is shown again instead.
        const values: Record<string, string> = source.length <= 4_000 ? { source } : {};
        return void web.refuse(req, res, `${gate.home}/notes/${ok.id}/modifier`, { form: 'note', values, errors: { source: 'Le texte de la note est vide ou trop long (200 000 caractères au plus).' } });
      }
      const old = await stuckNote(ctx.notes.queue, ok.id);
      const saved = await ctx.notes.submit({ source, ...(old?.fileName ? { fileName: old.fileName } : {}), origin: 'api' });
      // A corrected title makes a new entry: the old, stuck one goes.
      if (saved.id !== ok.id) await discardNote(ctx.notes.queue, ok.id);
      await record(ok.actor, 'note-resubmit', ok.id, saved.id !== null ? `note:${saved.id} ${saved.state}` : saved.state);
      web.redirect(req, res, `${gate.home}?note=${saved.state === 'published' ? 'publiee' : 'republiee'}#notes`);
    } catch (err) {
      next(err);
    }
  });
}
