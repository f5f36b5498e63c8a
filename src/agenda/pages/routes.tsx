/**
 * The agenda's public pages, on the web layer (src/web):
 *   GET  /agenda                              upcoming public sessions (filters: module, département,
 *                                             online), a page at a time, then past ones with their minutes
 *   GET  /agenda/sessions/<id>                one public session and its registration form
 *   POST /agenda/sessions/<id>/inscription    a visitor asks for a place (mailed confirmation link);
 *                                             a signed-in learner registers in one click
 *   POST /agenda/sessions/<id>/inscription/annuler   a signed-in learner cancels their registration
 *   GET|POST /agenda/inscription/confirmer?jeton=…   the mailed link: GET shows a button, POST confirms
 *   GET|POST /agenda/desinscription?jeton=…          the mailed link: GET shows a button, POST cancels
 * Links in mails must never act on GET: mail scanners and link previews open them.
 */
import { readChangeVersion } from '../../store/changes.js';
import { PageNav } from '../../web/pager.js';
import express, { type Request, type Response, type Router } from 'express';
import type { ComponentChildren } from 'preact';
import { Checkbox, formState, PostForm, SelectField, TextField, type FormState } from '../../web/forms.js';
import type { PageContext } from '../../web/shell.js';
import type { Web } from '../../web/web.js';
import { AgendaError } from '../errors.js';
import { CANCEL_PATH, CONFIRM_PATH, sessionPath } from '../mails.js';
import { visitorSchema, type AgendaSession, type SessionCounts } from '../model.js';
import type { AgendaService } from '../service.js';
import { frenchWhen } from '../wiki.js';
import { isOnline, mapUrl, territoryOf } from './place.js';
import { AGENDA_PAGES_CSS } from './styles.js';

export interface AgendaPagesOptions {
  /** The wiki page of a title (minutes of past sessions); unset: the minutes are named, not linked. */
  wikiPageUrl?: ((title: string) => string) | undefined;
}

/** Sessions per page of the agenda. */
export const PAGE_SIZE = 10;
/** Past sessions the agenda shows. */
const PAST_SHOWN = 10;
/** Upcoming sessions read to filter (a network's few months of workshops). */
const UPCOMING_READ = 2000;
/** How long the upcoming sessions read are kept at most, the store unchanged. */
const UPCOMING_KEPT_MS = 60_000;
/** Public registration form: sends per address per hour, and per e-mail address per session and hour. */
export const REGISTRATION_LIMITS = { perAddress: 5, perEmail: 3 };

const REGISTER_FORM = 'inscription';
const REGISTER_ORDER = ['name', 'email', 'consent'] as const;

const stylesheets = [AGENDA_PAGES_CSS];

const NO_COUNTS: SessionCounts = { confirmed: 0, waiting: 0, present: 0 };

function plural(n: number, one: string, many: string): string {
  return `${n} ${n > 1 ? many : one}`;
}

function isPast(session: AgendaSession, now: Date): boolean {
  return session.status === 'done' || Date.parse(session.startsAt) <= now.getTime();
}

/** « 3 places restantes », « Complet : liste d’attente (2 personnes) », « Annulée ». */
function SeatsLine(props: { session: AgendaSession; counts: SessionCounts; now: Date }) {
  const { session, counts } = props;
  if (session.status === 'cancelled') return <p class="state-cancelled">Session annulée</p>;
  if (isPast(session, props.now)) return <p>Session passée</p>;
  const left = Math.max(0, session.capacity - counts.confirmed);
  if (left > 0 && counts.waiting === 0) return <p class="seats">{left > 1 ? `${left} places restantes` : '1 place restante'}</p>;
  return <p class="seats full">{`Complet : liste d’attente (${counts.waiting === 0 ? 'personne pour l’instant' : plural(counts.waiting, 'personne', 'personnes')})`}</p>;
}

function placeText(session: AgendaSession): string {
  const territory = territoryOf(session.place.address);
  const where = territory ? `${territory.town || session.place.address} (${territory.department})` : session.place.address;
  if (isOnline(session)) return where ? `En ligne et ${where}` : 'En ligne';
  return where ?? 'Lieu à venir';
}

interface Filters {
  module: string;
  departement: string;
  enligne: string;
  page: number;
}

function readFilters(req: Request): Filters {
  const text = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string).slice(0, 100) : '');
  const page = Number.parseInt(text('page'), 10);
  return { module: text('module'), departement: text('departement'), enligne: text('enligne'), page: Number.isSafeInteger(page) && page > 0 ? page : 1 };
}

function matches(session: AgendaSession, f: Filters): boolean {
  if (f.module && session.moduleSlug !== f.module) return false;
  if (f.departement === 'aucun' && territoryOf(session.place.address)) return false;
  if (f.departement && f.departement !== 'aucun' && territoryOf(session.place.address)?.department !== f.departement) return false;
  if (f.enligne === 'oui' && !isOnline(session)) return false;
  if (f.enligne === 'non' && isOnline(session)) return false;
  return true;
}

function agendaHref(f: Filters, page: number): string {
  const params = new URLSearchParams();
  if (f.module) params.set('module', f.module);
  if (f.departement) params.set('departement', f.departement);
  if (f.enligne) params.set('enligne', f.enligne);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/agenda?${query}` : '/agenda';
}

function Pages(props: { filters: Filters; pages: number }) {
  return <PageNav label="Pages des sessions à venir" page={props.filters.page} pages={props.pages} href={(n) => agendaHref(props.filters, n)} />;
}

function MinutesLink(props: { session: AgendaSession; wikiPageUrl: AgendaPagesOptions['wikiPageUrl'] }) {
  const title = props.session.minutesTitle;
  if (props.session.status === 'cancelled') return null;
  if (!title) return <p class="empty">Compte rendu à venir.</p>;
  return props.wikiPageUrl ? <p><a href={props.wikiPageUrl(title)}>{`Compte rendu : ${title}`}</a></p> : <p>{`Compte rendu sur le wiki : « ${title} »`}</p>;
}

export function createAgendaPages(service: AgendaService, web: Web, options: AgendaPagesOptions = {}): Router {
  const router = express.Router();
  const moduleTitle = (slug: string | null) => (slug ? service.modules.get(slug)?.title : undefined);

  /**
   * The upcoming public sessions, read again only when the agenda's change marker moved (any
   * write, on any replica: src/store/changes.ts) or after a minute; sessions over since are
   * left out by the page itself. Each filter and page is then cut from it in memory.
   */
  let kept: { version: number; readAt: number; sessions: AgendaSession[] } | undefined;
  async function upcomingSessions(now: Date): Promise<AgendaSession[]> {
    const version = await readChangeVersion(service.store.store, 'agenda');
    if (kept && kept.version === version && now.getTime() - kept.readAt >= 0 && now.getTime() - kept.readAt < UPCOMING_KEPT_MS) return kept.sessions;
    const { sessions } = await service.list({ from: now.toISOString(), includePrivate: false, limit: UPCOMING_READ });
    kept = version === undefined ? undefined : { version, readAt: now.getTime(), sessions };
    return sessions;
  }

  router.get('/agenda', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const now = service.now();
      const filters = readFilters(req);
      const [upcoming, past] = await Promise.all([upcomingSessions(now), service.pastSessions(PAST_SHOWN)]);
      const future = upcoming.filter((s) => Date.parse(s.endsAt) >= now.getTime());
      const shown = future.filter((s) => matches(s, filters));
      const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
      const page = Math.min(filters.page, pages);
      const onPage = shown.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const counts = await service.counts(onPage.map((s) => s.id));
      const departments = new Map<string, string>();
      for (const s of future) {
        const t = territoryOf(s.place.address);
        if (t && !departments.has(t.department)) departments.set(t.department, t.town);
      }
      const state: FormState = { values: { module: filters.module, departement: filters.departement, enligne: filters.enligne }, errors: {} };
      const moduleChoices = [...service.modules.values()].map((m) => ({ value: m.slug, label: m.title }));
      const departmentChoices = [
        ...[...departments].sort(([a], [b]) => a.localeCompare(b)).map(([code, town]) => ({ value: code, label: town ? `${code} (${town})` : code })),
        { value: 'aucun', label: 'Sans adresse (en ligne seulement)' },
      ];
      web.send(res, 200, {
        title: page > 1 ? `Agenda des ateliers, page ${page}` : 'Agenda des ateliers',
        heading: 'Agenda des ateliers',
        lead: 'Les sessions de formation et les ateliers du réseau, près de chez vous ou en ligne. L’inscription est gratuite.',
        section: 'agenda',
        context,
        stylesheets,
        children: (
          <>
            <section class="card" aria-labelledby="titre-a-venir">
              <h2 id="titre-a-venir">Sessions à venir</h2>
              <form method="get" action="/agenda" class="filters" aria-label="Filtrer les sessions">
                <SelectField name="module" label="Module" state={state} choices={moduleChoices} placeholder="Tous les modules" required />
                <SelectField name="departement" label="Département" state={state} choices={departmentChoices} placeholder="Tous" required />
                <SelectField name="enligne" label="En ligne" state={state} choices={[{ value: 'oui', label: 'En ligne seulement' }, { value: 'non', label: 'Sur place seulement' }]} placeholder="Peu importe" required />
                <p><button type="submit">Filtrer</button></p>
              </form>
              <p role="status">{shown.length === 0 ? 'Aucune session à venir ne correspond.' : `${plural(shown.length, 'session à venir', 'sessions à venir')}${shown.length > PAGE_SIZE ? ` ; page ${page} sur ${pages}` : ''}.`}</p>
              {shown.length === 0 && (filters.module || filters.departement || filters.enligne) ? <p><a href="/agenda">Voir toutes les sessions à venir</a></p> : null}
              <ul class="sessions">
                {onPage.map((s) => (
                  <li>
                    <h3><a href={sessionPath(s)}>{s.title}</a></h3>
                    <p>{frenchWhen(s)}</p>
                    <p>{placeText(s)}</p>
                    {moduleTitle(s.moduleSlug) ? <p>{`Module : ${moduleTitle(s.moduleSlug)}`}</p> : null}
                    <SeatsLine session={s} counts={counts.get(s.id) ?? NO_COUNTS} now={now} />
                  </li>
                ))}
              </ul>
              <Pages filters={{ ...filters, page }} pages={pages} />
              <p><a href="/agenda.ics">S’abonner à l’agenda (iCal)</a></p>
            </section>
            <section class="card" aria-labelledby="titre-passees">
              <h2 id="titre-passees">Sessions passées</h2>
              {past.length === 0 ? <p class="empty">Aucune session passée.</p> : (
                <ul class="sessions">
                  {past.map((s) => (
                    <li>
                      <h3><a href={sessionPath(s)}>{s.title}</a></h3>
                      <p>{`${frenchWhen(s)}${s.status === 'cancelled' ? ' (annulée)' : ''}`}</p>
                      <MinutesLink session={s} wikiPageUrl={options.wikiPageUrl} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  /** The session of `/agenda/sessions/<id>`; undefined (404 sent) when unknown or private. */
  async function publicSession(req: Request, res: Response, context: PageContext | undefined): Promise<AgendaSession | undefined> {
    const id = Number(req.params.id);
    const session = /^\d{1,9}$/.test(String(req.params.id)) ? await service.store.session(id) : undefined;
    if (session?.isPublic) return session;
    web.notFound(res, context ?? (await web.context(req, res)), 'Aucune session publique ne porte ce numéro. Elle a peut-être été retirée de l’agenda : retrouvez les prochaines sessions sur l’agenda.');
    return undefined;
  }

  router.get('/agenda/sessions/:id', web.ready, async (req, res, next) => {
    // /agenda/sessions/<id>.ics is the session's feed (src/agenda/routes.ts).
    if (!/^\d+$/.test(String(req.params.id))) return next();
    try {
      const context = await web.context(req, res);
      const session = await publicSession(req, res, context);
      if (!session) return;
      const now = service.now();
      const counts = (await service.counts([session.id])).get(session.id) ?? NO_COUNTS;
      const learner = context.viewer.role === 'learner' && context.viewer.learnerId ? context.viewer.learnerId : undefined;
      const mine = learner ? await service.learnerRegistration(session.id, learner) : undefined;
      const open = session.status !== 'cancelled' && !isPast(session, now);
      const module = session.moduleSlug ? service.modules.get(session.moduleSlug) : undefined;
      const map = mapUrl(session);
      const state = formState(REGISTER_FORM, context.refused);
      const general = state.errors.inscription;
      const full = counts.confirmed >= session.capacity || counts.waiting > 0;
      web.send(res, 200, {
        title: session.title,
        section: 'agenda',
        context,
        stylesheets,
        children: (
          <>
            <p><a href="/agenda">Retour à l’agenda</a></p>
            {session.status === 'cancelled' ? <p class="error">Cette session est annulée : les inscriptions sont fermées.</p> : null}
            {session.status !== 'cancelled' && isPast(session, now) ? <p class="notice">Cette session a déjà eu lieu : les inscriptions sont fermées.</p> : null}
            <section class="card" aria-labelledby="titre-details">
              <h2 id="titre-details">La session</h2>
              <dl class="facts">
                <dt>Date</dt>
                <dd>{frenchWhen(session)}</dd>
                {module ? <><dt>Module</dt><dd><a href={`/parcours/${module.slug}`}>{module.title}</a></dd></> : null}
                <dt>Animation</dt>
                <dd>{session.facilitators.length ? session.facilitators.join(', ') : 'à confirmer'}</dd>
                <dt>Lieu</dt>
                <dd>
                  {session.place.address ? <>{session.place.address}{map ? <> — <a href={map}>voir sur la carte (OpenStreetMap)</a></> : null}</> : null}
                  {isOnline(session) ? <p>{`${session.place.address ? 'Aussi en ligne' : 'En ligne'} : le lien de connexion est envoyé par e-mail aux personnes inscrites.`}</p> : null}
                </dd>
                {open ? <><dt>Places</dt><dd><SeatsLine session={session} counts={counts} now={now} /></dd></> : null}
              </dl>
              {session.description ? <div class="description">{session.description.split(/\n{2,}/).map((p) => <p>{p}</p>)}</div> : null}
              <p><a href={`${sessionPath(session)}.ics`}>Ajouter à mon agenda (fichier iCal)</a></p>
              {!open ? <MinutesLink session={session} wikiPageUrl={options.wikiPageUrl} /> : null}
            </section>
            {open ? (
              <section class="card" aria-labelledby="titre-inscription" id="inscription">
                <h2 id="titre-inscription">{full ? 'S’inscrire sur la liste d’attente' : 'S’inscrire'}</h2>
                {general ? <p class="field-error" id="erreur-inscription" role="alert">{`Erreur : ${general}`}</p> : null}
                {mine && mine.registration.status !== 'cancelled' ? (
                  <>
                    <p role="status">{mine.registration.status === 'confirmed' ? 'Vous êtes inscrit·e à cette session : une place vous est réservée.' : `Vous êtes sur la liste d’attente, en position ${mine.waitingPosition ?? '?'}. Si une place se libère, elle vous est donnée automatiquement.`}</p>
                    <PostForm action={`${sessionPath(session)}/inscription/annuler`} token={context.formToken} label="Annuler mon inscription">
                      <p><button type="submit">Annuler mon inscription</button></p>
                    </PostForm>
                  </>
                ) : learner ? (
                  <PostForm action={`${sessionPath(session)}/inscription`} token={context.formToken} label="M’inscrire">
                    <p>{full ? 'La session est complète : vous serez sur la liste d’attente, et la place vous sera donnée si quelqu’un se désiste.' : 'Votre compte suffit : aucune confirmation par e-mail n’est demandée.'}</p>
                    <p><button class="primary" type="submit">{full ? 'M’inscrire sur la liste d’attente' : 'M’inscrire'}</button></p>
                  </PostForm>
                ) : (
                  <RegistrationForm session={session} state={state} token={context.formToken} full={full} hours={service.confirmHours} />
                )}
              </section>
            ) : null}
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post('/agenda/sessions/:id/inscription', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const session = await publicSession(req, res, undefined);
      if (!session) return;
      const back = sessionPath(session);
      const context = await web.context(req, res);
      const learner = context.viewer.role === 'learner' && context.viewer.learnerId ? context.viewer.learnerId : undefined;
      if (learner) {
        try {
          const result = await service.registerLearner(session.id, { id: learner, name: context.viewer.displayName ?? learner });
          return web.redirect(req, res, back, { notice: result.registration.status === 'confirmed' ? 'Vous êtes inscrit·e : une place vous est réservée.' : `La session est complète : vous êtes sur la liste d’attente, en position ${result.waitingPosition ?? '?'}.` });
        } catch (err) {
          if (err instanceof AgendaError) return web.refuse(req, res, back, { form: REGISTER_FORM, values: {}, errors: { inscription: err.message } });
          throw err;
        }
      }
      const fields = web.fields(req);
      const sent = `Presque fini : un e-mail vient d’être envoyé à l’adresse indiquée. Ouvrez le lien qu’il contient dans les ${service.confirmHours} heures pour confirmer votre inscription ; d’ici là, aucune place n’est réservée.`;
      // A robot that filled the hidden field is answered as a person would be, and nothing is done.
      if (web.isRobot(fields)) return web.redirect(req, res, back, { notice: sent });
      const values = { name: fields.name ?? '', email: fields.email ?? '', consent: fields.consent ?? '' };
      const errors: Record<string, string> = {};
      const parsed = visitorSchema.safeParse({ name: values.name, email: values.email });
      if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      if (values.consent !== 'oui') errors.consent = 'Cochez la case pour accepter de recevoir les e-mails de cette session : sans eux, vous ne pourriez pas confirmer votre inscription.';
      if (Object.keys(errors).length > 0) return web.refuse(req, res, back, { form: REGISTER_FORM, values, errors });
      const email = parsed.data!.email;
      const refusal = { form: REGISTER_FORM, to: back, values, field: 'email', email };
      if (!(await web.admit(req, res, { form: 'agenda-inscription', perAddress: REGISTRATION_LIMITS.perAddress }, refusal))) return;
      if (!(await web.admit(req, res, { form: `agenda-inscription-${session.id}`, perAddress: 1000, perEmail: REGISTRATION_LIMITS.perEmail }, refusal))) return;
      try {
        await service.registerVisitor(session.id, parsed.data!, { publicUrl: web.absolute('', req) });
      } catch (err) {
        if (err instanceof AgendaError) return web.refuse(req, res, back, { form: REGISTER_FORM, values, errors: err.field === 'email' || err.code === 'ALREADY_REGISTERED' ? { email: err.message } : { inscription: err.message } });
        throw err;
      }
      web.redirect(req, res, back, { notice: sent });
    } catch (err) {
      next(err);
    }
  });

  router.post('/agenda/sessions/:id/inscription/annuler', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const session = await publicSession(req, res, undefined);
      if (!session) return;
      const context = await web.context(req, res);
      const back = sessionPath(session);
      if (context.viewer.role !== 'learner' || !context.viewer.learnerId) return web.redirect(req, res, back, { notice: 'Connectez-vous pour annuler votre inscription, ou utilisez le lien d’annulation reçu par e-mail.' });
      try {
        await service.cancelLearnerRegistration(session.id, context.viewer.learnerId);
      } catch (err) {
        if (err instanceof AgendaError) return web.refuse(req, res, back, { form: REGISTER_FORM, values: {}, errors: { inscription: err.message } });
        throw err;
      }
      web.redirect(req, res, back, { notice: 'Votre inscription est annulée. Merci d’avoir libéré la place.' });
    } catch (err) {
      next(err);
    }
  });

  const tokenOf = (value: unknown) => (typeof value === 'string' ? value.trim().slice(0, 200) : '');
  const sendNoStore = (res: Response) => res.set({ 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });

  router.get(CONFIRM_PATH, web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      sendNoStore(res);
      const token = tokenOf(req.query.jeton);
      const found = token ? await service.pendingByToken(token) : undefined;
      if (!found) {
        const done = token ? await service.byToken(token) : undefined;
        if (done) {
          return web.send(res, 200, { title: 'Inscription déjà confirmée', section: 'agenda', context, stylesheets, children: <><p>Cette inscription est déjà confirmée : vous n’avez plus rien à faire.</p><SessionFacts session={done.session} /></> });
        }
        return web.send(res, 404, { title: 'Lien de confirmation inconnu', section: 'agenda', context, children: <p class="error">{UNKNOWN_CONFIRM}</p> });
      }
      const { pending, session, expired } = found;
      if (expired) return web.send(res, 410, { title: 'Lien de confirmation expiré', section: 'agenda', context, stylesheets, children: <><p class="error">{`Ce lien n’était valable que ${service.confirmHours} heures : la demande n’a pas été confirmée à temps et ne réserve aucune place. Inscrivez-vous de nouveau depuis la page de la session.`}</p><SessionFacts session={session} /></> });
      web.send(res, 200, {
        title: 'Confirmer votre inscription',
        section: 'agenda',
        context,
        stylesheets,
        children: (
          <>
            <p>{`Bonjour ${pending.name}, il reste une étape : confirmez votre inscription à cette session.`}</p>
            <SessionFacts session={session} />
            <PostForm action={CONFIRM_PATH} token={context.formToken} label="Confirmer mon inscription">
              <input type="hidden" name="jeton" value={token} />
              <p><button class="primary" type="submit">Confirmer mon inscription</button></p>
            </PostForm>
            <p>Vous n’avez pas demandé cette inscription ? Fermez cette page : la demande sera oubliée.</p>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.post(CONFIRM_PATH, web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const token = tokenOf(web.fields(req).jeton);
      try {
        const result = await service.confirmRegistration(token, { publicUrl: web.absolute('', req) });
        const notice = result.already ? 'Cette inscription était déjà confirmée : vous n’avez plus rien à faire.'
          : result.registration.status === 'confirmed' ? 'Votre inscription est confirmée : une place vous est réservée. Un e-mail vous le confirme, avec le lien pour annuler si besoin.'
          : `La session est complète : vous êtes sur la liste d’attente, en position ${result.waitingPosition ?? '?'}. Si une place se libère, elle vous est donnée automatiquement et un e-mail vous le dit.`;
        web.redirect(req, res, sessionPath({ id: result.registration.sessionId }), { notice });
      } catch (err) {
        if (!(err instanceof AgendaError)) throw err;
        const context = await web.context(req, res);
        sendNoStore(res);
        const status = err.code === 'REGISTRATION_NOT_FOUND' ? 404 : err.code === 'CONFIRMATION_EXPIRED' ? 410 : 409;
        web.send(res, status, { title: status === 404 ? 'Lien de confirmation inconnu' : 'Inscription non confirmée', section: 'agenda', context, children: <><p class="error">{status === 404 ? UNKNOWN_CONFIRM : err.message}</p><p><a href="/agenda">Voir l’agenda</a></p></> });
      }
    } catch (err) {
      next(err);
    }
  });

  router.get(CANCEL_PATH, web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      sendNoStore(res);
      const token = tokenOf(req.query.jeton);
      const found = token ? await service.byToken(token) : undefined;
      const pending = !found && token ? await service.pendingByToken(token) : undefined;
      const page = (status: number, title: string, children: ComponentChildren) => web.send(res, status, { title, section: 'agenda', context, stylesheets, children });
      if (pending) {
        return page(200, 'Retirer votre demande d’inscription', (
          <>
            <p>{`Bonjour ${pending.pending.name}, votre demande n’est pas encore confirmée : elle ne réserve aucune place. Vous pouvez la retirer :`}</p>
            <SessionFacts session={pending.session} />
            <CancelForm token={token} formToken={context.formToken} />
          </>
        ));
      }
      if (!found) return page(404, 'Lien d’annulation inconnu', <p class="error">{UNKNOWN_CANCEL}</p>);
      const { registration, session } = found;
      if (registration.status === 'cancelled') return page(410, 'Inscription déjà annulée', <><p>Cette inscription est déjà annulée : vous n’avez plus rien à faire.</p><SessionFacts session={session} /></>);
      if (session.status === 'cancelled') return page(410, 'Session annulée', <><p>Cette session a été annulée par l’équipe d’animation : vous n’avez rien à faire.</p><SessionFacts session={session} /></>);
      page(200, 'Annuler votre inscription', (
        <>
          <p>{`Bonjour ${registration.name}, vous allez annuler ${registration.status === 'waiting' ? 'votre place sur la liste d’attente' : 'votre inscription'} :`}</p>
          <SessionFacts session={session} />
          <CancelForm token={token} formToken={context.formToken} />
          <p>Si vous voulez garder votre place, fermez simplement cette page.</p>
        </>
      ));
    } catch (err) {
      next(err);
    }
  });

  router.post(CANCEL_PATH, web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const token = tokenOf(web.fields(req).jeton);
      const withdrawn = token ? await service.cancelPending(token) : undefined;
      if (withdrawn) return web.redirect(req, res, sessionPath({ id: withdrawn.sessionId }), { notice: 'Votre demande d’inscription est retirée : aucun autre e-mail ne vous sera envoyé pour elle.' });
      try {
        const { registration } = await service.cancelRegistration(token);
        web.redirect(req, res, sessionPath({ id: registration.sessionId }), { notice: 'C’est fait : votre inscription est annulée. Merci d’avoir libéré la place.' });
      } catch (err) {
        if (!(err instanceof AgendaError)) throw err;
        const context = await web.context(req, res);
        sendNoStore(res);
        // Two clicks at once: the other one cancelled it.
        if (err.code === 'REGISTRATION_ALREADY_CANCELLED') return web.send(res, 410, { title: 'Inscription déjà annulée', section: 'agenda', context, children: <p>Cette inscription est déjà annulée : vous n’avez plus rien à faire.</p> });
        web.send(res, 404, { title: 'Lien d’annulation inconnu', section: 'agenda', context, children: <p class="error">{UNKNOWN_CANCEL}</p> });
      }
    } catch (err) {
      next(err);
    }
  });

  return router;
}

const UNKNOWN_CANCEL = 'Ce lien d’annulation ne correspond à aucune inscription. Vérifiez que l’adresse est complète (elle est parfois coupée en deux dans les e-mails), ou contactez l’équipe d’animation.';
const UNKNOWN_CONFIRM = 'Ce lien de confirmation ne correspond à aucune inscription. Vérifiez que l’adresse est complète (elle est parfois coupée en deux dans les e-mails), ou inscrivez-vous de nouveau depuis la page de la session.';

function SessionFacts(props: { session: AgendaSession }) {
  const s = props.session;
  return (
    <ul id="session-concernee">
      <li>Session : <a href={sessionPath(s)}>{s.title}</a></li>
      <li>{`Date : ${frenchWhen(s)}`}</li>
      {s.place.address ? <li>{`Lieu : ${s.place.address}`}</li> : null}
      {isOnline(s) ? <li>Session en ligne</li> : null}
    </ul>
  );
}

function CancelForm(props: { token: string; formToken: string }) {
  return (
    <PostForm action={CANCEL_PATH} token={props.formToken} label="Confirmer l’annulation">
      <input type="hidden" name="jeton" value={props.token} />
      <p><button class="primary" type="submit">Confirmer l’annulation</button></p>
    </PostForm>
  );
}

function RegistrationForm(props: { session: AgendaSession; state: FormState; token: string; full: boolean; hours: number }) {
  const { state } = props;
  return (
    <PostForm action={`${sessionPath(props.session)}/inscription`} token={props.token} honeypot class="stack register" label="Formulaire d’inscription">
      <p>{`Vous recevrez un e-mail avec un lien à ouvrir dans les ${props.hours} heures pour confirmer votre inscription ; ${props.full ? 'vous prendrez alors place sur la liste d’attente' : 'la place vous sera alors réservée'}.`}</p>
      <TextField name="name" label="Votre nom" state={state} required autocomplete="name" maxLength={100} order={REGISTER_ORDER} />
      <TextField name="email" label="Votre adresse e-mail" type="email" state={state} required autocomplete="email" maxLength={254} order={REGISTER_ORDER} hint="Elle ne sert qu’aux e-mails de cette session." />
      <Checkbox name="consent" label="J’accepte de recevoir les e-mails de Pollen au sujet de cette session (confirmation, changements, annulation)." state={state} required order={REGISTER_ORDER} />
      <p><button class="primary" type="submit">{props.full ? 'Demander une place sur la liste d’attente' : 'Demander mon inscription'}</button></p>
    </PostForm>
  );
}
