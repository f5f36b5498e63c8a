/**
 * Contacts and accompaniment projects, without an account (each side holds a private link):
 *   POST /diagnostic/<jeton>/contacter/<slug>   the association writes to a listed structure → its project page
 *   GET  /projets/<jeton>                       the project as this side sees it: summary, milestones, history, actions
 *   POST /projets/<jeton>/ouvrir                either side opens the project
 *   POST /projets/<jeton>/etape                 either side records a milestone (date, note)
 *   POST /projets/<jeton>/terminer              the association marks it done → invited to recommend
 *   POST /projets/<jeton>/abandonner            either side gives it up
 *   GET  /annuaire/gerer/projets/<id>           a structure signed in through « Gérer ma fiche » → a new link of its side
 * Every POST: same origin, form token, honeypot, per-address limits, post/redirect/get.
 */
import { le } from '../../text/french.js';
import express, { type Request, type Router } from 'express';
import type { Provider } from '../../directory/model.js';
import { territoryLabel } from '../../directory/territories.js';
import { frenchShortDateTime } from '../../web/format.js';
import { Checkbox, formState, PostForm, SelectField, TextArea, TextField, type FormState } from '../../web/forms.js';
import { stylesheet } from '../../web/styles.js';
import type { Web } from '../../web/web.js';
import type { MatchmakingService } from '../service.js';
import { eventLabel, frenchDay, MILESTONES, milestoneStatus, PROJECT_STATES, ProjectError, SIDES, type MilestoneId, type Project, type Side } from './model.js';
import { associationProjectToken, type ProjectService } from './service.js';

export const PROJECT_CSS = stylesheet(`
.project-grid { display: grid; gap: 1rem; }
.milestones { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem; }
.milestones > li { border: 1px solid var(--line); border-radius: 8px; padding: .5rem .75rem; background: var(--card); overflow-wrap: anywhere; }
.milestones .done { color: #1b5e20; font-weight: 600; }
.history { padding-left: 1.2rem; }
.history li { margin: 0 0 .35rem; overflow-wrap: anywhere; }
.summary-text { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0; font: inherit; }
.state { display: inline-block; padding: 0 .5rem; border: 1px solid currentColor; border-radius: 6px; font-weight: 600; }
`);

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,255}\.[a-z]{2,}$/i;
export const contactFormName = (slug: string) => `contact-${slug}`;
const MILESTONE_FORM = 'projet-etape';
const ABANDON_FORM = 'projet-abandon';
const ACTION_FORM = 'projet-action';

/** The « Contacter cette structure » form of one provider on the diagnostic's answer page. */
export function ContactForm(props: { diagnosticToken: string; provider: Provider; state: FormState; token: string }) {
  const { provider, state } = props;
  const prefix = `contact-${provider.id}`;
  const order = ['message', 'courriel', 'partager'];
  return (
    <details open={Object.keys(state.errors).length > 0 || undefined} id={`contacter-${provider.slug}`}>
      <summary>{`Contacter cette structure (${provider.name})`}</summary>
      <PostForm action={`/diagnostic/${props.diagnosticToken}/contacter/${provider.slug}`} token={props.token} honeypot label={`Contacter ${provider.name}`}>
        <TextArea name="message" label="Votre message" required maxLength={2000} rows={4} state={state} order={order} idPrefix={prefix}
          hint="Quelques lignes : ce que vous attendez, vos disponibilités. Le résumé de votre diagnostic est joint." />
        <TextField name="courriel" type="email" label="Votre adresse e-mail" required maxLength={200} autocomplete="email" state={state} order={order} idPrefix={prefix}
          hint="Pour recevoir le lien privé du projet. Elle n’est transmise à la structure que si vous cochez la case ci-dessous." />
        <Checkbox name="partager" label="Partager notre adresse e-mail avec la structure" state={state} order={order} idPrefix={prefix} />
        <p><button class="primary" type="submit">Envoyer le message</button></p>
      </PostForm>
    </details>
  );
}

function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function ProjectView(props: { project: Project; side: Side; token: string; formToken: string; milestone: FormState; abandon: FormState; action: FormState; now: Date; recommendUrl: string | null }) {
  const { project: p, side, token } = props;
  const status = milestoneStatus(p);
  const active = p.state === 'ouvert' || p.state === 'en_cours';
  const other = side === 'association' ? p.providerName : (p.associationName || 'l’association');
  const order = ['etape', 'date', 'note'];
  return (
    <div class="project-grid">
      <section class="card" aria-labelledby="titre-etat">
        <h2 id="titre-etat">État du projet</h2>
        <p><span class="state">{PROJECT_STATES[p.state]}</span>{` — ${side === 'association' ? `avec ${p.providerName}` : `pour ${p.associationName || 'une association'}`}, ${territoryLabel(p.territory)}.`}</p>
        {props.action.errors.action ? <p class="error" role="alert">{`Erreur : ${props.action.errors.action}`}</p> : null}
        {p.state === 'contact' ? (
          <>
            <p>{side === 'association' ? `Votre message a été transmis à ${p.providerName}. Quand vous vous serez mis d’accord, l’un ou l’autre ouvre le projet pour en suivre les étapes.` : 'L’association vous a écrit (message ci-dessous). Si vous l’accompagnez, ouvrez le projet pour en suivre les étapes ensemble.'}</p>
            <PostForm action={`/projets/${token}/ouvrir`} token={props.formToken} honeypot class="inline" label="Ouvrir le projet">
              <button class="primary" type="submit">Ouvrir le projet d’accompagnement</button>
            </PostForm>
          </>
        ) : null}
        {p.state === 'termine' && side === 'association' && props.recommendUrl ? (
          <div id="recommander">
            <p>{`Le projet est terminé. S’il s’est bien passé, recommandez ${p.providerName} : votre recommandation, vérifiée par l’équipe d’animation, paraîtra sur sa fiche comme « après un projet accompagné ».`}</p>
            <p><a class="button primary" href={props.recommendUrl}>{`Recommander ${p.providerName}`}</a></p>
          </div>
        ) : null}
        {p.state === 'termine' && side === 'structure' ? <p>L’association a marqué le projet terminé. Elle est invitée à vous recommander ; l’équipe d’animation vérifiera sa recommandation avec elle.</p> : null}
        {p.state === 'abandonne' ? <p>Ce projet a été abandonné. Son historique reste consultable ici.</p> : null}
      </section>

      <section class="card" aria-labelledby="titre-etapes">
        <h2 id="titre-etapes">Les étapes</h2>
        <ul class="milestones">
          {(Object.keys(MILESTONES) as MilestoneId[]).map((id) => {
            const e = status[id];
            return (
              <li>
                <strong>{MILESTONES[id]}</strong>{' : '}
                {e ? <span class="done">{`atteinte ${le(frenchDay(e.onDate ?? e.at.slice(0, 10)))}`}</span> : <span>pas encore</span>}
                {e?.note ? <> — {e.note}</> : null}
              </li>
            );
          })}
        </ul>
        {active ? (
          <PostForm action={`/projets/${token}/etape`} token={props.formToken} honeypot label="Noter une étape">
            <h3>Noter une étape</h3>
            <SelectField name="etape" label="Étape" required state={props.milestone} order={order} placeholder="Choisissez…" choices={Object.entries(MILESTONES).map(([value, label]) => ({ value, label }))} />
            <TextField name="date" type="date" label="Date" required state={props.milestone} order={order} hint={`Au format AAAA-MM-JJ, au plus tard aujourd’hui (${today(props.now)}).`} />
            <TextArea name="note" label="Note" maxLength={500} rows={2} state={props.milestone} order={order} hint="Par exemple : huit bénévoles formés à l’agenda partagé." />
            <p><button class="primary" type="submit">Enregistrer l’étape</button></p>
          </PostForm>
        ) : null}
        {active && side === 'association' ? (
          <PostForm action={`/projets/${token}/terminer`} token={props.formToken} honeypot label="Marquer le projet terminé">
            <p class="hint">{`Quand l’association est autonome avec ses nouveaux outils, marquez le projet terminé : vous serez invitée à recommander ${p.providerName}.`}</p>
            <button type="submit">Marquer le projet terminé</button>
          </PostForm>
        ) : null}
      </section>

      <section class="card" aria-labelledby="titre-demande">
        <h2 id="titre-demande">La demande de l’association</h2>
        <p>{p.message}</p>
        {side === 'structure' ? <p>{p.shareEmail ? <>{'Adresse e-mail de l’association : '}<a href={`mailto:${p.associationEmail}`}>{p.associationEmail}</a></> : 'L’association n’a pas partagé son adresse e-mail : les étapes et les notes de cette page sont votre fil commun.'}</p> : null}
        <h3>Résumé du diagnostic</h3>
        <pre class="summary-text">{p.summary}</pre>
      </section>

      <section class="card" aria-labelledby="titre-historique">
        <h2 id="titre-historique">Historique</h2>
        <ol class="history">
          {p.events.map((e) => (
            <li><time datetime={e.at}>{frenchShortDateTime(e.at)}</time>{` — ${eventLabel(e)}${e.kind === 'milestone' ? `, noté par ${SIDES[e.side]}` : ''}`}{e.note ? ` : ${e.note}` : ''}</li>
          ))}
        </ol>
      </section>

      {p.state !== 'termine' && p.state !== 'abandonne' ? (
        <section class="card" aria-labelledby="titre-abandon">
          <h2 id="titre-abandon">Abandonner le projet</h2>
          <PostForm action={`/projets/${token}/abandonner`} token={props.formToken} honeypot label="Abandonner le projet">
            <TextArea name="raison" label="Pourquoi ?" maxLength={500} rows={2} state={props.abandon} idPrefix="abandon" hint={`Visible par ${other} dans l’historique.`} />
            <Checkbox name="confirme" required label="Je confirme l’abandon de ce projet." state={props.abandon} idPrefix="abandon" />
            <button type="submit">Abandonner le projet</button>
          </PostForm>
        </section>
      ) : null}
    </div>
  );
}

export interface ProjectPagesOptions {
  /** The directory's recommendation form for a done project (the association's token): its URL. */
  recommendUrl?: (providerSlug: string, associationToken: string) => string;
  providerBySlug: (slug: string) => Promise<Provider | undefined>;
  /** The structure signed in through the directory's « Gérer ma fiche » in this browser, if any. */
  signedInProvider?: (req: Request) => Promise<number | undefined>;
  now?: () => Date;
}

export function createProjectPages(projects: ProjectService, diagnostics: MatchmakingService, web: Web, options: ProjectPagesOptions): Router {
  const router = express.Router();
  const now = options.now ?? (() => new Date());
  const recommendPath = options.recommendUrl ?? ((slug: string, token: string) => `/annuaire/${slug}/recommander?projet=${token}`);
  const privateLink = (res: express.Response) => res.set('Referrer-Policy', 'no-referrer');
  const back = (token: string) => `/projets/${token}`;

  router.post('/diagnostic/:token/contacter/:slug', web.ready, web.body, async (req, res, next) => {
    try {
      if (!web.checkPost(req, res)) return;
      const token = String(req.params.token);
      const slug = String(req.params.slug);
      const fields = web.fields(req);
      const page = `/diagnostic/${token}`;
      if (web.isRobot(fields)) return web.redirect(req, res, page, { notice: 'Votre message est envoyé.' });
      const found = await diagnostics.findWithId(token);
      if (!found) return web.notFound(res, undefined, 'Aucun diagnostic ne correspond à ce lien : il a peut-être été supprimé.');
      const provider = await options.providerBySlug(slug);
      if (!provider?.listed) return web.notFound(res, undefined, 'Cette structure n’est pas (ou plus) dans l’annuaire.');
      const form = contactFormName(provider.slug);
      const to = `${page}#contacter-${provider.slug}`;
      const errors: Record<string, string> = {};
      const message = (fields.message ?? '').trim();
      const email = (fields.courriel ?? '').trim().toLowerCase();
      if (!message) errors.message = 'Écrivez quelques lignes pour la structure.';
      else if (message.length > 2000) errors.message = `Ce message fait ${message.length} caractères : 2 000 au plus.`;
      if (!EMAIL.test(email) || email.length > 200) errors.courriel = 'Indiquez une adresse e-mail valide, par exemple bureau@mon-asso.fr : le lien privé du projet y sera envoyé.';
      if (Object.keys(errors).length) return web.refuse(req, res, to, { form, values: fields, errors });
      if (!(await web.admit(req, res, { form: 'projet-contact', perAddress: 10, perEmail: 5 }, { form, to, values: fields, field: 'message', email }))) return;
      let result: { token: string; created: boolean };
      try {
        result = await projects.contact({
          diagnosticToken: token, diagnosticId: found.id, diagnostic: found.diagnostic, provider, message, email, shareEmail: fields.partager === 'oui',
          link: (t) => web.absolute(`/projets/${t}`, req),
        });
      } catch (err) {
        if (!(err instanceof ProjectError)) throw err;
        return web.refuse(req, res, to, { form, values: fields, errors: { message: err.message } });
      }
      web.redirect(req, res, back(result.token), {
        notice: result.created
          ? `Votre message est envoyé à ${provider.name}${fields.partager === 'oui' ? ' avec votre adresse e-mail' : ' (sans votre adresse e-mail)'}. Le lien privé de cette page vous a été envoyé par courriel.`
          : `Vous avez déjà écrit à ${provider.name} depuis ce diagnostic : voici votre projet.`,
      });
    } catch (err) {
      next(err);
    }
  });

  // The structure, signed in through « Gérer ma fiche », opens one of its projects: a new private
  // link of its side. Under /annuaire: the sign-in's cookie is sent there only.
  router.get('/annuaire/gerer/projets/:id', web.ready, async (req, res, next) => {
    try {
      const id = /^\d{1,12}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
      const providerId = options.signedInProvider ? await options.signedInProvider(req) : undefined;
      const token = providerId === undefined || Number.isNaN(id) ? undefined : await projects.structureLink(id, providerId);
      if (!token) {
        const context = await web.context(req, res);
        return web.notFound(res, context, 'Ce projet n’est pas accessible : connectez-vous d’abord à la gestion de votre fiche (« Gérer ma fiche » dans l’annuaire), ou ouvrez le lien reçu par courriel.');
      }
      res.set('Referrer-Policy', 'no-referrer');
      web.redirect(req, res, back(token));
    } catch (err) {
      next(err);
    }
  });

  router.get('/projets/:token', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const token = String(req.params.token);
      const found = await projects.byToken(token);
      if (!found) return web.notFound(res, context, 'Aucun projet ne correspond à ce lien. Vérifiez l’adresse reçue par courriel.');
      privateLink(res);
      const { project, side } = found;
      const title = side === 'association' ? `Projet avec ${project.providerName}` : `Projet avec ${project.associationName || 'une association sans nom'}`;
      web.send(res, 200, {
        title, section: 'annuaire', context, stylesheets: [PROJECT_CSS],
        lead: 'Cette page est privée : seules l’association et la structure en ont le lien. Chacune peut noter les étapes du projet ; tout est gardé dans l’historique.',
        children: (
          <ProjectView project={project} side={side} token={token} formToken={context.formToken} now={now()}
            milestone={formState(MILESTONE_FORM, context.refused)} abandon={formState(ABANDON_FORM, context.refused)} action={formState(ACTION_FORM, context.refused)}
            recommendUrl={project.providerSlug ? recommendPath(project.providerSlug, token) : null} />
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  /** A project action's POST: checks, limits, the change, and post/redirect/get either way. */
  function action(path: string, form: string, field: string, run: (token: string, fields: Record<string, string>, req: Request) => Promise<{ errors?: Record<string, string>; notice?: string }>) {
    router.post(`/projets/:token/${path}`, web.ready, web.body, async (req, res, next) => {
      try {
        if (!web.checkPost(req, res)) return;
        const token = String(req.params.token);
        const fields = web.fields(req);
        if (web.isRobot(fields)) return web.redirect(req, res, back(token));
        if (!(await web.admit(req, res, { form: 'projet', perAddress: 60 }, { form, to: back(token), values: fields, field }))) return;
        try {
          const out = await run(token, fields, req);
          if (out.errors) return web.refuse(req, res, back(token), { form, values: fields, errors: out.errors });
          web.redirect(req, res, back(token), { notice: out.notice });
        } catch (err) {
          if (!(err instanceof ProjectError)) throw err;
          if (err.code === 'NOT_FOUND') return web.notFound(res, undefined, 'Aucun projet ne correspond à ce lien.');
          web.refuse(req, res, back(token), { form: ACTION_FORM, values: {}, errors: { action: err.message } });
        }
      } catch (err) {
        next(err);
      }
    });
  }

  action('ouvrir', ACTION_FORM, 'action', async (token) => {
    await projects.open(token);
    return { notice: 'Le projet est ouvert : notez ses étapes au fil de l’accompagnement.' };
  });
  action('etape', MILESTONE_FORM, 'etape', async (token, fields) => {
    const errors: Record<string, string> = {};
    const milestone = fields.etape ?? '';
    const date = (fields.date ?? '').trim();
    const note = (fields.note ?? '').trim();
    if (!(milestone in MILESTONES)) errors.etape = 'Choisissez l’étape atteinte.';
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) errors.date = 'Indiquez une date au format AAAA-MM-JJ, par exemple 2026-03-02.';
    else if (date > today(now())) errors.date = 'Cette date n’est pas encore passée : notez l’étape une fois atteinte.';
    else if (date < '2000-01-01') errors.date = 'Cette date est trop ancienne.';
    if (note.length > 500) errors.note = `Cette note fait ${note.length} caractères : 500 au plus.`;
    if (Object.keys(errors).length) return { errors };
    await projects.milestone(token, milestone as MilestoneId, date, note || null);
    return { notice: `Étape « ${MILESTONES[milestone as MilestoneId]} » enregistrée.` };
  });
  action('terminer', ACTION_FORM, 'action', async (token, _fields, req) => {
    await projects.done(token, (slug) => web.absolute(recommendPath(slug, token), req));
    return { notice: 'Le projet est terminé. Merci ! Vous pouvez maintenant recommander la structure (le lien vous a aussi été envoyé par courriel).' };
  });
  action('abandonner', ABANDON_FORM, 'raison', async (token, fields): Promise<{ errors?: Record<string, string>; notice?: string }> => {
    const note = (fields.raison ?? '').trim();
    if (fields.confirme !== 'oui') return { errors: { confirme: 'Cochez la case pour confirmer l’abandon.' } };
    if (note.length > 500) return { errors: { raison: `Ce texte fait ${note.length} caractères : 500 au plus.` } };
    await projects.abandon(token, note || null);
    return { notice: 'Le projet est abandonné. Son historique reste consultable.' };
  });
  return router;
}

/** The association's links to its projects from a diagnostic's page. */
export function associationProjectLinks(diagnosticToken: string, providerIds: readonly number[]): Map<number, string> {
  return new Map(providerIds.map((id) => [id, `/projets/${associationProjectToken(diagnosticToken, id)}`]));
}
