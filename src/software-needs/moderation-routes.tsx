/**
 * The facilitators' page of needed software, mounted at /dashboard/besoins-logiciels by
 * src/server.ts behind the dashboard's gate (facilitator or admin; same origin and their
 * session's form token on every POST):
 *   GET  /             proposals waiting for a decision; every proposal by number of associations
 *                      with its pledge totals and contributions (page by page)
 *   POST /decision     approve, or reject with a reason (mailed to the association that proposed)
 *   POST /masquer      hide a contribution (it no longer shows nor counts)
 *   GET  /export.csv   every proposal with its counts and totals (ISO dates)
 */
import { de } from '../text/french.js';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { csvField } from '../dashboard/export.js';
import { frenchShortDateTime } from '../web/format.js';
import { CsrfField } from '../web/forms.js';
import { PageNav } from '../web/pager.js';
import type { PageContext } from '../web/shell.js';
import { stylesheet } from '../web/styles.js';
import type { Web } from '../web/web.js';
import { KINDS, SoftwareNeedsError, type Proposal, type ProposalStatus, type SoftwareNeedsService, type StaffEntry, type Totals } from './service.js';

export interface SoftwareNeedsGate {
  readonly home: string;
  page(req: Request, res: Response): Promise<PageContext | undefined>;
  post(req: Request, res: Response): Promise<Viewer | undefined>;
}

export const STAFF_PAGE_SIZE = 20;

const CSS = stylesheet(`
ul.moderation { list-style: none; padding: 0; margin: .5rem 0; }
ul.moderation > li { overflow-wrap: anywhere; }
ul.moderation h3 { font-size: 1.05rem; margin: 0 0 .35rem; }
.decisions form { display: flex; flex-wrap: wrap; gap: .35rem .5rem; align-items: center; margin: .5rem 0; }
.decisions label { font-weight: 600; }
.decisions input { font: inherit; padding: .35rem; border: 2px solid #6b6b6b; border-radius: 6px; max-width: 100%; }
.prose { white-space: pre-line; }
td form { margin: 0; }
`);

const STATUS_LABELS: Record<ProposalStatus, string> = { unconfirmed: 'non confirmée', pending: 'en attente', approved: 'publiée', rejected: 'refusée' };
const ENTRY_STATUS: Record<StaffEntry['status'], string> = { unconfirmed: 'non confirmée', confirmed: 'comptée', hidden: 'masquée' };

const decisionBody = z.object({
  id: z.coerce.number().int().min(1),
  decision: z.enum(['approve', 'reject']),
  reason: z.string().max(1000).optional(),
});
const hideBody = z.object({ entry: z.coerce.number().int().min(1) });

const DONE: Record<string, string> = {
  approve: 'Proposition publiée ; sa page sur le wiki suivra au prochain passage du robot.',
  reject: 'Proposition refusée ; le motif a été envoyé à l’association qui l’a proposée.',
  hide: 'Contribution masquée : elle ne s’affiche plus et ne compte plus.',
};

function pageOf(value: unknown): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

function Time(props: { value: string | null }) {
  return props.value ? <time datetime={props.value}>{frenchShortDateTime(props.value)}</time> : <span class="empty">—</span>;
}

function Pending(props: { base: string; p: Proposal; token: string; author: StaffEntry | undefined }) {
  const { p } = props;
  const action = `${props.base}/decision`;
  return (
    <li class="card" data-proposal={p.id}>
      <h3>{p.title} <span class="badge">{KINDS[p.kind]}</span></h3>
      <p class="meta">
        {p.software ? `Logiciel concerné : ${p.software} — ` : ''}
        {props.author ? <>{`Proposé par ${props.author.name} (`}<a href={`mailto:${props.author.email}`}>{props.author.email}</a>{') — '}</> : null}
        {'Confirmée le '}<Time value={p.confirmedAt} />
      </p>
      <p class="prose">{p.description}</p>
      <div class="decisions">
        <form method="post" action={action}>
          <CsrfField token={props.token} />
          <input type="hidden" name="id" value={String(p.id)} />
          <input type="hidden" name="decision" value="approve" />
          <button class="primary" type="submit" aria-label={`Publier ${p.title}`}>Publier</button>
        </form>
        <form method="post" action={action}>
          <CsrfField token={props.token} />
          <input type="hidden" name="id" value={String(p.id)} />
          <input type="hidden" name="decision" value="reject" />
          <label for={`motif-${p.id}`}>Motif du refus (obligatoire, envoyé à l’association)</label> <input id={`motif-${p.id}`} name="reason" required maxLength={1000} />{' '}
          <button type="submit" aria-label={`Refuser ${p.title}`}>Refuser</button>
        </form>
      </div>
    </li>
  );
}

function Contributions(props: { base: string; p: Proposal; entries: StaffEntry[]; token: string }) {
  if (props.entries.length === 0) return <p class="empty">Aucune contribution confirmée.</p>;
  return (
    <table class="stack">
      <caption>{`Contributions à « ${props.p.title} »`}</caption>
      <thead><tr><th scope="col">Qui</th><th scope="col">Rôle</th><th scope="col">Adresse</th><th scope="col">Promesse</th><th scope="col">État</th><th scope="col">Action</th></tr></thead>
      <tbody>
        {props.entries.map((e) => (
          <tr data-entry={e.id}>
            <th scope="row">{`n° ${e.id} — ${e.name}`}</th>
            <td data-label="Rôle">{e.role === 'need' ? 'en a besoin' : 'pourrait le réaliser'}</td>
            <td data-label="Adresse">{e.email}</td>
            <td data-label="Promesse">{[e.hours ? `${e.hours} h` : '', e.euros ? `${e.euros} €` : ''].filter(Boolean).join(', ') || '—'}</td>
            <td data-label="État">{ENTRY_STATUS[e.status]}{e.status === 'confirmed' && e.associationId !== null && e.associationId !== e.id ? ` (même association que l’envoi n° ${e.associationId} : comptée une fois)` : ''}</td>
            <td data-label="Action">
              {e.status === 'confirmed' ? (
                <form method="post" action={`${props.base}/masquer`}>
                  <CsrfField token={props.token} />
                  <input type="hidden" name="entry" value={String(e.id)} />
                  <button type="submit" aria-label={`Masquer la contribution ${de(e.name)}`}>Masquer</button>
                </form>
              ) : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function totalsText(t: Totals): string {
  return `${t.hours} h et ${t.euros} € promis par ${t.pledges} association${t.pledges > 1 ? 's' : ''}`;
}

export function createSoftwareNeedsModeration(service: SoftwareNeedsService, web: Web, gate: SoftwareNeedsGate): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  router.use(web.ready);

  router.get('/', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      const base = req.baseUrl;
      const [pending, list] = await Promise.all([service.pending(), service.staffList(pageOf(req.query.page), STAFF_PAGE_SIZE)]);
      const ids = [...new Set([...pending.map((p) => p.id), ...list.items.map((p) => p.id)])];
      const [totals, entries] = await Promise.all([service.totals(list.items.map((p) => p.id)), service.staffEntries(ids)]);
      const done = typeof req.query.fait === 'string' ? DONE[req.query.fait] : undefined;
      const { notice, ...shell } = context;
      const flash = done ? { kind: 'ok', text: done } : notice ? { kind: 'error', text: notice } : undefined;
      web.send(res, 200, {
        title: 'Besoins logiciels : modération', section: 'tableau-de-bord', context: shell, stylesheets: [CSS],
        children: (
          <>
            <p><a href={gate.home}>Retour au tableau de bord</a> · <a href="/besoins-logiciels">Voir la page publique</a> · <a href={`${base}/export.csv`}>Exporter en CSV</a></p>
            {flash ? <p class={flash.kind === 'ok' ? 'ok' : 'error'} role="status">{flash.text}</p> : null}
            <section class="card" aria-labelledby="titre-attente">
              <h2 id="titre-attente">{`Propositions en attente (${pending.length})`}</h2>
              {pending.length ? (
                <ul class="moderation">
                  {pending.map((p) => <Pending base={base} p={p} token={context.formToken} author={entries.find((e) => e.needId === p.id && e.role === 'need')} />)}
                </ul>
              ) : <p class="empty">Aucune proposition en attente.</p>}
            </section>
            <section class="card" id="propositions" aria-labelledby="titre-propositions">
              <h2 id="titre-propositions">{`Toutes les propositions, par nombre d’associations (${list.total})`}</h2>
              {list.items.length === 0 ? <p class="empty">Aucune proposition confirmée.</p> : (
                <>
                  <table class="stack">
                    <caption>Propositions et promesses (non encaissées par Pollen)</caption>
                    <thead><tr><th scope="col">Proposition</th><th scope="col">État</th><th scope="col" class="num">Associations</th><th scope="col">Promesses</th></tr></thead>
                    <tbody>
                      {list.items.map((p) => (
                        <tr data-proposal={p.id}>
                          <th scope="row">{p.status === 'approved' ? <a href={`/besoins-logiciels/${p.slug}`}>{p.title}</a> : p.title}</th>
                          <td data-label="État">{STATUS_LABELS[p.status]}{p.rejectReason ? ` (${p.rejectReason})` : ''}</td>
                          <td data-label="Associations" class="num">{p.associationCount}</td>
                          <td data-label="Promesses">{totalsText(totals.get(p.id)!)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  {list.items.map((p) => (
                    <details>
                      <summary>{`Contributions : ${p.title}`}</summary>
                      <Contributions base={base} p={p} entries={entries.filter((e) => e.needId === p.id)} token={context.formToken} />
                      {p.status === 'approved' ? (
                        <div class="decisions">
                          <form method="post" action={`${base}/decision`}>
                            <CsrfField token={context.formToken} />
                            <input type="hidden" name="id" value={String(p.id)} />
                            <input type="hidden" name="decision" value="reject" />
                            <label for={`retrait-${p.id}`}>Motif du retrait (obligatoire, envoyé à l’association)</label> <input id={`retrait-${p.id}`} name="reason" required maxLength={1000} />{' '}
                            <button type="submit" aria-label={`Retirer ${p.title}`}>Retirer la proposition</button>
                          </form>
                        </div>
                      ) : null}
                    </details>
                  ))}
                </>
              )}
              <PageNav label="Pages des propositions" page={list.page} pages={list.pages} href={(page) => `${base}?page=${page}#propositions`} />
            </section>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/decision', form, async (req, res, next) => {
    try {
      const viewer = await gate.post(req, res);
      if (!viewer) return;
      const base = req.baseUrl;
      const parsed = decisionBody.safeParse(req.body ?? {});
      if (!parsed.success) return void web.redirect(req, res, base, { notice: 'Cette décision n’a pas pu être lue. Rechargez la page et recommencez.' });
      const { id, decision, reason } = parsed.data;
      try {
        if (decision === 'approve') await service.approve(viewer, id);
        else await service.reject(viewer, id, reason ?? '');
        web.redirect(req, res, `${base}?fait=${decision}`);
      } catch (err) {
        if (!(err instanceof SoftwareNeedsError)) throw err;
        web.redirect(req, res, base, { notice: err.message });
      }
    } catch (err) {
      next(err);
    }
  });

  router.post('/masquer', form, async (req, res, next) => {
    try {
      const viewer = await gate.post(req, res);
      if (!viewer) return;
      const base = req.baseUrl;
      const parsed = hideBody.safeParse(req.body ?? {});
      if (!parsed.success) return void web.redirect(req, res, base, { notice: 'Cette demande n’a pas pu être lue. Rechargez la page et recommencez.' });
      try {
        await service.hideEntry(viewer, parsed.data.entry);
        web.redirect(req, res, `${base}?fait=hide`);
      } catch (err) {
        if (!(err instanceof SoftwareNeedsError)) throw err;
        web.redirect(req, res, base, { notice: err.message });
      }
    } catch (err) {
      next(err);
    }
  });

  router.get('/export.csv', async (req, res, next) => {
    try {
      const context = await gate.page(req, res);
      if (!context) return;
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="besoins-logiciels.csv"' });
      const line = (cells: ReadonlyArray<string | number>) => `${cells.map((c) => csvField(c)).join(';')}\r\n`;
      res.write(`\ufeff${line(['id', 'titre', 'type', 'logiciel', 'statut', 'associations', 'heures promises', 'euros promis', 'associations ayant promis', 'proposé le', 'confirmé le', 'décidé le'])}`);
      for await (const slice of service.staffSlices()) {
        const totals = await service.totals(slice.map((p) => p.id));
        res.write(slice.map((p) => {
          const t = totals.get(p.id)!;
          return line([p.id, p.title, KINDS[p.kind], p.software ?? '', STATUS_LABELS[p.status], p.associationCount, t.hours, t.euros, t.pledges, p.createdAt, p.confirmedAt ?? '', p.decidedAt ?? '']);
        }).join(''));
      }
      res.end();
    } catch (err) {
      next(err);
    }
  });
  return router;
}
