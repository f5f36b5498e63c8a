/**
 * Needed software, public pages:
 *   GET  /besoins-logiciels                          approved proposals, most needed first (filter by kind, pages)
 *   GET  /besoins-logiciels/proposer                 « Proposer un besoin »; POST sends it (then a mailed link)
 *   GET  /besoins-logiciels/confirmer?jeton=…        a confirm button (mail scanners open links); POST confirms
 *   GET  /besoins-logiciels/<id ou slug>             a proposal: associations, pledges summed, who could do it
 *   GET  /besoins-logiciels/<id>/besoin              « Nous en avons besoin aussi »; POST sends it
 *   GET  /besoins-logiciels/<id>/realiser            « Nous pourrions le réaliser »; POST sends it
 * Every POST: same origin, form token, honeypot, limits per address and per e-mail, post/redirect/get.
 */
import { de } from '../text/french.js';
import express, { type Request, type Response, type Router } from 'express';
import { formState, PostForm } from '../web/forms.js';
import { PageNav } from '../web/pager.js';
import type { PageContext } from '../web/shell.js';
import { stylesheet } from '../web/styles.js';
import type { FormBody, Web } from '../web/web.js';
import { NEED_FORM, NeedForm, OFFER_FORM, OfferForm, PROPOSE_FORM, ProposeForm, readNeed, readOffer, readProposal } from './forms.js';
import { idOfSlug, KINDS, SoftwareNeedsError, type Entry, type EntryRole, type NeedKind, type Proposal, type SoftwareNeedsService, type Totals } from './service.js';
import { lazily } from '../text/lazily.js';

export const SOFTWARE_NEEDS_CSS = stylesheet(`
.needs { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: .75rem; }
.needs > li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; overflow-wrap: anywhere; }
.needs h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
.needs p { margin: .25rem 0; }
.filters { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 1rem; }
.filters a[aria-current] { font-weight: 700; }
.prose { white-space: pre-line; overflow-wrap: anywhere; max-width: 48rem; }
.people { padding-left: 1.2rem; overflow-wrap: anywhere; }
.people li { margin: 0 0 .35rem; }
.pledge { font-weight: 600; }
.call { display: inline-block; text-decoration: none; font-weight: 600; border-radius: 6px; padding: .45rem .9rem; border: 2px solid #12355b; background: #12355b; color: #fff; margin: 0 .5rem .5rem 0; }
.call:focus-visible { outline: 3px solid #12355b; outline-offset: 2px; box-shadow: 0 0 0 5px #fff; }
form.stack .pair { display: flex; flex-wrap: wrap; gap: 0 1rem; }
form.stack .pair > .field { flex: 1 1 10rem; }
form.stack h2 { font-size: 1.15rem; margin: 1.25rem 0 .5rem; }
`);

const PAGE_SIZE = 20;
const CONFIRM_FORM = 'besoins-confirmation';

export interface SoftwareNeedsPagesOptions {
  /** The wiki's page URL for a title; absent: no wiki link. */
  wikiPageUrl?: ((title: string) => string) | undefined;
}

const euros = lazily(() => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }));

function plural(n: number, one: string, many: string): string {
  return `${euros().format(n)} ${n > 1 ? many : one}`;
}

/** « 12 heures et 300 € promis par 2 associations », or undefined when nothing was pledged. */
export function pledgeText(t: Totals): string | undefined {
  if (t.pledges === 0) return undefined;
  const parts = [t.hours > 0 ? plural(t.hours, 'heure', 'heures') : '', t.euros > 0 ? `${euros().format(t.euros)} €` : ''].filter(Boolean);
  return `${parts.join(' et ')} promis par ${plural(t.pledges, 'association', 'associations')}`;
}

function countText(n: number): string {
  return n === 0 ? 'Aucune association confirmée pour l’instant' : `${plural(n, 'association en a', 'associations en ont')} besoin`;
}

function kindLine(p: Proposal): string {
  return p.kind === 'fonctionnalite' ? `Fonctionnalité${p.software ? ` pour ${p.software}` : ''}` : `Logiciel${p.software ? ` (proche ${de(p.software)})` : ''}`;
}

function pageOf(value: unknown): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

function List(props: { items: Proposal[]; totals: Map<number, Totals> }) {
  return (
    <ul class="needs">
      {props.items.map((p) => {
        const pledged = pledgeText(props.totals.get(p.id)!);
        return (
          <li>
            <h2><a href={`/besoins-logiciels/${p.slug}`}>{p.title}</a></h2>
            <p class="meta">{kindLine(p)}</p>
            <p><strong>{countText(p.associationCount)}</strong>{pledged ? ` ; ${pledged} (promesses non encaissées par Pollen)` : ''}</p>
          </li>
        );
      })}
    </ul>
  );
}

function ProposalView(props: { p: Proposal; totals: Totals; needs: Entry[]; offers: Entry[]; wikiUrl: string | null }) {
  const { p, totals } = props;
  const pledged = pledgeText(totals);
  return (
    <>
      <section class="card" aria-labelledby="titre-description">
        <h2 id="titre-description">Le besoin</h2>
        <p class="prose">{p.description}</p>
      </section>
      <section class="card" aria-labelledby="titre-associations">
        <h2 id="titre-associations">{`Les associations qui en ont besoin (${props.needs.length})`}</h2>
        {props.needs.length === 0 ? <p class="empty">Aucune association confirmée pour l’instant.</p> : (
          <ul class="people">
            {props.needs.map((e) => <li><strong>{e.name}</strong>{e.note ? ` — ${e.note}` : ''}</li>)}
          </ul>
        )}
        <p class="pledge">{pledged ? `Contributions annoncées : ${pledged}.` : 'Aucune contribution annoncée pour l’instant.'}</p>
        <p class="hint">Ce sont des promesses de temps ou d’argent, non encaissées par Pollen : chaque association les tiendra directement avec qui réalisera le travail.</p>
        <p><a class="call" href={`/besoins-logiciels/${p.id}/besoin`}>Nous en avons besoin aussi</a></p>
      </section>
      <section class="card" aria-labelledby="titre-realisation">
        <h2 id="titre-realisation">{`Qui pourrait le réaliser (${props.offers.length})`}</h2>
        {props.offers.length === 0 ? <p class="empty">Personne ne s’est encore proposé.</p> : (
          <ul class="people">
            {props.offers.map((e) => (
              <li>
                {e.link ? <a href={e.link} rel="nofollow ugc noopener noreferrer">{e.name}</a> : <strong>{e.name}</strong>}
                {e.note ? ` — ${e.note}` : ''}
              </li>
            ))}
          </ul>
        )}
        <p><a class="call" href={`/besoins-logiciels/${p.id}/realiser`}>Nous pourrions le réaliser</a></p>
      </section>
      <p>
        {props.wikiUrl ? <><a href={props.wikiUrl}>{`La page de ce besoin sur le wiki des communs`}</a>{' · '}</> : null}
        <a href="/besoins-logiciels">Tous les besoins logiciels</a>
      </p>
    </>
  );
}

export function createSoftwareNeedsPages(service: SoftwareNeedsService, web: Web, options: SoftwareNeedsPagesOptions = {}): Router {
  const router = express.Router();
  const css = [SOFTWARE_NEEDS_CSS];
  const confirmUrl = (req: Request) => (token: string) => web.absolute(`/besoins-logiciels/confirmer?jeton=${token}`, req);

  router.get('/besoins-logiciels', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const kindParam = typeof req.query.type === 'string' ? req.query.type : '';
      const kind = kindParam in KINDS ? (kindParam as NeedKind) : undefined;
      const list = await service.publicList({ kind, page: pageOf(req.query.page), pageSize: PAGE_SIZE });
      const totals = await service.totals(list.items.map((p) => p.id));
      const href = (page: number) => `/besoins-logiciels?${new URLSearchParams({ ...(kind ? { type: kind } : {}), ...(page > 1 ? { page: String(page) } : {}) })}`.replace(/\?$/, '');
      const filters: Array<{ value: NeedKind | undefined; text: string }> = [{ value: undefined, text: 'Tous les besoins' }, { value: 'logiciel', text: 'Logiciels' }, { value: 'fonctionnalite', text: 'Fonctionnalités' }];
      web.send(res, 200, {
        title: 'Besoins logiciels', section: 'besoins-logiciels', context, stylesheets: css,
        lead: 'Les logiciels libres et les fonctionnalités qui manquent aux associations : ajoutez votre besoin, annoncez une contribution, ou proposez de les réaliser.',
        children: (
          <>
            <p><a class="call" href="/besoins-logiciels/proposer">Proposer un besoin</a></p>
            <nav aria-label="Filtrer par type">
              <ul class="filters">
                {filters.map((f) => (
                  <li><a href={f.value ? `/besoins-logiciels?type=${f.value}` : '/besoins-logiciels'} aria-current={f.value === kind ? 'page' : undefined}>{f.text}</a></li>
                ))}
              </ul>
            </nav>
            {list.total === 0 ? null : <p>{`${plural(list.total, 'besoin', 'besoins')}, du plus demandé au moins demandé.`}</p>}
            {list.total === 0 ? <p class="empty">Aucun besoin publié pour l’instant. Proposez le premier !</p> : <List items={list.items} totals={totals} />}
            <PageNav label="Pages des besoins logiciels" page={list.page} pages={list.pages} href={href} />
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/besoins-logiciels/proposer', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      web.send(res, 200, {
        title: 'Proposer un besoin logiciel', section: 'besoins-logiciels', context, stylesheets: css,
        lead: 'Un logiciel libre ou une fonctionnalité manque à votre association ? Décrivez-le : une fois validé par l’équipe d’animation, d’autres associations pourront s’y associer.',
        children: (
          <>
            <ProposeForm state={formState(PROPOSE_FORM, context.refused)} token={context.formToken} />
            <p><a href="/besoins-logiciels">Retour aux besoins logiciels</a></p>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/besoins-logiciels/proposer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const back = '/besoins-logiciels/proposer';
      const fields = web.fields(req);
      const sent = (email: string) => `Merci ! Un e-mail vient d’être envoyé à ${email} : ouvrez le lien qu’il contient pour confirmer votre proposition.`;
      if (web.isRobot(fields)) return web.redirect(req, res, '/besoins-logiciels', { notice: sent(fields.courriel ?? 'votre adresse') });
      const read = readProposal(fields);
      if ('errors' in read) return web.refuse(req, res, back, { form: PROPOSE_FORM, values: fields, errors: read.errors });
      const { email } = read.input;
      if (!(await web.admit(req, res, { form: PROPOSE_FORM, perAddress: 5, perEmail: 3 }, { form: PROPOSE_FORM, to: back, values: fields, field: 'titre', email }))) return;
      const result = await service.propose(read.input, confirmUrl(req));
      web.redirect(req, res, '/besoins-logiciels', {
        notice: result.created ? sent(email) : `Cette proposition nous est déjà parvenue : confirmez-la avec le lien de l’e-mail envoyé à ${email}.`,
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/besoins-logiciels/confirmer', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const token = typeof req.query.jeton === 'string' ? req.query.jeton : '';
      const link = token ? await service.peekLink(token) : undefined;
      const state = formState(CONFIRM_FORM, context.refused);
      if (!link) {
        web.send(res, token ? 410 : 200, {
          title: 'Confirmation', section: 'besoins-logiciels', context, stylesheets: css,
          children: token || state.errors.jeton
            ? <p class="error">{state.errors.jeton ?? 'Ce lien de confirmation a expiré ou a déjà servi. Si vous avez déjà confirmé, vous n’avez rien d’autre à faire.'}</p>
            : <p>{context.notice ? <a href="/besoins-logiciels">Retour aux besoins logiciels</a> : 'Rien à confirmer ici : ouvrez le lien reçu par e-mail.'}</p>,
        });
        return;
      }
      const what = link.purpose === 'confirm-proposal' ? 'votre proposition de besoin' : 'votre participation';
      web.send(res, 200, {
        title: 'Confirmer', section: 'besoins-logiciels', context, stylesheets: css,
        children: (
          <PostForm action="/besoins-logiciels/confirmer" token={context.formToken} honeypot label="Confirmer">
            <input type="hidden" name="jeton" value={token} />
            <p>{`Cliquez sur le bouton pour confirmer ${what}.`}</p>
            <p><button type="submit" class="primary">Confirmer</button></p>
          </PostForm>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/besoins-logiciels/confirmer', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const fields = web.fields(req);
      if (web.isRobot(fields)) return web.redirect(req, res, '/besoins-logiciels/confirmer', { notice: 'Merci : c’est confirmé.' });
      const token = fields.jeton ?? '';
      const back = `/besoins-logiciels/confirmer?jeton=${encodeURIComponent(token.slice(0, 100))}`;
      if (!(await web.admit(req, res, { form: CONFIRM_FORM, perAddress: 30 }, { form: CONFIRM_FORM, to: back, values: {}, field: 'jeton' }))) return;
      const done = await service.confirm(token);
      if (!done) return web.refuse(req, res, '/besoins-logiciels/confirmer', { form: CONFIRM_FORM, values: {}, errors: { jeton: 'Ce lien de confirmation a expiré ou a déjà servi. Si vous avez déjà confirmé, vous n’avez rien d’autre à faire.' } });
      if (done.purpose === 'confirm-proposal') {
        return web.redirect(req, res, '/besoins-logiciels/confirmer', { notice: 'Merci : votre proposition est confirmée. L’équipe d’animation va l’examiner ; elle sera publiée une fois validée.' });
      }
      const to = done.proposal.status === 'approved' ? `/besoins-logiciels/${done.proposal.slug}` : '/besoins-logiciels/confirmer';
      web.redirect(req, res, to, { notice: 'Merci : c’est confirmé, votre participation est prise en compte.' });
    } catch (err) {
      next(err);
    }
  });

  /** The approved proposal of `/besoins-logiciels/<id ou slug>`, or its 404 sent. */
  async function proposalOf(req: Request, res: Response, context: PageContext | undefined): Promise<Proposal | undefined> {
    const id = idOfSlug(String(req.params.slug));
    const p = id === undefined ? undefined : await service.publicProposal(id);
    if (!p) web.notFound(res, context, 'Ce besoin logiciel n’est pas publié : il attend peut-être d’être validé par l’équipe d’animation, ou n’existe pas.');
    return p;
  }

  router.get('/besoins-logiciels/:slug', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const p = await proposalOf(req, res, context);
      if (!p) return;
      const [totals, entries] = await Promise.all([service.totals([p.id]), service.entries([p.id])]);
      const wikiUrl = options.wikiPageUrl && p.wikiTitle && (await service.wikiPublished(p.wikiTitle)) ? options.wikiPageUrl(p.wikiTitle) : null;
      web.send(res, 200, {
        title: p.title, section: 'besoins-logiciels', context, stylesheets: css, lead: `${kindLine(p)} — ${countText(p.associationCount)}.`,
        children: <ProposalView p={p} totals={totals.get(p.id)!} needs={entries.filter((e) => e.role === 'need')} offers={entries.filter((e) => e.role === 'offer')} wikiUrl={wikiUrl} />,
      });
    } catch (err) {
      next(err);
    }
  });

  const ENTRY_PAGES: Record<EntryRole, { path: string; form: string; title: string; lead: string; read: typeof readNeed }> = {
    need: { path: 'besoin', form: NEED_FORM, title: 'Nous en avons besoin aussi', lead: 'Votre association a le même besoin ? Ajoutez-la : plus les associations sont nombreuses, plus le besoin a de chances d’être réalisé.', read: readNeed },
    offer: { path: 'realiser', form: OFFER_FORM, title: 'Nous pourrions le réaliser', lead: 'Vous êtes une structure de l’accompagnement, une entreprise du logiciel libre ou un·e développeur·se ? Dites-le : les associations pourront vous contacter.', read: readOffer },
  };

  for (const role of ['need', 'offer'] as const) {
    const page = ENTRY_PAGES[role];
    router.get(`/besoins-logiciels/:slug/${page.path}`, web.ready, async (req, res, next) => {
      try {
        const context = await web.context(req, res);
        const p = await proposalOf(req, res, context);
        if (!p) return;
        const state = formState(page.form, context.refused);
        const action = `/besoins-logiciels/${p.id}/${page.path}`;
        web.send(res, 200, {
          title: `${page.title} : ${p.title}`, heading: page.title, section: 'besoins-logiciels', context, stylesheets: css, lead: page.lead,
          children: (
            <>
              <p>{'Besoin : '}<a href={`/besoins-logiciels/${p.slug}`}>{p.title}</a></p>
              {role === 'need' ? <NeedForm action={action} state={state} token={context.formToken} /> : <OfferForm action={action} state={state} token={context.formToken} />}
            </>
          ),
        });
      } catch (err) {
        next(err);
      }
    });

    router.post(`/besoins-logiciels/:slug/${page.path}`, web.ready, web.body, async (req, res, next) => {
      try {
        if (!web.checkPost(req, res)) return;
        const p = await proposalOf(req, res, undefined);
        if (!p) return;
        const back = `/besoins-logiciels/${p.id}/${page.path}`;
        const done = `/besoins-logiciels/${p.slug}`;
        const fields: FormBody = web.fields(req);
        const sent = (email: string) => `Merci ! Un e-mail vient d’être envoyé à ${email} : ouvrez le lien qu’il contient pour confirmer.`;
        if (web.isRobot(fields)) return web.redirect(req, res, done, { notice: sent(fields.courriel ?? 'votre adresse') });
        const read = page.read(fields);
        if ('errors' in read) return web.refuse(req, res, back, { form: page.form, values: fields, errors: read.errors });
        const { email } = read.input;
        const field = role === 'need' ? 'association' : 'nom';
        if (!(await web.admit(req, res, { form: page.form, perAddress: 10, perEmail: 5 }, { form: page.form, to: back, values: fields, field, email }))) return;
        let result: { created: boolean };
        try {
          result = await service.addEntry(p.id, role, read.input, confirmUrl(req));
        } catch (err) {
          if (!(err instanceof SoftwareNeedsError)) throw err;
          return web.refuse(req, res, back, { form: page.form, values: fields, errors: { [field]: err.message } });
        }
        web.redirect(req, res, done, { notice: result.created ? sent(email) : `Cet envoi nous est déjà parvenu : confirmez-le avec le lien de l’e-mail envoyé à ${email}.` });
      } catch (err) {
        next(err);
      }
    });
  }
  return router;
}
